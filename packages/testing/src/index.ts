export {
  type ApiGatewayRequest,
  httpApiEvent,
  lambdaContext,
  restApiEvent,
} from './api-gateway-events.js';
export {
  type BankReport,
  type BankSimulation,
  type BankSimulationOptions,
  type CallRecord,
  checkBank,
  type Outcome,
  runBankSimulation,
} from './bank-simulation.js';
export { type BankTestOptions, type BankTestReport, runBankTest } from './bank-test.js';
export { type DigestSuiteContext, digestSuite, rewriteAmount } from './digest-suite.js';
export {
  DYNAMODB_LOCAL_START_TIMEOUT_MS,
  type DynamoDbLocal,
  startDynamoDbLocal,
  uniqueTableName,
} from './dynamodb-local.js';
export {
  createFaultyLedger,
  type FaultPlan,
  type FaultStats,
  type FaultyLedger,
} from './faulty-ledger.js';
export { SUITE_CURRENCIES, SUITE_EXCHANGE_RATES, steppingClock, uniqueIds } from './fixtures.js';
export {
  HISTORY_STORE_TESTS,
  type HistoryFixture,
  type HistoryStoreTest,
  type HistorySuiteOptions,
  historyStoreSuite,
} from './history-store-suite.js';
export {
  type HotAccountBenchOptions,
  type HotAccountRow,
  hotAccountReport,
  hotAccountSettings,
  type PayoutReport,
  runHotAccountBench,
  runTradeWorkerIfForked,
  type ServiceFactory,
  TRADE_CURRENCY,
  type TradeWork,
} from './hot-account-bench.js';
export {
  createStream,
  type KinesisLocal,
  readAsLambdaEvent,
  startKinesisLocal,
} from './kinesis-local.js';
export {
  LEDGER_PORT_TESTS,
  type LedgerPortSuiteOptions,
  type LedgerPortTest,
  ledgerPortSuite,
} from './ledger-port-suite.js';
export {
  type LedgerFixture,
  type LedgerSuiteOptions,
  ledgerStoreSuite,
} from './ledger-store-suite.js';
export {
  HOT_WALLET_TESTS,
  LEDGER_STORE_TESTS,
  type LedgerStoreTest,
} from './ledger-store-tests.js';
export { type NamedTests, namedTests, type TestRegistrar } from './named-tests.js';
export { type OperationsSuiteContext, operationsSuite } from './operations-suite.js';
export { hash32, randomInt, seededRandom } from './random.js';
export type { TamperHooks } from './tamper-hooks.js';
export { expectWalletError } from './wallet-error.js';
