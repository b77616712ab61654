import { randomUUID } from 'node:crypto';
import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DescribeTableCommand, DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { createLedgerTable } from '@wallet/dynamodb-ledger';
import { defaultAccountIdRule, type ExportFormat, type ImportReport } from '@wallet/qldb-export';
import { type DynamoDbLocal, startDynamoDbLocal } from '@wallet/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  buildBlocks,
  exportObjects,
  PREFIX,
  STRAND_ID,
  type WalletChange,
  writeObjects,
} from '../../qldb-export/test/support/export-fixture.js';
import { runWallet, type WalletRun } from './support/run-wallet.js';
import { serveBucket } from './support/s3-server.js';
import {
  expectOneLineError,
  pgliteTarget,
  postgresTarget,
  type Target,
} from './support/targets.js';

/**
 * The original sample's history: alice credited and debited, bob credited with floats (one
 * rounded) and deleted, an id with a space and a numeric id (both renamed), and a second
 * document for alice (merged). 10 revisions, 8 entries, 4 wallets.
 */
const CHANGES: WalletChange[] = [
  { documentId: 'DocAlice0000000000001', accountId: 'alice', balance: '0' },
  { documentId: 'DocAlice0000000000001', accountId: 'alice', balance: '100' },
  { documentId: 'DocBob000000000000002', accountId: 'bob', balance: '0' },
  { documentId: 'DocBob000000000000002', accountId: 'bob', balance: '0.1e0' },
  { documentId: 'DocBob000000000000002', accountId: 'bob', balance: '0.30000000000000004e0' },
  { documentId: 'DocAlice0000000000001', accountId: 'alice', balance: '75' },
  { documentId: 'DocPlayer70000000000003', accountId: 'player 7', balance: '12.5' },
  { documentId: 'DocNumber0000000000004', accountId: { ion: '123', json: '123' }, balance: '3' },
  { documentId: 'DocAlice2000000000005', accountId: 'alice', balance: '5' },
  { documentId: 'DocBob000000000000002', accountId: 'bob', balance: null },
];
/** The wallet ids the default rule gives the two ids the SDK refuses. */
const PLAYER_7 = defaultAccountIdRule('player 7')!;
const NUMBER_123 = defaultAccountIdRule({ $ion: 'int', text: '123' })!;
/** Every wallet's GOLD balance after the import. */
const BALANCES = { alice: '80.00', bob: '0.00', [PLAYER_7]: '12.50', [NUMBER_123]: '3.00' };

const work: string[] = [];
afterAll(async () => {
  await Promise.all(work.map((dir) => rm(dir, { recursive: true, force: true })));
});

async function tempDir(): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'wallet-cli-qldb-'));
  work.push(dir);
  return dir;
}

/** The objects of an export of `changes`, written to a new directory (as `aws s3 sync` would). */
async function exportDir(
  changes: WalletChange[] = CHANGES,
  format: ExportFormat = 'ION_TEXT',
  edit: (objects: Map<string, Uint8Array>) => void = () => {},
  options: { completed?: boolean } = {},
): Promise<string> {
  const objects = exportObjects(buildBlocks(changes), format, options);
  edit(objects);
  const dir = await tempDir();
  await writeObjects(dir, objects);
  return dir;
}

/** A new PGlite ledger, migrated, and a way to run the command on it. */
async function migratedPglite() {
  const target = await pgliteTarget();
  const wallet = (...args: string[]) => runWallet([...target.args, ...args], target.env);
  expect((await wallet('migrate')).code).toBe(0);
  return { target, wallet };
}

async function goldBalances(target: Target): Promise<Record<string, string>> {
  return target.withService(async (service) => {
    const page = await service.listWallets({ limit: 100 });
    return Object.fromEntries(page.items.map((w) => [w.accountId, w.balances.GOLD!]));
  });
}

/** The summary's counts, as `label -> number`. */
function counts(stdout: string): Record<string, number> {
  const found: Record<string, number> = {};
  for (const match of stdout.matchAll(/^([a-z ()]+?)\s+([\d,]+)$/gm)) {
    found[match[1]!] = Number(match[2]!.replaceAll(',', ''));
  }
  return found;
}

