import { randomBytes } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { type dom, dumpBinary, load } from 'ion-js';
import type { LedgerState } from './ledger-state.js';
import { type QldbErrorType, QldbServiceError } from './service-errors.js';
import { FakeTransaction } from './transaction.js';

/** The commands of `QLDBSession.SendCommand`. */
export type SessionCommand =
  | 'StartSession'
  | 'StartTransaction'
  | 'ExecuteStatement'
  | 'FetchPage'
  | 'CommitTransaction'
  | 'AbortTransaction'
  | 'EndSession';

const COMMANDS: readonly SessionCommand[] = [
  'StartSession',
  'StartTransaction',
  'ExecuteStatement',
  'FetchPage',
  'CommitTransaction',
  'AbortTransaction',
  'EndSession',
];

/**
 * A failure to inject into the next `times` (default 1) matching commands: an error response of
 * a QLDB type, or a connection dropped before the command runs or after it ran (so a commit is
 * applied but its answer is lost).
 *
 * @example
 * fake.injectFault({ command: 'CommitTransaction', dropConnection: 'after' });
 */
export type SessionFault =
  | {
      /** The command that fails. */
      command: SessionCommand;
      /** The QLDB error type it answers with. */
      error: QldbErrorType;
      /** The error's message. Default `injected <error>`. */
      message?: string;
      /** How many matching commands fail. Default 1. */
      times?: number;
    }
  | {
      /** The command whose connection drops. */
      command: SessionCommand;
      /** Drop it before the command runs, or after it ran (its answer is lost). */
      dropConnection: 'before' | 'after';
      /** How many matching commands fail. Default 1. */
      times?: number;
    };

/**
 * Counters of what the fake saw, for tests to assert on.
 *
 * @example
 * expect(fake.stats.occConflicts).toBeGreaterThan(0);
 */
export interface QldbFakeStats {
  /** Sessions started. */
  sessionsStarted: number;
  /** Transactions started. */
  transactionsStarted: number;
  /** Statements received in an open transaction, rejected ones included. */
  statements: number;
  /** Statements refused (syntax, unknown table, wrong parameter count). */
  rejectedStatements: number;
  /** Transactions committed. */
  commits: number;
  /** Commits refused with OccConflictException. */
  occConflicts: number;
  /** Commits refused because the client's CommitDigest did not match. */
  digestMismatches: number;
  /** Transactions that outlived the transaction timeout. */
  expiredTransactions: number;
  /** Open transactions aborted by the client. */
  aborts: number;
  /** Commands an injected fault failed. */
  injectedFaults: number;
}

/** How the session service behaves. */
export interface SessionServiceOptions {
  ledgerName: string;
  ledger: LedgerState;
  transactionTimeoutMs: number;
  pageSize: number;
}

interface Session {
  transaction: FakeTransaction | null;
}

type Body = Record<string, unknown>;

/**
 * The QLDB session service over HTTP, speaking the AWS JSON 1.0 protocol
 * (`x-amz-target: QLDBSession.SendCommand`) so the unmodified AWS SDK client, and so the QLDB
 * driver, can talk to it. Each request is handled to completion within one turn of the event
 * loop, so commits are atomic without locks. Request signatures are not checked.
 *
 * @example
 * const server = new SessionServer({ ledgerName: 'wallet', ledger, transactionTimeoutMs: 30_000, pageSize: 200 });
 * const endpoint = await server.listen();
 */
export class SessionServer {
  readonly stats: QldbFakeStats = {
    sessionsStarted: 0,
    transactionsStarted: 0,
    statements: 0,
    rejectedStatements: 0,
    commits: 0,
    occConflicts: 0,
    digestMismatches: 0,
    expiredTransactions: 0,
    aborts: 0,
    injectedFaults: 0,
  };
  readonly #options: SessionServiceOptions;
  readonly #sessions = new Map<string, Session>();
  readonly #faults: SessionFault[] = [];
  readonly #server: Server;

  constructor(options: SessionServiceOptions) {
    this.#options = options;
    this.#server = createServer((request, response) => this.#onRequest(request, response));
  }

