import {
  BadRequestException,
  QLDBSessionClient,
  SendCommandCommand,
  type SendCommandCommandInput,
} from '@aws-sdk/client-qldb-session';
import { RetryConfig } from 'amazon-qldb-driver-nodejs';
import { dom, dumpBinary, load } from 'ion-js';
import { afterEach, describe, expect, it } from 'vitest';
import { CommitDigest } from '../src/testing/commit-digest.js';
import { type QldbFake, startQldbFake } from '../src/testing/index.js';

const NO_RETRIES = new RetryConfig(0);
const fakes: QldbFake[] = [];

async function fake(options: Parameters<typeof startQldbFake>[0] = {}): Promise<QldbFake> {
  const started = await startQldbFake(options);
  fakes.push(started);
  return started;
}

afterEach(async () => {
  for (const f of fakes.splice(0)) await f.close();
});

/** Sends raw session commands, so a test can send what the driver never would. */
function rawSession(qldb: QldbFake) {
  const client = new QLDBSessionClient({ ...qldb.clientConfig, maxAttempts: 1 });
  let token: string | undefined;
  const send = async (command: Omit<SendCommandCommandInput, 'SessionToken'>) =>
    client.send(new SendCommandCommand({ ...command, SessionToken: token }));
  return {
    client,
    async start(): Promise<string> {
      const started = await send({ StartSession: { LedgerName: qldb.ledgerName } });
      token = started.StartSession!.SessionToken;
      return (await send({ StartTransaction: {} })).StartTransaction!.TransactionId!;
    },
    send,
  };
}

