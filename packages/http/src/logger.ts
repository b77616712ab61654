/**
 * One structured log record. The API writes one per request (`msg: "request"`) and one at
 * start-up when it is configured to refuse every call.
 *
 * @example
 * const record: LogRecord = { msg: 'request', requestId: 'b1c…', method: 'GET', path: '/healthz', status: 200, durationMs: 0.4 };
 */
export interface LogRecord {
  /** What happened, in a few words; the other fields are its details. */
  msg: string;
  [field: string]: unknown;
}

/**
 * Where the API logs. Shaped like pino's and console's methods, so either can be passed.
 *
 * @example
 * createWalletApi({ service, tokens, logger: pino() });
 */
export interface Logger {
  /** Logs a record of normal operation, such as a request answered below 500. */
  info(record: LogRecord): void;
  /** Logs a record an operator should act on, such as an API that refuses every call. */
  warn(record: LogRecord): void;
  /** Logs a record of a failure, such as a request answered with a 5xx status. */
  error(record: LogRecord): void;
}

const line =
  (stream: NodeJS.WriteStream, level: string) =>
  (record: LogRecord): void => {
    stream.write(`${JSON.stringify({ time: new Date().toISOString(), level, ...record })}\n`);
  };

/**
 * The default logger: one JSON object per line, `info` to stdout and `warn`/`error` to
 * stderr, which is what CloudWatch Logs and container log collectors ingest.
 *
 * @example
 * createWalletApi({ service, tokens, logger: jsonLogger });
 */
export const jsonLogger: Logger = {
  info: line(process.stdout, 'info'),
  warn: line(process.stderr, 'warn'),
  error: line(process.stderr, 'error'),
};

/**
 * A logger that drops everything, for tests and for callers that log elsewhere.
 *
 * @example
 * createWalletApi({ service, tokens, logger: silentLogger });
 */
export const silentLogger: Logger = { info() {}, warn() {}, error() {} };