  /** Starts listening on a loopback port and returns the endpoint URL. */
  listen(port = 0): Promise<string> {
    return new Promise((resolve, reject) => {
      this.#server.once('error', reject);
      this.#server.listen(port, '127.0.0.1', () => {
        const address = this.#server.address() as AddressInfo;
        resolve(`http://127.0.0.1:${address.port}`);
      });
    });
  }

  /** Stops listening and drops every connection. */
  close(): Promise<void> {
    return new Promise((resolve) => {
      this.#server.close(() => resolve());
      this.#server.closeAllConnections();
    });
  }

  injectFault(fault: SessionFault): void {
    this.#faults.push({ ...fault, times: fault.times ?? 1 });
  }

  #onRequest(request: IncomingMessage, response: ServerResponse): void {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      const target = request.headers['x-amz-target'];
      if (request.method !== 'POST' || target !== 'QLDBSession.SendCommand') {
        this.#send(response, 400, {
          __type: 'UnknownOperationException',
          message: `the QLDB fake serves only QLDBSession.SendCommand, not ${String(target)}`,
        });
        return;
      }
      let body: Body;
      try {
        body = JSON.parse(Buffer.concat(chunks).toString('utf8')) as Body;
      } catch {
        this.#send(response, 400, {
          __type: 'SerializationException',
          message: 'the body is not JSON',
        });
        return;
      }
      const command = COMMANDS.find((name) => body[name] !== undefined);
      const fault = command ? this.#takeFault(command) : undefined;
      if (fault && 'dropConnection' in fault && fault.dropConnection === 'before') {
        request.socket.destroy();
        return;
      }
      try {
        if (fault && 'error' in fault)
          throw new QldbServiceError(fault.error, fault.message ?? `injected ${fault.error}`);
        const result = this.#dispatch(command, body);
        if (fault) request.socket.destroy();
        else this.#send(response, 200, result);
      } catch (error) {
        if (!(error instanceof QldbServiceError)) throw error;
        this.#send(response, error.status, {
          __type: error.type,
          Message: error.message,
          message: error.message,
        });
      }
    });
  }

  #takeFault(command: SessionCommand): SessionFault | undefined {
    const index = this.#faults.findIndex((f) => f.command === command);
    if (index < 0) return undefined;
    const fault = this.#faults[index]!;
    fault.times = (fault.times ?? 1) - 1;
    if (fault.times <= 0) this.#faults.splice(index, 1);
    this.stats.injectedFaults++;
    return fault;
  }

  #send(response: ServerResponse, status: number, body: Body): void {
    const json = JSON.stringify(body);
    response.writeHead(status, {
      'content-type': 'application/x-amz-json-1.0',
      'content-length': Buffer.byteLength(json),
      'x-amzn-requestid': randomBytes(16).toString('hex'),
    });
    response.end(json);
  }

  #dispatch(command: SessionCommand | undefined, body: Body): Body {
    if (command === 'StartSession') {
      const { LedgerName } = body.StartSession as { LedgerName?: string };
      if (LedgerName !== this.#options.ledgerName) {
        throw new QldbServiceError(
          'BadRequestException',
          `Ledger ${String(LedgerName)} does not exist`,
        );
      }
      const token = randomBytes(24).toString('base64');
      this.#sessions.set(token, { transaction: null });
      this.stats.sessionsStarted++;
      return { StartSession: { SessionToken: token } };
    }
    if (command === undefined)
      throw new QldbServiceError('BadRequestException', 'the request names no command');
    const token = String(body.SessionToken);
    const session = this.#sessions.get(token);
    if (!session)
      throw new QldbServiceError(
        'InvalidSessionException',
        'Session token is invalid or has expired',
      );
    const timing = { TimingInformation: { ProcessingTimeMilliseconds: 0 } };
    switch (command) {
      case 'StartTransaction': {
        session.transaction = new FakeTransaction(this.#options.ledger, this.#options.pageSize);
        this.stats.transactionsStarted++;
        return { StartTransaction: { TransactionId: session.transaction.id, ...timing } };
      }
      case 'ExecuteStatement': {
        const request = body.ExecuteStatement as {
          TransactionId?: string;
          Statement?: string;
          Parameters?: { IonBinary?: string; IonText?: string }[];
        };
        const transaction = this.#open(session, request.TransactionId);
        const parameters = (request.Parameters ?? []).map((holder) =>
          holder.IonBinary !== undefined
            ? new Uint8Array(Buffer.from(holder.IonBinary, 'base64'))
            : dumpBinary(load(holder.IonText ?? '')),
        );
        this.stats.statements++;
        try {
          const page = transaction.execute(String(request.Statement), parameters);
          return {
            ExecuteStatement: {
              FirstPage: this.#page(page),
              ...timing,
              ConsumedIOs: { ReadIOs: 1 },
            },
          };
        } catch (error) {
          this.stats.rejectedStatements++;
          if (error instanceof QldbServiceError) throw error;
          throw new QldbServiceError(
            'BadRequestException',
            error instanceof Error ? error.message : String(error),
          );
        }
      }
      case 'FetchPage': {
        const request = body.FetchPage as { TransactionId?: string; NextPageToken?: string };
        const transaction = this.#open(session, request.TransactionId);
        return {
          FetchPage: {
            Page: this.#page(transaction.fetchPage(String(request.NextPageToken))),
            ...timing,
          },
        };
      }
      case 'CommitTransaction':
        return {
          CommitTransaction: this.#commit(session, body.CommitTransaction as CommitRequest),
        };
      case 'AbortTransaction': {
        if (session.transaction) this.stats.aborts++;
        session.transaction = null;
        return { AbortTransaction: { ...timing } };
      }
      case 'EndSession': {
        this.#sessions.delete(token);
        return { EndSession: { ...timing } };
      }
    }
  }

  #commit(session: Session, request: CommitRequest): Body {
    const transaction = this.#open(session, request.TransactionId);
    // Whatever happens next, QLDB closes the transaction: a refused commit cannot be retried.
    session.transaction = null;
    const clientDigest = new Uint8Array(Buffer.from(String(request.CommitDigest), 'base64'));
    if (!transaction.digest.matches(clientDigest)) {
      this.stats.digestMismatches++;
      throw new QldbServiceError(
        'BadRequestException',
        `The CommitDigest of transaction ${transaction.id} does not match the statements and parameters QLDB received`,
      );
    }
    try {
      this.#options.ledger.commit(transaction);
    } catch (error) {
      if (error instanceof QldbServiceError && error.type === 'OccConflictException')
        this.stats.occConflicts++;
      throw error;
    }
    this.stats.commits++;
    return {
      TransactionId: transaction.id,
      CommitDigest: Buffer.from(transaction.digest.bytes).toString('base64'),
      TimingInformation: { ProcessingTimeMilliseconds: 0 },
      ConsumedIOs: { ReadIOs: 0, WriteIOs: transaction.writes.size },
    };
  }

  /** The session's open transaction, which must be `transactionId` and not have expired. */
  #open(session: Session, transactionId: string | undefined): FakeTransaction {
    const transaction = session.transaction;
    if (!transaction || transaction.id !== transactionId) {
      throw new QldbServiceError(
        'BadRequestException',
        `Transaction ${String(transactionId)} is not open on this session`,
      );
    }
    if (Date.now() - transaction.startedAt > this.#options.transactionTimeoutMs) {
      session.transaction = null;
      this.stats.expiredTransactions++;
      // The driver recognizes expiry by this wording and does not retry it.
      throw new QldbServiceError(
        'InvalidSessionException',
        `Transaction ${transaction.id} has expired`,
      );
    }
    return transaction;
  }

  #page(page: { values: dom.Value[]; nextPageToken?: string }): Body {
    const values = page.values.map((value) => ({
      IonBinary: Buffer.from(dumpBinary(value)).toString('base64'),
    }));
    return page.nextPageToken === undefined
      ? { Values: values }
      : { Values: values, NextPageToken: page.nextPageToken };
  }
}

interface CommitRequest {
  TransactionId?: string;
  CommitDigest?: string;
}
