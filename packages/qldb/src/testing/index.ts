/**
 * An in-process fake of the QLDB session service for tests, which the real
 * `amazon-qldb-driver-nodejs` talks to over HTTP, and the QLDB stream records of every commit.
 *
 * @packageDocumentation
 */
import { QldbDriver, type RetryConfig } from 'amazon-qldb-driver-nodejs';
import type { dom } from 'ion-js';
import { LedgerState } from './ledger-state.js';
import { type QldbFakeStats, type SessionFault, SessionServer } from './session-server.js';
import {
  type QldbStreamRecord,
  StreamJournal,
  type StreamRecordOptions,
} from './stream-journal.js';
import type { StoredDocument } from './tables.js';

export { aggregateUserRecords, KPL_MAGIC, type UserRecord } from './kpl.js';
export {
  type ComparisonOperator,
  type Operand,
  PartiqlSyntaxError,
  type Predicate,
  parseStatement,
  type Statement,
} from './partiql.js';
export type { QldbErrorType } from './service-errors.js';
export type { QldbFakeStats, SessionCommand, SessionFault } from './session-server.js';
export type {
  QldbStreamRecord,
  QldbStreamRecordType,
  StreamRecordOptions,
} from './stream-journal.js';
export type { StoredDocument } from './tables.js';

/**
 * How to start the fake.
 *
 * @example
 * const fake = await startQldbFake({ ledgerName: 'wallet-ledger', pageSize: 50 });
 */
export interface QldbFakeOptions {
  /** The ledger name sessions must name. Default `wallet-ledger`. */
  ledgerName?: string;
  /** How long a transaction may stay open, as QLDB's 30 s limit. Default 30000. */
  transactionTimeoutMs?: number;
  /** Values per result page; more results are fetched with FetchPage. Default 200. */
  pageSize?: number;
  /** The region put in the client config and the stream ARN. Default `local`. */
  region?: string;
  /** The loopback port to listen on. Default: any free port. */
  port?: number;
}

/**
 * The second argument of `new QldbDriver(ledgerName, clientConfig, ...)` for the fake.
 *
 * @example
 * const driver = new QldbDriver(fake.ledgerName, fake.clientConfig);
 */
export interface QldbFakeClientConfig {
  /** The fake's HTTP endpoint. */
  endpoint: string;
  /** The region the fake was started with. */
  region: string;
  /** Dummy credentials: the fake checks none. */
  credentials: {
    /** Always `fake`. */
    accessKeyId: string;
    /** Always `fake`. */
    secretAccessKey: string;
  };
}

/**
 * How {@link QldbFake.createDriver} builds the driver.
 *
 * @example
 * const driver = fake.createDriver({ maxConcurrentTransactions: 10, retryConfig: new RetryConfig(20) });
 */
export interface QldbFakeDriverOptions {
  /** The driver's session pool size; 0 (default) lets the driver pick. */
  maxConcurrentTransactions?: number;
  /** The driver's retries of OCC conflicts and other retryable failures. */
  retryConfig?: RetryConfig;
}

/**
 * A running QLDB fake.
 *
 * @example
 * const fake: QldbFake = await startQldbFake();
 * const ledger = createQldbLedger({ driver: fake.createDriver() });
 */
export interface QldbFake {
  /** The HTTP endpoint, e.g. `http://127.0.0.1:50123`. */
  readonly endpoint: string;
  /** The ledger name sessions must name. */
  readonly ledgerName: string;
  /** Client config for the real driver: the endpoint, a region and dummy credentials. */
  readonly clientConfig: QldbFakeClientConfig;
  /** Live counters: commits, OCC conflicts, expiries, digest mismatches, ... */
  readonly stats: Readonly<QldbFakeStats>;
  /** A real `QldbDriver` pointed at the fake. Close it (`driver.close()`) when done. */
  createDriver(options?: QldbFakeDriverOptions): QldbDriver;
  /** The committed documents of a table (empty when the table does not exist). */
  documents(table: string): StoredDocument[];
  /**
   * Replaces a table's documents, bypassing OCC and the journal: for tamper-evidence tests.
   * Return stored documents to keep (possibly with new `data`) and bare Ion values to add.
   */
  rewriteDocuments(
    table: string,
    edit: (documents: StoredDocument[]) => (StoredDocument | dom.Value)[],
  ): void;
  /** Makes the next matching command(s) fail; see {@link SessionFault}. */
  injectFault(fault: SessionFault): void;
  /** The QLDB stream records of every commit so far, plain or KPL-aggregated. */
  streamRecords(options?: StreamRecordOptions): QldbStreamRecord[];
  /** Stops the server. */
  close(): Promise<void>;
}

/**
 * Starts an in-process fake of the QLDB session service on a loopback port. The real,
 * unmodified `amazon-qldb-driver-nodejs` talks to it over HTTP: sessions, transactions with
 * OCC validation at commit, the CommitDigest checked as QLDB checks it, transaction expiry,
 * result paging, the PartiQL subset of `parseStatement`, and a journal that emits QLDB stream
 * records for every commit. Everything lives in memory and is lost on `close()`.
 *
 * @example
 * const fake = await startQldbFake({ ledgerName: 'wallet-ledger' });
 * const driver = fake.createDriver({ retryConfig: new RetryConfig(20) });
 * await driver.executeLambda((txn) => txn.execute('CREATE TABLE Players'));
 * driver.close();
 * await fake.close();
 */
export async function startQldbFake(options: QldbFakeOptions = {}): Promise<QldbFake> {
  const ledgerName = options.ledgerName ?? 'wallet-ledger';
  const region = options.region ?? 'local';
  const transactionTimeoutMs = options.transactionTimeoutMs ?? 30_000;
  const ledger: LedgerState = new LedgerState(transactionTimeoutMs, (block) =>
    journal.append(block),
  );
  const journal = new StreamJournal(ledgerName, region, ledger.strandId);
  const server = new SessionServer({
    ledgerName,
    ledger,
    transactionTimeoutMs,
    pageSize: options.pageSize ?? 200,
  });
  const endpoint = await server.listen(options.port);
  const clientConfig: QldbFakeClientConfig = {
    endpoint,
    region,
    credentials: { accessKeyId: 'fake', secretAccessKey: 'fake' },
  };
  return {
    endpoint,
    ledgerName,
    clientConfig,
    stats: server.stats,
    createDriver(driverOptions = {}) {
      return new QldbDriver(
        ledgerName,
        { ...clientConfig },
        {},
        driverOptions.maxConcurrentTransactions ?? 0,
        driverOptions.retryConfig,
      );
    },
    documents(table) {
      return [...(ledger.table(table)?.documents() ?? [])];
    },
    rewriteDocuments: (table, edit) => ledger.rewrite(table, edit),
    injectFault: (fault) => server.injectFault(fault),
    streamRecords: (recordOptions) => journal.records(recordOptions),
    close: () => server.close(),
  };
}