function expectReconciled(run: WalletRun, wallets: number): void {
  expect(run.stderr).not.toMatch(/^wallet: /m);
  expect(run.code).toBe(0);
  expect(run.stdout.trimEnd().split('\n').at(-1)).toBe(
    `reconciled: all ${wallets} wallets match the export's balances and their chains verify`,
  );
}

describe('wallet import-qldb-export into PGlite', () => {
  let target: Target;
  let wallet: (...args: string[]) => Promise<WalletRun>;
  let dir: string;

  beforeAll(async () => {
    ({ target, wallet } = await migratedPglite());
    dir = await exportDir();
  }, 60_000);
  afterAll(async () => {
    await target.cleanup();
  });

  it('imports every revision, reconciles every wallet, prints a summary listing what it changed, and exits 0', async () => {
    const run = await wallet('import-qldb-export', dir, '--currency', 'GOLD');
    expectReconciled(run, 4);
    expect(run.stdout.split('\n')[0]).toBe(
      `imported dir:${dir}, table Wallet, balances in GOLD, hashes verified: full`,
    );
    expect(counts(run.stdout)).toEqual({
      blocks: 10,
      revisions: 10,
      wallets: 4,
      'entries written': 8,
      replayed: 0,
      rounded: 1,
      renamed: 2,
      merged: 1,
      closed: 1,
      refused: 0,
      unimported: 0,
    });
    expect(run.stdout).toContain(
      'rounded:\n  bob  DocBob000000000000002 v2: 0.30000000000000004 -> 0.30\n',
    );
    expect(run.stdout).toContain(`renamed:\n  "player 7" -> ${PLAYER_7}\n  123 -> ${NUMBER_123}\n`);
    expect(run.stdout).toContain(
      'merged:\n  alice: documents DocAlice0000000000001, DocAlice2000000000005\n',
    );
    expect(run.stdout).toContain(
      'closed:\n  bob  DocBob000000000000002 v3: deleted, 0.30 debited\n',
    );
    // Progress: data objects read (4, of 3 blocks each), then wallets reconciled.
    const progress = run.stderr.trim().split('\n');
    expect(progress.filter((line) => line.startsWith('read ')).at(-1)).toMatch(
      /^read 4\/4 data objects \([\d,]+\/s\), 10 revisions, 8 entries written$/,
    );
    expect(progress.at(-1)).toMatch(/^reconciled 4\/4 wallets \(/);
    expect(await goldBalances(target)).toEqual(BALANCES);
  });

  it('writes nothing new when run again: 0 entries written, every one replayed, still reconciled', async () => {
    const run = await wallet('import-qldb-export', dir, '--currency', 'GOLD');
    expectReconciled(run, 4);
    expect(counts(run.stdout)).toMatchObject({ 'entries written': 0, replayed: 8 });
    const history = await target.withService((service) =>
      service.getTransactionHistory({ accountId: 'alice', limit: 100 }),
    );
    expect(history.items).toHaveLength(3);
    expect(await goldBalances(target)).toEqual(BALANCES);
  });

  it('--report FILE writes the whole report as JSON, with the fields the design names', async () => {
    const file = join(await tempDir(), 'report.json');
    const run = await wallet('import-qldb-export', dir, '--currency', 'GOLD', '--report', file);
    expectReconciled(run, 4);
    const report = JSON.parse(await readFile(file, 'utf8')) as ImportReport;
    expect(report).toMatchObject({
      dryRun: false,
      currency: 'GOLD',
      table: 'Wallet',
      verified: 'full',
      blocks: 10,
      revisions: 10,
      wallets: 4,
      entries: 0,
      replayed: 8,
      reconciled: true,
      unreconciled: [],
      rounded: [
        {
          accountId: 'bob',
          documentId: 'DocBob000000000000002',
          version: 2,
          from: '0.30000000000000004',
          to: '0.30',
        },
      ],
      renamed: [
        { from: 'player 7', to: PLAYER_7 },
        { from: { $ion: 'int', text: '123' }, to: NUMBER_123 },
      ],
      merged: [
        { accountId: 'alice', documentIds: ['DocAlice0000000000001', 'DocAlice2000000000005'] },
      ],
      closed: [{ accountId: 'bob', documentId: 'DocBob000000000000002', version: 3 }],
      refused: [],
    });
  });

  it('--json prints the whole report on standard output instead of the summary', async () => {
    const run = await wallet('import-qldb-export', dir, '--currency', 'GOLD', '--json');
    expect(run.code).toBe(0);
    const report = JSON.parse(run.stdout) as ImportReport;
    expect(report).toMatchObject({ wallets: 4, entries: 0, replayed: 8, reconciled: true });
    expect(report.rounded).toHaveLength(1);
  });

  it('names a wallet the ledger holds that no import made, refuses its revisions and exits 1', async () => {
    await target.withService((service) => service.createWallet({ accountId: 'carol' }));
    const carol = await exportDir([
      { documentId: 'DocCarol0000000000006', accountId: 'carol', balance: '9' },
    ]);
    const run = await wallet('import-qldb-export', carol, '--currency', 'GOLD');
    expect(run.code).toBe(1);
    expect(run.stdout).toMatch(
      /^refused:\n {2}carol {2}DocCarol0000000000006 v0: WALLET_NOT_IMPORTED: /m,
    );
    expect(run.stdout.trimEnd().split('\n').at(-1)).toBe(
      'NOT RECONCILED: 1 of 1 wallet differs from the export: carol',
    );
    expect((await goldBalances(target)).carol).toBe('0.00');
  });
});

describe('wallet import-qldb-export, what it checks and refuses', () => {
  it('--dry-run reports what the import would do, says that nothing was written, and leaves the ledger empty', async () => {
    const { target, wallet } = await migratedPglite();
    try {
      const file = join(await tempDir(), 'dry.json');
      const run = await wallet(
        'import-qldb-export',
        await exportDir(),
        '--currency',
        'GOLD',
        '--dry-run',
        '--report',
        file,
      );
      expect(run.code).toBe(0);
      expect(run.stdout.split('\n')[0]).toBe(
        'DRY RUN: nothing was written; the import ran on an in-memory ledger',
      );
      expect(counts(run.stdout)).toMatchObject({ wallets: 4, 'entries (not written)': 8 });
      expect(run.stdout.trimEnd().split('\n').at(-1)).toMatch(
        /^reconciled: all 4 wallets .* \(dry run: nothing was written\)$/,
      );
      expect(JSON.parse(await readFile(file, 'utf8'))).toMatchObject({ dryRun: true, entries: 8 });
      expect(await goldBalances(target)).toEqual({});
    } finally {
      await target.cleanup();
    }
  });

  it('--dry-run needs no ledger at all', async () => {
    const run = await runWallet(['import-qldb-export', await exportDir(), '--dry-run', '--json']);
    expect(run.code).toBe(0);
    expect(JSON.parse(run.stdout)).toMatchObject({ dryRun: true, currency: 'GEMS', wallets: 4 });
  });

  it('--account-map imports the ids it lists under the wallet ids it gives, a number by its JSON text', async () => {
    const { target, wallet } = await migratedPglite();
    try {
      const map = join(await tempDir(), 'accounts.json');
      await writeFile(map, JSON.stringify({ 'player 7': 'player-7', '123': 'legacy-123' }));
      const run = await wallet(
        'import-qldb-export',
        await exportDir(),
        '--currency',
        'GOLD',
        '--account-map',
        map,
      );
      expectReconciled(run, 4);
      expect(run.stdout).toContain('renamed:\n  "player 7" -> player-7\n  123 -> legacy-123\n');
      expect(await goldBalances(target)).toEqual({
        alice: '80.00',
        bob: '0.00',
        'player-7': '12.50',
        'legacy-123': '3.00',
      });
    } finally {
      await target.cleanup();
    }
  });

  it('refuses an account map giving an id the SDK refuses, or one id twice, with exit 2, before anything is written', async () => {
    const { target, wallet } = await migratedPglite();
    try {
      const dir = await exportDir();
      const map = join(await tempDir(), 'accounts.json');
      await writeFile(map, JSON.stringify({ alice: 'alice', 'player 7': 'player 7' }));
      const refused = await wallet('import-qldb-export', dir, '--account-map', map);
      expectOneLineError(refused, 2, 'VALIDATION_ERROR');
      expect(refused.stderr).toContain('"player 7" maps to "player 7"');
      await writeFile(map, JSON.stringify({ 'player 7': 'p-7', '123': 'p-7' }));
      const twice = await wallet('import-qldb-export', dir, '--account-map', map);
      expectOneLineError(twice, 2, 'VALIDATION_ERROR');
      expect(twice.stderr).toContain('"123" and "player 7" both map to "p-7"');
      expect(await goldBalances(target)).toEqual({});
    } finally {
      await target.cleanup();
    }
  });

  it('an export whose completed manifest is missing is one MISSING_MANIFEST line naming its started manifest, exit 1', async () => {
    const dir = await exportDir(CHANGES, 'ION_TEXT', () => {}, { completed: false });
    const run = await runWallet(['import-qldb-export', dir, '--dry-run']);
    expectOneLineError(run, 1, 'MISSING_MANIFEST');
    expect(run.stderr).toContain(`${PREFIX}8UyXulxccYLAsbN1aon7e4.started.manifest`);
    expect(run.stdout).toBe('');
  });

  it('a corrupted block is one BROKEN_BLOCK line naming the block and its object, exit 1', async () => {
    const key = `${PREFIX}8UyXulxccYLAsbN1aon7e4/${STRAND_ID}.5-7.ion`;
    const dir = await exportDir(CHANGES, 'ION_TEXT', (objects) => {
      const text = new TextDecoder().decode(objects.get(key));
      expect(text).toContain('balance:100}');
      objects.set(key, new TextEncoder().encode(text.replace('balance:100}', 'balance:900}')));
    });
    const { target, wallet } = await migratedPglite();
    try {
      const run = await wallet('import-qldb-export', dir, '--currency', 'GOLD');
      expectOneLineError(run, 1, 'BROKEN_BLOCK');
      expect(run.stderr).toContain(`block ${STRAND_ID}/6`);
      expect(run.stderr).toContain(key);
      expect((await goldBalances(target)).alice ?? '0.00').toBe('0.00');
    } finally {
      await target.cleanup();
    }
  });

  it('a revision whose balance the ledger cannot hold is refused and listed with its wallet, and the command exits 1 naming the wallet', async () => {
    const { target, wallet } = await migratedPglite();
    try {
      const dir = await exportDir([
        { documentId: 'DocAlice0000000000001', accountId: 'alice', balance: '10' },
        // 22 integer digits: more than any balance may have (18).
        {
          documentId: 'DocWhale0000000000007',
          accountId: 'whale',
          balance: '1000000000000000000000',
        },
      ]);
      const file = join(await tempDir(), 'refused.json');
      const run = await wallet('import-qldb-export', dir, '--currency', 'GOLD', '--report', file);
      expect(run.code).toBe(1);
      expect(counts(run.stdout)).toMatchObject({ wallets: 2, refused: 1 });
      expect(run.stdout).toMatch(/^refused:\n {2}whale {2}DocWhale0000000000007 v0: [A-Z_]+: /m);
      // The wallet holds 0, the export a balance it could not import: not reconciled, and named.
      expect(run.stdout).toMatch(/^ {2}whale: export 0\.00, ledger 0\.00; document DocWhale/m);
      expect(run.stdout.trimEnd().split('\n').at(-1)).toMatch(/^NOT RECONCILED: .*\bwhale\b/);
      const report = JSON.parse(await readFile(file, 'utf8')) as ImportReport;
      expect(report.refused).toEqual([
        expect.objectContaining({
          documentId: 'DocWhale0000000000007',
          version: 0,
          accountId: 'whale',
        }),
      ]);
      expect(await goldBalances(target)).toEqual({ alice: '10.00', whale: '0.00' });
    } finally {
      await target.cleanup();
    }
  });

  it('refuses a command line it cannot act on with exit 2 and one usage line, before reading the export', async () => {
    const dir = await exportDir();
    const missing = join(tmpdir(), `wallet-cli-missing-${randomUUID()}`);
    const dataDir = ['--data-dir', missing];
    for (const args of [
      ['import-qldb-export'],
      ['import-qldb-export', missing, '--dry-run'],
      ['import-qldb-export', 's3:///journalExport/', '--dry-run'],
      ['import-qldb-export', dir, '--dry-run', '--currency', 'COINS'],
      ['import-qldb-export', dir, '--dry-run', '--account-map', join(missing, 'map.json')],
      ['import-qldb-export', dir, '--dry-run', '--report', join(missing, 'report.json')],
      ['import-qldb-export', dir],
      ['import-qldb-export', dir, ...dataDir],
      ['import-qldb-export', dir, ...dataDir, '--dynamodb-table', 'wallet-ledger'],
      ['import-qldb-export', dir, '--dry-run', ...dataDir, '--dynamodb-table', 'wallet-ledger'],
    ]) {
      expectOneLineError(await runWallet(args), 2, 'USAGE_ERROR');
    }
  });
});

describe('wallet import-qldb-export from S3', () => {
  it('reads s3://bucket/prefix with the AWS SDK at the endpoint the environment names and reconciles; a bucket it cannot list is one line naming it', async () => {
    const bucket = await serveBucket('exports', exportObjects(buildBlocks(CHANGES), 'ION_TEXT'));
    const { target } = await migratedPglite();
    try {
      const env = {
        AWS_ENDPOINT_URL_S3: bucket.endpoint,
        AWS_REGION: 'eu-west-1',
        AWS_ACCESS_KEY_ID: 'test',
        AWS_SECRET_ACCESS_KEY: 'test',
      };
      const run = await runWallet(
        [...target.args, 'import-qldb-export', `s3://exports/${PREFIX}`, '--currency', 'GOLD'],
        env,
      );
      expectReconciled(run, 4);
      expect(run.stdout.split('\n')[0]).toMatch(/^imported s3:\/\/exports\/journalExport\/, /);
      expect(bucket.requests[0]).toBe('GET /exports/?list-type=2&prefix=journalExport%2F');
      expect(await goldBalances(target)).toEqual(BALANCES);
      const missing = await runWallet(
        ['import-qldb-export', `s3://no-such-bucket/${PREFIX}`, '--dry-run'],
        env,
      );
      expectOneLineError(missing, 1, 'UNREADABLE_OBJECT');
      expect(missing.stderr).toContain(`cannot list s3://no-such-bucket/${PREFIX}: `);
    } finally {
      await target.cleanup();
      await bucket.stop();
    }
  });
});

describe('wallet import-qldb-export into PostgreSQL', () => {
  it('imports a JSON Lines export into a schema on the server and reconciles, checking the hash chain', async () => {
    const target = await postgresTarget();
    try {
      const wallet = (...args: string[]) => runWallet([...target.args, ...args], target.env);
      expect((await wallet('migrate')).code).toBe(0);
      const run = await wallet(
        'import-qldb-export',
        await exportDir(CHANGES, 'JSON'),
        '--currency',
        'GOLD',
      );
      expectReconciled(run, 4);
      expect(run.stdout.split('\n')[0]).toMatch(/hashes verified: hash-chain$/);
      expect(counts(run.stdout)).toMatchObject({ 'entries written': 8 });
      expect(await goldBalances(target)).toEqual(BALANCES);
    } finally {
      await target.cleanup();
    }
  });
});

describe('wallet on DynamoDB Local (--dynamodb-table)', () => {
  let dynamo: DynamoDbLocal;
  let client: DynamoDBClient;
  /** The AWS SDK's own environment: the command reads no DynamoDB option of its own. */
  let env: NodeJS.ProcessEnv;
  const tableName = 'wallet-ledger';

  beforeAll(async () => {
    dynamo = await startDynamoDbLocal();
    client = new DynamoDBClient(dynamo.clientConfig);
    await createLedgerTable(client, tableName);
    env = {
      AWS_REGION: 'local',
      AWS_ACCESS_KEY_ID: 'local',
      AWS_SECRET_ACCESS_KEY: 'local',
      AWS_ENDPOINT_URL_DYNAMODB: dynamo.endpoint,
    };
  }, 60_000);
  afterAll(async () => {
    client?.destroy();
    await dynamo?.stop();
  });

  it('imports an Ion binary export into the table and reconciles; balance then reads it', async () => {
    const run = await runWallet(
      [
        'import-qldb-export',
        await exportDir(CHANGES, 'ION_BINARY'),
        '--currency',
        'GOLD',
        '--dynamodb-table',
        tableName,
      ],
      env,
    );
    expectReconciled(run, 4);
    expect(counts(run.stdout)).toMatchObject({ 'entries written': 8, replayed: 0 });
    const balance = await runWallet(
      ['balance', 'alice', '--dynamodb-table', tableName, '--json'],
      env,
    );
    expect(balance.code).toBe(0);
    expect(JSON.parse(balance.stdout)).toMatchObject({ balances: { GOLD: '80.00' } });
  });

  it('names a table that does not exist as STORE_UNAVAILABLE, in one line saying that migrate creates it', async () => {
    const run = await runWallet(['balance', 'alice', '--dynamodb-table', 'no-such-table'], env);
    expectOneLineError(run, 1, 'STORE_UNAVAILABLE');
    expect(run.stderr).toContain('wallet migrate --dynamodb-table creates the table');
  });

  it('migrate creates a missing ledger table, and finds it up to date the next time', async () => {
    const fresh = `wallet-ledger-${randomUUID().slice(0, 8)}`;
    const first = await runWallet(['migrate', '--dynamodb-table', fresh], env);
    expect(first.code).toBe(0);
    expect(first.stdout).toBe(
      `table ${fresh} is up to date: 0 indexes created, 0 wallets backfilled now\n`,
    );
    const table = await client.send(new DescribeTableCommand({ TableName: fresh }));
    expect(table.Table?.TableStatus).toBe('ACTIVE');
    const again = await runWallet(['migrate', '--dynamodb-table', fresh, '--json'], env);
    expect(JSON.parse(again.stdout)).toEqual({
      table: fresh,
      indexesCreated: [],
      walletsBackfilled: 0,
    });
  });
});

describe('the built command', () => {
  it('loads the AWS SDK and the export reader only when a command needs them, so the others start without them', async () => {
    const dist = join(import.meta.dirname, '..', 'dist');
    const files = new Map<string, string>();
    for (const name of await readdir(dist)) {
      if (name.endsWith('.js')) files.set(name, await readFile(join(dist, name), 'utf8'));
    }
    // Every module main.js imports statically, followed through its own chunks.
    const loaded = new Set<string>();
    const visit = (name: string) => {
      for (const match of files.get(name)!.matchAll(/^import\s(?:[^;]*?\sfrom\s)?"([^"]+)";/gms)) {
        const specifier = match[1]!;
        const chunk = specifier.startsWith('./') ? specifier.slice(2) : undefined;
        if (chunk === undefined) loaded.add(specifier);
        else if (!loaded.has(chunk)) {
          loaded.add(chunk);
          visit(chunk);
        }
      }
    };
    visit('main.js');
    expect(
      [...loaded].filter((name) => /^@aws-sdk\/|^ion-|^import-qldb-export/.test(name)),
    ).toEqual([]);
    expect(loaded).toContain('commander');
    const all = [...files.values()].join('\n');
    expect(all).toContain('import("@aws-sdk/client-dynamodb")');
    expect(all).toContain('import("@aws-sdk/client-s3")');
  });
});
