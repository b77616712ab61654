import { randomUUID } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { S3Client } from '@aws-sdk/client-s3';
import { PGlite } from '@electric-sql/pglite';
import { createWalletService, type LedgerStore } from '@wallet/core';
import { createDynamoDbLedger, createLedgerTable } from '@wallet/dynamodb-ledger';
import { createPostgresLedger } from '@wallet/postgres';
import {
  DYNAMODB_LOCAL_START_TIMEOUT_MS,
  type DynamoDbLocal,
  startDynamoDbLocal,
  uniqueTableName,
} from '@wallet/testing';
import { mockClient } from 'aws-sdk-client-mock';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { directorySource, type ExportFormat, importQldbExport, s3Source } from '../src/index.js';
import {
  buildBlocks,
  exportObjects,
  PREFIX,
  type WalletChange,
  writeObjects,
} from './support/export-fixture.js';
import { serveFromMock } from './support/mock-s3.js';

const PG_URL = process.env.WALLET_TEST_PG_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
const currencies = [{ code: 'COINS', scale: 2 }];
const FORMATS: ExportFormat[] = ['ION_TEXT', 'ION_BINARY', 'JSON'];

/**
 * The sample's kinds of history in one export: ints and floats, a rename, a merge, a delete.
 * Each format and each ledger imports it from a directory, then again from S3.
 */
const CHANGES: WalletChange[] = [
  { documentId: 'DocAlice', accountId: 'alice', balance: '0' },
  { documentId: 'DocSpace', accountId: 'player 1', balance: '0' },
  { documentId: 'DocAlice', accountId: 'alice', balance: '100' },
  { documentId: 'DocSpace', accountId: 'player 1', balance: '0.1e0' },
  { documentId: 'DocAlice2', accountId: 'alice', balance: '0' },
  { documentId: 'DocSpace', accountId: 'player 1', balance: '0.30000000000000004e0' },
  { documentId: 'DocAlice2', accountId: 'alice', balance: '2.50' },
  { documentId: 'DocAlice', accountId: 'alice', balance: '75' },
  { documentId: 'DocBob', accountId: 'bob', balance: '0' },
  { documentId: 'DocBob', accountId: 'bob', balance: '9' },
  { documentId: 'DocBob', accountId: 'bob', balance: null },
];

interface Target {
  readonly name: string;
  ledger(): Promise<LedgerStore>;
}

const pool = new pg.Pool({ connectionString: PG_URL, max: 8 });
pool.on('error', () => {});
const schemas: string[] = [];
const pglites: PGlite[] = [];
let dynamo: DynamoDbLocal;
let dynamoClient: DynamoDBClient;

beforeAll(async () => {
  dynamo = await startDynamoDbLocal();
  dynamoClient = new DynamoDBClient(dynamo.clientConfig);
}, DYNAMODB_LOCAL_START_TIMEOUT_MS);

afterAll(async () => {
  for (const schema of schemas) await pool.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
  await pool.end();
  await Promise.all(pglites.map((db) => db.close()));
  dynamoClient?.destroy();
  await dynamo?.stop();
});

const TARGETS: Target[] = [
  {
    name: 'PostgreSQL',
    async ledger() {
      const schema = `wallet_test_import_${randomUUID().replaceAll('-', '').slice(0, 10)}`;
      schemas.push(schema);
      const ledger = createPostgresLedger({ client: pool, schema });
      await ledger.migrate();
      return ledger;
    },
  },
  {
    name: 'PGlite',
    async ledger() {
      const db = await PGlite.create();
      pglites.push(db);
      const ledger = createPostgresLedger({ client: db });
      await ledger.migrate();
      return ledger;
    },
  },
  {
    name: 'DynamoDB',
    async ledger() {
      const tableName = uniqueTableName('import');
      await createLedgerTable(dynamoClient, tableName);
      return createDynamoDbLedger({ client: dynamoClient, tableName });
    },
  },
];

describe.each(TARGETS)('an import into $name', (target) => {
  it.each(FORMATS)(
    'imports a %s export from a directory so every wallet reconciles, and a re-run from S3 writes nothing new',
    async (format) => {
      const ledger = await target.ledger();
      const objects = exportObjects(buildBlocks(CHANGES), format, { blocksPerObject: 4 });
      const dir = await mkdtemp(join(tmpdir(), 'qldb-import-ledger-'));
      try {
        await writeObjects(dir, objects);
        const report = await importQldbExport({ source: directorySource(dir), ledger, currencies });
        expect(report).toMatchObject({
          verified: format === 'JSON' ? 'hash-chain' : 'full',
          wallets: 3,
          entries: 7,
          replayed: 0,
          reconciled: true,
          merged: [{ accountId: 'alice', documentIds: ['DocAlice', 'DocAlice2'] }],
          closed: [{ accountId: 'bob', documentId: 'DocBob', version: 2, balance: '9.00' }],
          refused: [],
        });
        const renamed = report.renamed[0]!.to;
        const service = createWalletService({ ledger, currencies });
        expect((await service.getFunds({ accountId: 'alice' })).balances.COINS).toBe('77.50');
        expect((await service.getFunds({ accountId: renamed })).balances.COINS).toBe('0.30');
        expect((await service.getFunds({ accountId: 'bob' })).balances.COINS).toBe('0.00');

        const s3 = mockClient(S3Client);
        try {
          serveFromMock(s3, objects);
          const source = s3Source({
            client: new S3Client({ region: 'us-east-1' }),
            bucket: 'exports',
            prefix: PREFIX,
          });
          const again = await importQldbExport({ source, ledger, currencies });
          expect(again).toMatchObject({ entries: 0, replayed: 7, reconciled: true });
        } finally {
          s3.restore();
        }
        const history = await service.getTransactionHistory({ accountId: 'alice', limit: 100 });
        expect(history.items).toHaveLength(3);
      } finally {
        await rm(dir, { recursive: true, force: true });
      }
    },
    60_000,
  );
});
