/**
 * `pnpm --filter @wallet/dynamodb-ledger bench`, second part: the multi-process hot-account
 * bench of issue 17 on DynamoDB Local. Sixteen worker processes, each one call at a time (as
 * Lambda instances run), post trades between random players that pay a fee to one house
 * account: first undeclared, then declared hot. Workers are forks of this file. See
 * docs/benchmarks.md, "Hot accounts".
 */
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { createWalletService } from '@wallet/core';
import {
  hotAccountReport,
  hotAccountSettings,
  runHotAccountBench,
  runTradeWorkerIfForked,
  type ServiceFactory,
  startDynamoDbLocal,
  TRADE_CURRENCY,
} from '@wallet/testing';
import { createDynamoDbLedger, createLedgerTable } from '../src/index.js';

const TABLE = 'bench-hot-account';
/** DynamoDB Local's endpoint, started by the parent and handed to its workers. */
const ENDPOINT_ENV = 'WALLET_HOT_BENCH_DYNAMODB';

const clientConfig = (endpoint: string) => ({
  endpoint,
  region: 'local',
  credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
});

const services: ServiceFactory = async (hotWallets) => {
  const client = new DynamoDBClient(clientConfig(process.env[ENDPOINT_ENV]!));
  const ledger = createDynamoDbLedger({ client, tableName: TABLE });
  return {
    service: createWalletService({ ledger, currencies: [TRADE_CURRENCY], hotWallets }),
    close: async () => client.destroy(),
  };
};

if (!(await runTradeWorkerIfForked(services))) {
  const settings = hotAccountSettings();
  const dynamo = await startDynamoDbLocal();
  process.env[ENDPOINT_ENV] = dynamo.endpoint;
  const client = new DynamoDBClient(dynamo.clientConfig);
  try {
    await createLedgerTable(client, TABLE);
    const rows = await runHotAccountBench({
      benchFile: import.meta.filename,
      services,
      players: 1000,
      ...settings,
    });
    console.log(`\n${hotAccountReport('DynamoDB Local', rows, settings)}`);
  } finally {
    client.destroy();
    await dynamo.stop();
  }
}
