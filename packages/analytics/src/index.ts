export { fractionDigits, toUnscaled } from './decimal-units.js';
export {
  type ExportedFile,
  type ExportJournalOptions,
  type ExportJournalResult,
  type ExportProgress,
  exportJournalToParquet,
} from './export-journal.js';
export {
  AMOUNT_DECIMAL,
  type GlueColumn,
  JOURNAL_GLUE_COLUMNS,
  JOURNAL_PARTITION_COLUMN,
} from './journal-columns.js';
export { encodeJournalParquet } from './journal-parquet.js';
export { listAccountIds, type ReadJournalsOptions, readJournals } from './journal-source.js';
