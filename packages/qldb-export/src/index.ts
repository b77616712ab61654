export { type AccountIdRule, defaultAccountIdRule } from './account-ids.js';
export { QldbExportError, type QldbExportErrorCode } from './errors.js';
export { dotHash, ionHash, merkleRoot, sameHash, toBase64 } from './hashing.js';
export {
  type ImportProgress,
  type ImportQldbExportOptions,
  importQldbExport,
} from './import.js';
export type * from './import-report.js';
export { ionToJson } from './ion-json.js';
export { type ExportManifest, findExports } from './manifests.js';
export { type ReadQldbExportOptions, readQldbExport, sniffFormat } from './reader.js';
export { type BalanceRefusal, type ConvertedBalance, convertBalance } from './sample-balance.js';
export {
  directorySource,
  type ExportSource,
  type S3Commands,
  type S3LikeClient,
  type S3SourceOptions,
  s3Source,
} from './sources.js';
export type * from './types.js';