describe('QLDB session fake', () => {
  it('serves the unmodified driver: DDL, inserts, indexed reads and paged results', async () => {
    const qldb = await fake({ pageSize: 3 });
    const driver = qldb.createDriver();
    await driver.executeLambda((txn) => txn.execute('CREATE TABLE Players'));
    await driver.executeLambda((txn) => txn.execute('CREATE INDEX ON Players (team)'));
    const players = Array.from({ length: 7 }, (_, i) => ({
      name: `p${i}`,
      team: i % 2 ? 'red' : 'blue',
    }));
    await driver.executeLambda((txn) => txn.execute('INSERT INTO Players ?', players));
    const red = await driver.executeLambda(async (txn) =>
      (
        await txn.execute('SELECT p.name FROM Players AS p WHERE p.team = ?', 'red')
      ).getResultList(),
    );
    expect(red.map((row) => row.get('name')?.stringValue()).sort()).toEqual(['p1', 'p3', 'p5']);
    const all = await driver.executeLambda(async (txn) =>
      (await txn.execute('SELECT * FROM Players')).getResultList(),
    );
    expect(all).toHaveLength(7);
    expect(await driver.getTableNames()).toEqual(['Players']);
    driver.close();
  });

  it('rejects statements outside the PartiQL subset with a BadRequestException saying what it expected', async () => {
    const qldb = await fake();
    const driver = qldb.createDriver({ retryConfig: NO_RETRIES });
    await driver.executeLambda((txn) => txn.execute('CREATE TABLE T'));
    const cases: [string, RegExp][] = [
      ['DROP TABLE T', /expected CREATE, SELECT, INSERT, UPDATE or DELETE but found "DROP"/],
      ['SELECT * FROM T WHERE a = ? OR b = ?', /OR is not supported/],
      ['SELECT * FROM T LIMIT 5', /expected the end of the statement but found "LIMIT"/],
      ['SELECT * FROM Missing', /no such table: Missing/],
      ['INSERT INTO T {a: 1}', /unexpected character "\{"/],
    ];
    for (const [statement, message] of cases) {
      const parameters = [...statement].filter((c) => c === '?').map(() => 'x');
      const error = await driver
        .executeLambda((txn) => txn.execute(statement, ...parameters))
        .catch((e: unknown) => e);
      expect(error, statement).toBeInstanceOf(BadRequestException);
      expect((error as Error).message, statement).toMatch(message);
    }
    expect(qldb.stats.rejectedStatements).toBe(cases.length);
    driver.close();
  });

  it('rejects a commit whose CommitDigest differs from the statements and parameters it received', async () => {
    const qldb = await fake();
    const driver = qldb.createDriver();
    await driver.executeLambda((txn) => txn.execute('CREATE TABLE T'));
    driver.close();
    const session = rawSession(qldb);
    const transactionId = await session.start();
    const statement = 'INSERT INTO T ?';
    const parameter = dumpBinary(new dom.Struct([['a', new dom.Integer(1)]]));
    await session.send({
      ExecuteStatement: {
        TransactionId: transactionId,
        Statement: statement,
        Parameters: [{ IonBinary: parameter }],
      },
    });
    // The digest of a different parameter: what a client that hashed something else would send.
    const wrong = new CommitDigest(transactionId);
    wrong.addStatement(statement, [dumpBinary(new dom.Struct([['a', new dom.Integer(2)]]))]);
    const refused = await session
      .send({ CommitTransaction: { TransactionId: transactionId, CommitDigest: wrong.bytes } })
      .catch((e: unknown) => e);
    expect(refused).toBeInstanceOf(BadRequestException);
    expect((refused as Error).message).toMatch(/CommitDigest .* does not match/);
    expect(qldb.stats.digestMismatches).toBe(1);
    expect(qldb.documents('T')).toEqual([]);

    const retryId = (await session.send({ StartTransaction: {} })).StartTransaction!.TransactionId!;
    await session.send({
      ExecuteStatement: {
        TransactionId: retryId,
        Statement: statement,
        Parameters: [{ IonBinary: parameter }],
      },
    });
    const right = new CommitDigest(retryId);
    right.addStatement(statement, [parameter]);
    const committed = await session.send({
      CommitTransaction: { TransactionId: retryId, CommitDigest: right.bytes },
    });
    expect(Buffer.from(committed.CommitTransaction!.CommitDigest!)).toEqual(
      Buffer.from(right.bytes),
    );
    expect(qldb.documents('T')).toHaveLength(1);
    session.client.destroy();
  });

  it('expires a transaction that stays open longer than the timeout, and the driver does not retry it', async () => {
    const qldb = await fake({ transactionTimeoutMs: 50 });
    const driver = qldb.createDriver({ retryConfig: new RetryConfig(3) });
    await driver.executeLambda((txn) => txn.execute('CREATE TABLE T'));
    const error = await driver
      .executeLambda(async (txn) => {
        await txn.execute('INSERT INTO T ?', { a: 1 });
        await new Promise((resolve) => setTimeout(resolve, 80));
        await txn.execute('SELECT * FROM T');
      })
      .catch((e: unknown) => e);
    expect(error).toMatchObject({ name: 'InvalidSessionException' });
    expect((error as Error).message).toMatch(/^Transaction \w+ has expired$/);
    expect(qldb.stats.expiredTransactions).toBe(1);
    expect(qldb.documents('T')).toEqual([]);
    driver.close();
  });

  it('refuses with OccConflictException a commit after another transaction changed a document it read', async () => {
    const qldb = await fake();
    const driver = qldb.createDriver({ retryConfig: NO_RETRIES });
    const other = qldb.createDriver();
    await driver.executeLambda((txn) => txn.execute('CREATE TABLE T'));
    await driver.executeLambda((txn) => txn.execute('CREATE INDEX ON T (k)'));
    await driver.executeLambda((txn) => txn.execute('INSERT INTO T ?', { k: 'a', n: 1 }));
    const error = await driver
      .executeLambda(async (txn) => {
        await txn.execute('SELECT * FROM T WHERE k = ?', 'a');
        await other.executeLambda((o) => o.execute('UPDATE T SET n = ? WHERE k = ?', 2, 'a'));
        await txn.execute('UPDATE T SET n = ? WHERE k = ?', 10, 'a');
      })
      .catch((e: unknown) => e);
    expect(error).toMatchObject({ name: 'OccConflictException' });
    expect(qldb.stats.occConflicts).toBe(1);
    expect(qldb.documents('T').map((d) => d.data.get('n')?.numberValue())).toEqual([2]);
    driver.close();
    other.close();
  });

  it('refuses a commit when another transaction inserted a document matching an equality it searched (a phantom)', async () => {
    const qldb = await fake();
    const driver = qldb.createDriver({ retryConfig: NO_RETRIES });
    const other = qldb.createDriver();
    await driver.executeLambda((txn) => txn.execute('CREATE TABLE T'));
    await driver.executeLambda((txn) => txn.execute('CREATE INDEX ON T (k)'));
    const error = await driver
      .executeLambda(async (txn) => {
        const found = (await txn.execute('SELECT * FROM T WHERE k = ?', 'new')).getResultList();
        expect(found).toEqual([]);
        await other.executeLambda((o) => o.execute('INSERT INTO T ?', { k: 'new', by: 'other' }));
        await txn.execute('INSERT INTO T ?', { k: 'new', by: 'me' });
      })
      .catch((e: unknown) => e);
    expect(error).toMatchObject({ name: 'OccConflictException' });
    expect(qldb.documents('T').map((d) => d.data.get('by')?.stringValue())).toEqual(['other']);
    // A search for another value is no conflict.
    await driver.executeLambda(async (txn) => {
      await txn.execute('SELECT * FROM T WHERE k = ?', 'unrelated');
      await other.executeLambda((o) => o.execute('INSERT INTO T ?', { k: 'elsewhere' }));
      await txn.execute('INSERT INTO T ?', { k: 'unrelated' });
    });
    expect(qldb.documents('T')).toHaveLength(3);
    driver.close();
    other.close();
  });

  it('emits per commit a BLOCK_SUMMARY and one REVISION_DETAILS per revision that decode with ion-js to the committed documents', async () => {
    const qldb = await fake({ ledgerName: 'stream-ledger' });
    const driver = qldb.createDriver();
    await driver.executeLambda((txn) => txn.execute('CREATE TABLE T'));
    await driver.executeLambda((txn) => txn.execute('INSERT INTO T ?', [{ k: 'a' }, { k: 'b' }]));
    await driver.executeLambda((txn) => txn.execute('UPDATE T SET v = ? WHERE k = ?', 7, 'a'));
    const records = qldb.streamRecords().map((r) => ({ ...r, ion: load(r.data)! }));
    expect(records.map((r) => r.recordType)).toEqual([
      'BLOCK_SUMMARY',
      'REVISION_DETAILS',
      'REVISION_DETAILS',
      'BLOCK_SUMMARY',
      'REVISION_DETAILS',
    ]);
    for (const record of records) {
      expect(record.ion.get('qldbStreamArn')?.stringValue()).toMatch(
        /^arn:aws:qldb:local:\d{12}:stream\/stream-ledger\//,
      );
      expect(record.ion.get('recordType')?.stringValue()).toBe(record.recordType);
    }
    const updated = records[4]!.ion.get('payload')!;
    expect(updated.get('tableInfo', 'tableName')?.stringValue()).toBe('T');
    const stored = qldb.documents('T').find((d) => d.data.get('k')?.stringValue() === 'a')!;
    expect(updated.get('revision', 'data')!.ionEquals(stored.data)).toBe(true);
    expect(updated.get('revision', 'metadata', 'id')?.stringValue()).toBe(stored.id);
    expect(updated.get('revision', 'metadata', 'version')?.numberValue()).toBe(1);
    expect(updated.get('revision', 'metadata', 'txId')?.stringValue()).toBe(stored.txId);
    expect(updated.get('revision', 'hash')?.uInt8ArrayValue()).toHaveLength(32);
    const summary = records[3]!.ion.get('payload')!;
    expect(summary.get('transactionId')?.stringValue()).toBe(stored.txId);
    const block = summary.get('blockAddress', 'sequenceNo')?.numberValue();
    expect(updated.get('revision', 'blockAddress', 'sequenceNo')?.numberValue()).toBe(block);
    expect(block).toBeGreaterThan(
      records[0]!.ion.get('payload', 'blockAddress', 'sequenceNo')!.numberValue()!,
    );
    expect(summary.get('transactionInfo', 'statements', 0, 'statement')?.stringValue()).toBe(
      'UPDATE T SET v = ? WHERE k = ?',
    );
    expect(summary.get('revisionSummaries', 0, 'documentId')?.stringValue()).toBe(stored.id);
    driver.close();
  });
});
