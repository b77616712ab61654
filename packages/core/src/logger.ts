/**
 * One structured log record: `message` says what happened in a few words, the other fields are
 * its details. `message` is the key AWS Lambda Powertools' `Logger` requires of a record passed
 * as an object, and pino logs an object's fields as they are.
 *
 * @example
 * const record: LogRecord = { message: 'request', requestId: 'b1c…', method: 'GET', status: 200, durationMs: 0.4 };
 */
export interface LogRecord {
  /** What happened, in a few words; the other fields are its details. */
  message: string;
  [field: string]: unknown;
}

/**
 * Where the SDK's packages log (the HTTP API, the stream transformer). Each method takes one
 * {@link LogRecord}, so Powertools' `Logger`, pino and `console` can be passed as they are.
 *
 * @example
 * import { Logger as PowertoolsLogger } from '@aws-lambda-powertools/logger';
 * createWalletApi({ service, tokens, logger: new PowertoolsLogger({ serviceName: 'wallet' }) });
 * createKinesisHandler({ history, logger: pino() });
 */
export interface Logger {
  /** A record of normal operation, such as a request answered below 500. */
  info(record: LogRecord): void;
  /** A record an operator should act on, such as an API that refuses every call. */
  warn(record: LogRecord): void;
  /** A record of a failure, such as a request answered with a 5xx status or a poison record. */
  error(record: LogRecord): void;
}

// The stream is looked up when a record is written, not when this module loads, so importing
// core never touches `process` (a browser bundle can import it).
const line =
  (level: 'info' | 'warn' | 'error') =>
  (record: LogRecord): void => {
    const stream = level === 'info' ? process.stdout : process.stderr;
    stream.write(`${JSON.stringify({ time: new Date().toISOString(), level, ...record })}\n`);
  };

/**
 * The default logger: one JSON object per line, `info` to stdout and `warn`/`error` to
 * stderr, which is what CloudWatch Logs and container log collectors ingest.
 *
 * @example
 * createWalletApi({ service, tokens, logger: jsonLogger });
 */
export const jsonLogger: Logger = { info: line('info'), warn: line('warn'), error: line('error') };

/**
 * A logger that drops everything, for tests and for callers that log elsewhere.
 *
 * @example
 * createWalletApi({ service, tokens, logger: silentLogger });
 */
export const silentLogger: Logger = { info() {}, warn() {}, error() {} };
