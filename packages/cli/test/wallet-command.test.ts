import { randomUUID } from 'node:crypto';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runWallet } from './support/run-wallet.js';
import { expectOneLineError, SERVER_URL, TARGETS, type Target } from './support/targets.js';

describe.each(TARGETS)('the wallet command on %s', (_name, makeTarget) => {
  let target: Target;
  const wallet = (...args: string[]) => runWallet([...target.args, ...args], target.env);
  const json = async <T>(...args: string[]): Promise<T> => {
    const run = await wallet(...args, '--json');
    expect(run.stderr.split('\n').filter((line) => line.startsWith('wallet:'))).toEqual([]);
    expect(run.code).toBe(0);
    return JSON.parse(run.stdout) as T;
  };

  beforeAll(async () => {
    target = await makeTarget();
  });
  afterAll(async () => {
    await target.cleanup();
  });

  it('migrate creates the schema reporting each migration, and finds every one applied the next time', async () => {
    const first = await wallet('migrate');
    expect(first.code).toBe(0);
    const steps = first.stderr.trim().split('\n');
    expect(steps.length).toBeGreaterThanOrEqual(4);
    steps.forEach((line, i) => {
      expect(line).toMatch(new RegExp(`^migration ${i + 1}/${steps.length} .+: applied$`));
    });
    expect(first.stdout).toMatch(/is up to date: \d+ migrations, \d+ applied now/);
    const again = await json<{ migrations: number; applied: number }>('migrate');
    expect(again).toMatchObject({ migrations: steps.length, applied: 0 });
  });

  it('create, credit, debit, balance and history agree, as text and as JSON', async () => {
    expect((await wallet('create', 'player-1', '--metadata', '{"region":"eu"}')).stdout).toBe(
      'created wallet player-1\n',
    );
    const credit = await json<Record<string, unknown>>(
      'credit',
      'player-1',
      '100',
      '--currency',
      'GEMS',
      '--reason',
      'welcome bonus',
    );
    expect(credit).toMatchObject({
      accountId: 'player-1',
      amount: '100',
      previousBalance: '0',
      currentBalance: '100',
      replayed: false,
    });
    const debit = await wallet('debit', 'player-1', '2.5', '--currency', 'GOLD');
    expectOneLineError(debit, 1, 'INSUFFICIENT_FUNDS');
    const spent = await wallet('debit', 'player-1', '30', '--currency', 'GEMS');
    expect(spent.code).toBe(0);
    expect(spent.stdout).toMatch(
      /^debited 30 GEMS from player-1: 100 -> 70, transaction [0-9a-f-]{36}\n$/,
    );

    const balance = await json<{
      balances: Record<string, string>;
      held: Record<string, string>;
      metadata: unknown;
    }>('balance', 'player-1');
    expect(balance).toMatchObject({
      balances: { GEMS: '70', GOLD: '0.00' },
      held: { GEMS: '0', GOLD: '0.00' },
      metadata: { region: 'eu' },
    });
    const text = await wallet('balance', 'player-1');
    expect(text.stdout).toMatch(
      /CURRENCY\s+BALANCE\s+HELD\nGEMS\s+70\s+0\nGOLD\s+0\.00\s+0\.00\n$/,
    );

    const history = await json<{
      items: { type: string; amount: string; metadata: unknown }[];
      nextCursor: string | null;
    }>('history', 'player-1');
    expect(history.items.map((entry) => [entry.type, entry.amount])).toEqual([
      ['DEBIT', '30'],
      ['CREDIT', '100'],
    ]);
    expect(history.items[1]!.metadata).toEqual({ reason: 'welcome bonus' });
    const lines = (await wallet('history', 'player-1')).stdout.trim().split('\n');
    expect(lines[0]).toMatch(/^SEQ\s+TIME\s+TYPE\s+AMOUNT\s+CURRENCY\s+BALANCE\s+TRANSACTION$/);
    const rows = lines.slice(1).map((line) => line.trim().split(/\s+/));
    expect(rows.map((row) => [row[0], row[2], row[3], row[4], row[5]])).toEqual([
      ['2', 'DEBIT', '30', 'GEMS', '70'],
      ['1', 'CREDIT', '100', 'GEMS', '100'],
    ]);
  });

  it('pages history with the cursor it prints, and filters it by currency', async () => {
    for (const amount of ['1.25', '2.50']) {
      expect((await wallet('credit', 'player-1', amount, '--currency', 'GOLD')).code).toBe(0);
    }
    const first = await wallet('history', 'player-1', '--limit', '3');
    const cursor = /\nmore: --cursor (\S+)\n$/.exec(first.stdout)?.[1];
    expect(cursor).toBeDefined();
    const rest = await json<{ items: { sequence: number }[]; nextCursor: string | null }>(
      'history',
      'player-1',
      '--limit',
      '3',
      '--cursor',
      cursor!,
    );
    expect(rest).toEqual({ items: [expect.objectContaining({ sequence: 1 })], nextCursor: null });
    const gold = await json<{ items: { currency: string }[] }>(
      'history',
      'player-1',
      '--currency',
      'GOLD',
    );
    expect(gold.items.map((entry) => entry.currency)).toEqual(['GOLD', 'GOLD']);
  });

  it('applies an idempotency key once: the second debit with it answers the first result', async () => {
    const first = await json<{ transactionId: string; replayed: boolean }>(
      'debit',
      'player-1',
      '5',
      '--currency',
      'GEMS',
      '--key',
      'order-77',
    );
    const again = await wallet('debit', 'player-1', '5', '--currency', 'GEMS', '--key', 'order-77');
    expect(again.code).toBe(0);
    expect(again.stdout).toContain(`transaction ${first.transactionId} (replayed`);
    expect(
      (await json<{ balances: Record<string, string> }>('balance', 'player-1')).balances.GEMS,
    ).toBe('65');
  });

  it('reverses a credit in part, then refuses to reverse more than remains, changing nothing', async () => {
    const credit = await json<{ transactionId: string }>(
      'credit',
      'player-1',
      '40',
      '--currency',
      'GEMS',
    );
    const reversal = await json<{
      reverses: string;
      legs: { amount: string; currentBalance: string }[];
    }>('reverse', credit.transactionId, '--amount', '15', '--reason', 'refund 4711');
    expect(reversal).toMatchObject({
      reverses: credit.transactionId,
      legs: [{ amount: '15', currentBalance: '90' }],
    });
    expectOneLineError(
      await wallet('reverse', credit.transactionId, '--amount', '26'),
      1,
      'VALIDATION_ERROR',
    );
    expect(
      (await json<{ balances: Record<string, string> }>('balance', 'player-1')).balances.GEMS,
    ).toBe('90');
    expectOneLineError(await wallet('reverse', randomUUID()), 1, 'TRANSACTION_NOT_FOUND');
  });

  it('lists every wallet with a prefix in account order, page after page, as lines and as one JSON array', async () => {
    const ids = Array.from({ length: 1_205 }, (_, i) => `guild-${String(i).padStart(4, '0')}`);
    await target.withService(async (service) => {
      for (const accountId of ids) await service.createWallet({ accountId });
    });
    const listed = await json<{ accountId: string }[]>('list', '--prefix', 'guild-');
    expect(listed.map((item) => item.accountId)).toEqual(ids);
    const text = await wallet('list', '--prefix', 'guild-00', '--limit', '3');
    expect(text.stdout).toBe(
      ['guild-0000', 'guild-0001', 'guild-0002'].map((id) => `${id}  GEMS 0  GOLD 0.00\n`).join(''),
    );
    expect(text.stderr).toBe('3 wallets\n');
    expect(await json<unknown[]>('list', '--prefix', 'nobody-')).toEqual([]);
  });

  it('verify --all checks every wallet with progress lines, and exits 1 naming a tampered one', async () => {
    const clean = await wallet('verify', '--all');
    expect(clean.code).toBe(0);
    expect(clean.stdout).toMatch(/^wallets\s+1,206\nok\s+1,206\nfailed\s+0\nentries\s+7\n/);
    // The count comes first, so a piped run prints one line per tenth (121 wallets), then the last.
    const progress = clean.stderr
      .trim()
      .split('\n')
      .map((line) => line.replace(/ \([\d,]+\/s\)$/, ''));
    expect(progress).toEqual([
      ...[121, 242, 363, 484, 605, 726, 847, 968, 1089].map(
        (done) => `verified ${done.toLocaleString('en-US')}/1,206 wallets`,
      ),
      'verified 1,206/1,206 wallets',
    ]);

    await target.sql(
      `UPDATE $schema.journal_entries SET amount = 1000 WHERE account_id = 'player-1' AND sequence = 1`,
    );
    const one = await wallet('verify', 'player-1');
    expect(one.code).toBe(1);
    expect(one.stdout).toMatch(/^player-1: FAILED\n {2}- /);
    // A failed check exits 1 with --json too, its report on standard output.
    const run = await wallet('verify', '--all', '--json');
    expect(run.code).toBe(1);
    expect(JSON.parse(run.stdout)).toMatchObject({
      wallets: 1_206,
      ok: 1_205,
      failed: 1,
      failures: [
        {
          accountId: 'player-1',
          problems: expect.arrayContaining([expect.stringContaining('hash does not match')]),
        },
      ],
    });
  });

  it('exports every entry to Parquet partitions by day', async () => {
    const out = await mkdtemp(join(tmpdir(), 'wallet-cli-export-'));
    try {
      const result = await json<{ rows: number; files: { path: string; rows: number }[] }>(
        'export',
        '--out',
        out,
        '--prefix',
        'player-',
        '--run-id',
        'cli',
      );
      const journal = await json<{ items: unknown[] }>('history', 'player-1', '--limit', '1000');
      expect(result.rows).toBe(journal.items.length);
      expect(result.files.reduce((sum, file) => sum + file.rows, 0)).toBe(result.rows);
      for (const file of result.files) {
        expect(file.path).toMatch(/dt=\d{4}-\d{2}-\d{2}\/part-cli-\d{5}\.parquet$/);
        expect((await readFile(file.path)).subarray(0, 4).toString()).toBe('PAR1');
      }
    } finally {
      await rm(out, { recursive: true, force: true });
    }
  });

  it('with --hot-wallets, credits a hot wallet on its sub-accounts, sums its balance and lists their entries in its history by journal', async () => {
    const hot = (...args: string[]) => wallet(...args, '--hot-wallets', 'bank:4');
    expect((await hot('create', 'bank')).code).toBe(0);
    for (let i = 1; i <= 3; i++) {
      const credit = await hot('credit', 'bank', String(10 * i), '--currency', 'GEMS', '--json');
      expect(JSON.parse(credit.stdout).accountId).toMatch(/^bank#[1-4]$/);
    }
    const balance = await hot('balance', 'bank', '--json');
    expect(JSON.parse(balance.stdout).balances.GEMS).toBe('60');
    const history = await hot('history', 'bank');
    expect(history.code).toBe(0);
    const lines = history.stdout.trim().split('\n');
    expect(lines[0]).toMatch(/^JOURNAL\s+SEQ\s+TIME/);
    expect(lines.slice(1).filter((line) => /^bank#[1-4]\s+1\s/.test(line)).length).toBeGreaterThan(
      0,
    );
    expect(lines).toHaveLength(4);
    // Without the declaration the CLI sees the main wallet alone: every service must declare it.
    expect(JSON.parse((await wallet('balance', 'bank', '--json')).stdout).balances.GEMS).toBe('0');
    expectOneLineError(await wallet('balance', 'bank', '--hot-wallets', 'bank'), 2, 'USAGE_ERROR');
  });

  it('writes no character a terminal acts on, whatever a caller planted in metadata, and its JSON reads back exactly', async () => {
    // An 8-bit CSI that moves the cursor and rewrites a line, an OSC 52 clipboard write, a
    // right-to-left override and ESC itself: all storable, all acted on by some terminal.
    const planted =
      '\u009b7A\u009b18G5000 \u009d52;c;Y3VybA==\u009c \u202e0001 SMEG\u202c \u001b[2J \u2028';
    expect((await wallet('create', 'planted-1')).code).toBe(0);
    const credit = await wallet(
      'credit',
      'planted-1',
      '1',
      '--currency',
      'GEMS',
      '--reason',
      planted,
    );
    expect(credit.code).toBe(0);
    const history = await wallet('history', 'planted-1', '--json');
    expect(history.code).toBe(0);
    const acted =
      // biome-ignore lint/suspicious/noControlCharactersInRegex: the controls are what it looks for.
      /[\u0000-\u0009\u000b-\u001f\u007f-\u009f\u202a-\u202e\u2028]/;
    expect(history.stdout).not.toMatch(acted);
    const { items } = JSON.parse(history.stdout) as { items: { metadata: { reason: string } }[] };
    expect(items[0]!.metadata.reason).toBe(planted);
  });
});

describe('the wallet command line', () => {
  it('shows an example in the help of every command', async () => {
    const commands = [
      'migrate',
      'create',
      'balance',
      'history',
      'credit',
      'debit',
      'reverse',
      'list',
      'verify',
      'export',
      'digest',
      'import-qldb-export',
    ];
    const main = await runWallet(['--help']);
    expect(main.code).toBe(0);
    for (const command of commands) expect(main.stdout).toMatch(new RegExp(`\\n\\s+${command}\\b`));
    const digest = await runWallet(['digest', '--help']);
    for (const command of ['create', 'list']) {
      expect(digest.stdout).toMatch(new RegExp(`\\n\\s+${command}\\b`));
    }
    for (const command of [...commands, 'digest create', 'digest list']) {
      const help = await runWallet([...command.split(' '), '--help']);
      expect(help.code).toBe(0);
      expect(help.stdout).toMatch(new RegExp(`Examples?:\\n\\s+\\$ wallet ${command}`));
    }
  });

  it('refuses a command line it cannot act on with exit 2 and one usage line', async () => {
    const dataDir = join(tmpdir(), `wallet-cli-missing-${randomUUID()}`);
    for (const args of [
      ['frobnicate'],
      ['credit', 'player-1'],
      ['history', 'p', '--limit', 'ten', '--data-dir', dataDir],
      ['balance', 'p'],
      ['balance', 'p', '--data-dir', dataDir],
      ['balance', 'p', '--data-dir', dataDir, '--database-url', SERVER_URL],
      ['verify', '--data-dir', dataDir],
      ['verify', 'p', '--all', '--data-dir', dataDir],
      ['balance', 'p', '--data-dir', dataDir, '--currencies', 'GEMS'],
    ]) {
      expectOneLineError(await runWallet(args), 2, 'USAGE_ERROR');
    }
  });

  it('names a PostgreSQL server that does not answer as STORE_UNAVAILABLE, in one line', async () => {
    const run = await runWallet(['balance', 'p'], {
      DATABASE_URL: 'postgres://postgres@127.0.0.1:1/none',
    });
    expectOneLineError(run, 1, 'STORE_UNAVAILABLE');
  });

  it('says to migrate when the schema was never created', async () => {
    const run = await runWallet(['balance', 'p', '--schema', 'wallet_never_migrated'], {
      DATABASE_URL: SERVER_URL,
    });
    expectOneLineError(run, 1, 'STORE_UNAVAILABLE');
    expect(run.stderr).toContain('migrate');
  });
});
