import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { afterAll, describe, expect, it } from 'vitest';
import { readConfig } from '../src/config.js';
import { ADMIN_TOKEN, call, killAll, start, stop } from './support.js';

afterAll(killAll);

describe('the local server', () => {
  it('serves create, add, withdraw, history and verify, and keeps the data across a restart', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'wallet-local-'));
    try {
      const first = await start({ WALLET_DATA_DIR: dataDir });
      expect(first.output()).toContain(`PGlite in ${dataDir}`);
      expect(first.output()).toContain('curl -s -X POST');
      expect(
        (await call(first.url, 'POST', '/v1/wallets', { body: { accountId: 'player-1' } })).status,
      ).toBe(201);
      const added = await call(first.url, 'POST', '/v1/wallets/player-1/add-funds', {
        body: { amount: '100' },
        key: 'topup-1',
      });
      expect(added).toMatchObject({
        status: 200,
        body: { currentBalance: '100', replayed: false },
      });
      const replay = await call(first.url, 'POST', '/v1/wallets/player-1/add-funds', {
        body: { amount: '100' },
        key: 'topup-1',
      });
      expect(replay.body.replayed).toBe(true);
      const withdrawn = await call(first.url, 'POST', '/v1/wallets/player-1/withdraw-funds', {
        body: { amount: '30' },
      });
      expect(withdrawn.body.currentBalance).toBe('70');
      // The default rates: 8 GEMS at 0.125 buy 1.00 GOLD.
      const exchanged = await call(first.url, 'POST', '/v1/wallets/player-1/exchange', {
        body: { from: { currency: 'GEMS', amount: '8' }, to: { currency: 'GOLD' } },
      });
      expect(exchanged.body.to).toMatchObject({ currency: 'GOLD', amount: '1.00' });
      expect(first.output()).toContain('exchange rates: 1 GEMS = 0.125 GOLD, 1 GOLD = 7.5 GEMS');
      expect(await stop(first.child)).toBe(0);

      const second = await start({ WALLET_DATA_DIR: dataDir });
      const wallet = await call(second.url, 'GET', '/v1/wallets/player-1');
      expect(wallet.body.balances).toEqual({ GEMS: '62', GOLD: '1.00' });
      const history = await call(second.url, 'GET', '/v1/wallets/player-1/transactions?order=asc');
      expect(history.body.items.map((e: { type: string }) => e.type)).toEqual([
        'CREDIT',
        'DEBIT',
        'EXCHANGE_OUT',
        'EXCHANGE_IN',
      ]);
      const verified = await call(second.url, 'GET', '/v1/wallets/player-1/verify');
      expect(verified.body).toMatchObject({ ok: true, entries: 4, problems: [] });
      expect(await stop(second.child)).toBe(0);
      // The token was supplied, so neither run printed it, in the banner or in a log line.
      for (const run of [first, second]) {
        expect(run.output()).not.toContain(ADMIN_TOKEN);
        expect(run.output()).toContain('-H "authorization: Bearer $WALLET_API_TOKEN"');
      }
    } finally {
      rmSync(dataDir, { recursive: true, force: true });
    }
  }, 120_000);

  it('serves the console and the API reference by default, names them in its banner, and no console with WALLET_CONSOLE=off', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'wallet-local-console-'));
    try {
      const server = await start({ WALLET_DATA_DIR: dataDir });
      expect(server.output()).toContain(`console: ${server.url}/console/`);
      expect(server.output()).toContain(`API reference: ${server.url}/docs`);
      const page = await fetch(`${server.url}/console/`);
      expect(page.status).toBe(200);
      expect(await page.text()).toContain('<script type="module" src="console.js"></script>');
      expect((await fetch(`${server.url}/console/console.js`)).status).toBe(200);
      expect((await fetch(`${server.url}/docs`)).status).toBe(200);
      await stop(server.child);
      const without = await start({ WALLET_DATA_DIR: dataDir, WALLET_CONSOLE: 'off' });
      expect(without.output()).not.toContain('console:');
      expect((await fetch(`${without.url}/console/`)).status).toBe(404);
      await stop(without.child);
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
        WALLET_HOT_WALLETS: 'house:4',
      });
      expect(server.output()).toContain('PostgreSQL at 127.0.0.1:5432');
      expect(server.output()).toContain('hot wallets: house (4 sub-accounts)');
      // The house takes its credits on sub-accounts and answers with their sum.
      expect(
        (await call(server.url, 'POST', '/v1/wallets', { body: { accountId: 'house' } })).status,
      ).toBe(201);
      for (let i = 0; i < 3; i++) {
        const fee = await call(server.url, 'POST', '/v1/wallets/house/add-funds', {
          body: { amount: '5' },
        });
        expect(fee.body.accountId).toMatch(/^house#[1-4]$/);
      }
      const house = await call(server.url, 'GET', '/v1/wallets/house');
      expect(house.body.balances.GEMS).toBe('15');
      expect(
        (await call(server.url, 'POST', '/v1/wallets', { body: { accountId: 'p' } })).status,
      ).toBe(201);
      expect(
        (
          await call(server.url, 'POST', '/v1/wallets/p/add-funds', {
            body: { amount: '1.5', currency: 'GOLD' },
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
      exchangeRates: [
        { from: 'GEMS', to: 'GOLD', rate: '0.125' },
        { from: 'GOLD', to: 'GEMS', rate: '7.5' },
      ],
      tokenGenerated: true,
    });
    expect(config.token).toMatch(/^wallet_[A-Za-z0-9_-]{32}$/);
    expect(readConfig({}, '/repo').token).not.toBe(config.token);
  });

  it('names the variable when one is malformed', () => {
    expect(() => readConfig({ PORT: 'eighty' })).toThrow(/PORT/);
    expect(() => readConfig({ WALLET_CURRENCIES: 'GEMS' })).toThrow(/WALLET_CURRENCIES/);
    expect(() => readConfig({ WALLET_EXCHANGE_RATES: 'GEMS>GOLD' })).toThrow(
      /WALLET_EXCHANGE_RATES/,
    );
  });

  it('reads hot wallets, none by default, and names the variable when malformed', () => {
    expect(readConfig({}).hotWallets).toEqual([]);
    expect(readConfig({ WALLET_HOT_WALLETS: 'house:16, jackpot:8' }).hotWallets).toEqual([
      { accountId: 'house', subAccounts: 16 },
      { accountId: 'jackpot', subAccounts: 8 },
    ]);
    for (const text of ['house', 'house:', 'house:x', 'house:16;jackpot:8', ':4']) {
      expect(() => readConfig({ WALLET_HOT_WALLETS: text })).toThrow(/WALLET_HOT_WALLETS/);
    }
  });

  it('reads exchange rates, and has none by default with currencies of its own', () => {
    expect(
      readConfig({ WALLET_CURRENCIES: 'COINS:0,STARS:2', WALLET_EXCHANGE_RATES: 'COINS:STARS=0.5' })
        .exchangeRates,
    ).toEqual([{ from: 'COINS', to: 'STARS', rate: '0.5' }]);
    expect(readConfig({ WALLET_CURRENCIES: 'COINS:0' }).exchangeRates).toEqual([]);
  });
});
