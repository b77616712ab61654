import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { afterAll, describe, expect, it } from 'vitest';
import { readConfig } from '../src/config.js';

const root = join(import.meta.dirname, '..');
const token = 'local-test-token-0123456789';
const running = new Set<ChildProcess>();

afterAll(() => {
  for (const child of running) child.kill('SIGKILL');
});

/** Starts `pnpm start`'s command exactly, and resolves with the URL once the banner is printed. */
async function start(
  env: Record<string, string>,
): Promise<{ url: string; child: ChildProcess; output: () => string }> {
  const child = spawn(
    process.execPath,
    ['--conditions=@wallet/source', '--import', 'tsx', 'src/main.ts'],
    {
      cwd: root,
      env: { ...process.env, PORT: '0', WALLET_API_TOKEN: token, ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  running.add(child);
  let output = '';
  child.stdout.on('data', (chunk) => (output += chunk));
  child.stderr.on('data', (chunk) => (output += chunk));
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no URL printed:\n${output}`)), 60_000);
    child.stdout.on('data', () => {
      const match = /listening on (http:\/\/\S+)/.exec(output);
      // The banner ends with the history curl line; wait for all of it.
      if (match && output.includes('/transactions -H')) {
        clearTimeout(timer);
        resolve(match[1]!);
      }
    });
    child.once('exit', (code) => reject(new Error(`exited with ${code}:\n${output}`)));
  });
  return { url, child, output: () => output };
}

async function stop(child: ChildProcess): Promise<number | null> {
  const exited = new Promise<number | null>((resolve) =>
    child.once('exit', (code) => resolve(code)),
  );
  child.kill('SIGTERM');
  const code = await exited;
  running.delete(child);
  return code;
}

/** A JSON response body, read loosely: the tests assert on its fields. */
// biome-ignore lint/suspicious/noExplicitAny: test assertions read arbitrary response fields
type Json = Record<string, any>;

async function call(url: string, method: string, path: string, body?: unknown, key?: string) {
  const response = await fetch(`${url}${path}`, {
    method,
    headers: {
      authorization: `Bearer ${token}`,
      'content-type': 'application/json',
      ...(key ? { 'idempotency-key': key } : {}),
    },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  return { status: response.status, body: (await response.json()) as Json };
}

describe('the local server', () => {
  it('serves create, add, withdraw, history and verify, and keeps the data across a restart', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'wallet-local-'));
    try {
      const first = await start({ WALLET_DATA_DIR: dataDir });
      expect(first.output()).toContain(`PGlite in ${dataDir}`);
      expect(first.output()).toContain('curl -s -X POST');
      expect((await call(first.url, 'POST', '/v1/wallets', { accountId: 'player-1' })).status).toBe(
        201,
      );
      const added = await call(
        first.url,
        'POST',
        '/v1/wallets/player-1/add-funds',
        { amount: '100' },
        'topup-1',
      );
      expect(added).toMatchObject({
        status: 200,
        body: { currentBalance: '100', replayed: false },
      });
      const replay = await call(
        first.url,
        'POST',
        '/v1/wallets/player-1/add-funds',
        { amount: '100' },
        'topup-1',
      );
      expect(replay.body.replayed).toBe(true);
      const withdrawn = await call(first.url, 'POST', '/v1/wallets/player-1/withdraw-funds', {
        amount: '30',
      });
      expect(withdrawn.body.currentBalance).toBe('70');
      expect(await stop(first.child)).toBe(0);

      const second = await start({ WALLET_DATA_DIR: dataDir });
      const wallet = await call(second.url, 'GET', '/v1/wallets/player-1');
      expect(wallet.body.balances).toEqual({ GEMS: '70', GOLD: '0.00' });
      const history = await call(second.url, 'GET', '/v1/wallets/player-1/transactions?order=asc');
      expect(history.body.items.map((e: { type: string }) => e.type)).toEqual(['CREDIT', 'DEBIT']);
      const verified = await call(second.url, 'GET', '/v1/wallets/player-1/verify');
      expect(verified.body).toMatchObject({ ok: true, entries: 2, problems: [] });
      expect(await stop(second.child)).toBe(0);
    } finally {
      rmSync(dataDir, { recursive: true, force: true });
    }
  }, 120_000);

  it('runs on PostgreSQL when DATABASE_URL is set', async () => {
    const admin = new pg.Client({
      connectionString: 'postgres://postgres@127.0.0.1:5432/postgres',
    });
    await admin.connect();
    const database = `wallet_local_${Date.now()}`;
    await admin.query(`CREATE DATABASE ${database}`);
    try {
      const server = await start({
        DATABASE_URL: `postgres://postgres@127.0.0.1:5432/${database}`,
      });
      expect(server.output()).toContain('PostgreSQL at 127.0.0.1:5432');
      expect((await call(server.url, 'POST', '/v1/wallets', { accountId: 'p' })).status).toBe(201);
      expect(
        (
          await call(server.url, 'POST', '/v1/wallets/p/add-funds', {
            amount: '1.5',
            currency: 'GOLD',
          })
        ).body.currentBalance,
      ).toBe('1.50');
      expect(await stop(server.child)).toBe(0);
    } finally {
      await admin.query(`DROP DATABASE IF EXISTS ${database} WITH (FORCE)`);
      await admin.end();
    }
  }, 120_000);
});

describe('readConfig', () => {
  it('defaults to port 3000, GEMS:0,GOLD:2 and a generated token', () => {
    const config = readConfig({}, '/repo');
    expect(config).toMatchObject({
      port: 3000,
      dataDir: '/repo/.wallet-data',
      databaseUrl: undefined,
      currencies: [
        { code: 'GEMS', scale: 0 },
        { code: 'GOLD', scale: 2 },
      ],
      tokenGenerated: true,
    });
    expect(config.token).toMatch(/^wallet_[A-Za-z0-9_-]{32}$/);
    expect(readConfig({}, '/repo').token).not.toBe(config.token);
  });

  it('names the variable when one is malformed', () => {
    expect(() => readConfig({ PORT: 'eighty' })).toThrow(/PORT/);
    expect(() => readConfig({ WALLET_CURRENCIES: 'GEMS' })).toThrow(/WALLET_CURRENCIES/);
  });
});
