export type { QldbDriverLike, QldbExecutor } from './driver.js';
export { type TransactionPhase, translateQldbError } from './errors.js';
export {
  DocumentShapeError,
  decimalFromIon,
  decimalToIon,
  entryFromIon,
  entryToIon,
  holdFieldsToIon,
  jsonFromIon,
  jsonToIon,
  recordFromIon,
  recordToIon,
  timestampFromIon,
  timestampToIon,
  walletFromIon,
  walletToIon,
} from './ion-values.js';
export {
  createQldbLedger,
  QLDB_MAX_DOCUMENTS_PER_TRANSACTION,
  type QldbLedgerOptions,
} from './qldb-ledger.js';
export { createSchema, LEDGER_TABLES } from './schema.js';
