import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { createMemoryLedger, createWalletService, type MemoryLedger } from '@wallet/core';
import { createWalletApi, silentLogger } from '@wallet/http';
import { steppingClock } from '@wallet/testing';
import { type Browser, chromium, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { consoleAssets } from '../src/index.js';

/** Debian's Chromium, which `.ci/run` installs; the suite fails (never skips) without it. */
const CHROMIUM = process.env.WALLET_TEST_CHROMIUM ?? '/usr/bin/chromium';
const SCREENSHOTS = join(import.meta.dirname, '..', '..', '..', 'docs', 'console');

const ADMIN = 'console-admin-token-0001';
const READER = 'console-reader-token-001';
const PLAYER = 'console-player-token-001';

describe('the console in a real browser', () => {
  let ledger: MemoryLedger;
  let browser: Browser;
  let base: string;
  let close: () => Promise<void>;
  let creditIds: string[];

  beforeAll(async () => {
    ledger = createMemoryLedger();
    const service = createWalletService({
      ledger,
      currencies: [
        { code: 'GEMS', scale: 0 },
        { code: 'GOLD', scale: 2 },
      ],
      // A clock that steps a minute a reading: the pages and screenshots look the same every run.
      clock: steppingClock('2026-12-01T09:00:00.000Z', 60_000),
    });
    for (let i = 0; i < 25; i++) {
      await service.createWallet({ accountId: `guild-${String(i).padStart(2, '0')}` });
    }
    await service.createWallet({ accountId: 'player-1', metadata: { region: 'eu' } });
    creditIds = [];
    for (let i = 1; i <= 15; i++) {
      const credit = await service.addFunds({
        accountId: 'player-1',
        amount: String(10 * i),
        currency: 'GEMS',
        metadata: { reason: `quest ${i}` },
      });
      creditIds.push(credit.transactionId);
      await service.withdrawFunds({
        accountId: 'player-1',
        amount: String(3 * i),
        currency: 'GEMS',
      });
    }
    await service.addFunds({ accountId: 'player-1', amount: '12.50', currency: 'GOLD' });
    const api = createWalletApi({
      service,
      logger: silentLogger,
      console: consoleAssets(),
      tokens: [
        { token: ADMIN, scopes: ['admin'], name: 'support' },
        { token: READER, scopes: ['read'], name: 'auditor' },
        { token: PLAYER, scopes: ['read', 'debit'], accountId: 'player-1', name: 'player' },
      ],
    });
    const server = await api.listen({ port: 0 });
    base = server.url;
    close = () => server.close();
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      args: [
        '--no-sandbox',
        '--disable-gpu',
        '--disable-quic',
        '--no-first-run',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
      ],
    });
    await mkdir(SCREENSHOTS, { recursive: true });
  }, 60_000);

  afterAll(async () => {
    await browser?.close();
    await close?.();
  });

  async function signedIn(token: string): Promise<Page> {
    const page = await browser.newPage({ viewport: { width: 1100, height: 900 } });
    // The console calls only this server: any other request fails the test.
    page.on('request', (request) => {
      if (!request.url().startsWith(base)) throw new Error(`request to ${request.url()}`);
    });
    await page.goto(`${base}/console/`);
    await page.fill('input[name=token]', token);
    await page.click('button[type=submit]');
    await page.waitForSelector('[data-testid=caller]');
    return page;
  }

  it('refuses a wrong token and signs in with a good one, keeping it out of the address', async () => {
    const page = await browser.newPage({ viewport: { width: 1100, height: 700 } });
    await page.goto(`${base}/console/`);
    await page.screenshot({ path: join(SCREENSHOTS, 'sign-in.png') });
    await page.fill('input[name=token]', 'not-a-valid-token-at-all');
    await page.click('button[type=submit]');
    await expect(page.getByRole('alert').textContent()).resolves.toBe(
      'That token is not accepted.',
    );
    await page.fill('input[name=token]', ADMIN);
    await page.click('button[type=submit]');
    await expect(page.textContent('[data-testid=caller]')).resolves.toBe('support · admin');
    expect(page.url()).not.toContain(ADMIN);
    await page.close();
  });

  it('finds wallets by prefix, a page at a time', async () => {
    const page = await signedIn(ADMIN);
    await page.fill('input[name=prefix]', 'guild-');
    await page.click('form.inline:has(input[name=prefix]) button');
    await page.waitForFunction(
      () => document.querySelectorAll('[data-testid=wallets] tbody tr').length === 20,
    );
    const first = await page.$$eval('[data-testid=wallets] tbody tr td:first-child', (cells) =>
      cells.map((cell) => cell.textContent),
    );
    expect(first[0]).toBe('guild-00');
    expect(first[19]).toBe('guild-19');
    await page.screenshot({ path: join(SCREENSHOTS, 'wallets.png') });
    await page.click('nav.pager button:has-text("Next")');
    await page.waitForFunction(
      () => document.querySelector('[data-testid=page]')?.textContent === 'page 2',
    );
    const second = await page.$$eval('[data-testid=wallets] tbody tr td:first-child', (cells) =>
      cells.map((cell) => cell.textContent),
    );
    expect(second).toEqual(['guild-20', 'guild-21', 'guild-22', 'guild-23', 'guild-24']);
    await page.close();
  });

  it("shows a wallet's balances, held funds, a chart per currency and its history across pages", async () => {
    const page = await signedIn(ADMIN);
    await page.goto(`${base}/console/#/wallets/player-1`);
    await page.waitForSelector('[data-testid=history] tbody tr');
    const balances = await page.$$eval('[data-testid=balances] tbody tr', (rows) =>
      rows.map((row) => [...row.querySelectorAll('td')].map((cell) => cell.textContent)),
    );
    expect(balances).toEqual([
      ['GEMS', '840', '0'],
      ['GOLD', '12.50', '0.00'],
    ]);
    expect(await page.$$('[data-testid=history] tbody tr')).toHaveLength(20);
    expect(await page.$('[data-testid=chart-GEMS] polyline')).not.toBeNull();
    await page.screenshot({ path: join(SCREENSHOTS, 'wallet.png'), fullPage: true });
    await page.click('.history nav.pager button:has-text("Next")');
    await page.waitForFunction(
      () => document.querySelectorAll('[data-testid=history] tbody tr').length === 11,
    );
    const oldest = await page.$eval(
      '[data-testid=history] tbody tr:last-child',
      (row) => row.textContent,
    );
    expect(oldest).toContain('quest 1');
    await page.selectOption('select[name=currency]', 'GOLD');
    await page.waitForFunction(
      () => document.querySelectorAll('[data-testid=history] tbody tr').length === 1,
    );
    await page.close();
  });

  it('reverses a transaction after a confirmation that shows the amounts, and the balance follows', async () => {
    const page = await signedIn(ADMIN);
    await page.goto(`${base}/console/#/transactions/${creditIds[14]}`);
    await page.fill('input[name=amount]', '50');
    await page.fill('input[name=reason]', 'refund 4711');
    await page.click('form.card button[type=submit]');
    const question = await page.textContent('[data-testid=confirmation] p');
    expect(question).toBe(
      'Reverse 50 of this transaction (player-1 150 GEMS) because "refund 4711"?',
    );
    // The transaction id's random half would change the picture on every run: masked.
    await page.screenshot({
      path: join(SCREENSHOTS, 'reverse.png'),
      mask: [page.locator('.mono')],
      maskColor: '#e4e7ec',
    });
    await page.click('[data-testid=confirmation] button:has-text("Confirm")');
    await page.waitForSelector('[data-testid=reversed-by] a');
    await page.click('[data-testid=reversed-by] a');
    await page.waitForFunction(() => document.body.textContent?.includes('REVERSAL_DEBIT'));
    await page.click('[data-testid=entries] a');
    await page.waitForSelector('[data-testid=balances]');
    const gems = await page.$eval(
      '[data-testid=balances] tbody tr td:nth-child(2)',
      (cell) => cell.textContent,
    );
    expect(gems).toBe('790');
    const [reversal] = await ledger.queryEntries({
      accountId: 'player-1',
      order: 'desc',
      limit: 1,
    });
    expect(reversal).toMatchObject({ type: 'REVERSAL_DEBIT', amount: '50', reason: 'refund 4711' });
    await page.close();
  });

  it('credits only after confirming, once, with the reason in the entry', async () => {
    const page = await signedIn(ADMIN);
    await page.goto(`${base}/console/#/wallets/guild-03`);
    await page.click('.actions button:has-text("Credit")');
    await page.fill('[data-testid=action-panel] input[name=amount]', '25');
    await page.selectOption('[data-testid=action-panel] select[name=currency]', 'GEMS');
    await page.fill('[data-testid=action-panel] input[name=reason]', 'tournament prize');
    await page.click('[data-testid=action-panel] button[type=submit]');
    expect(await page.textContent('[data-testid=confirmation] p')).toBe(
      'Credit 25 GEMS to guild-03? Balance now 0 GEMS.',
    );
    expect(await ledger.queryEntries({ accountId: 'guild-03', order: 'asc', limit: 10 })).toEqual(
      [],
    );
    await page.click('[data-testid=confirmation] button:has-text("Confirm")');
    await page.waitForFunction(
      () =>
        document.querySelector('[data-testid=balances] tbody tr td:nth-child(2)')?.textContent ===
        '25',
    );
    const entries = await ledger.queryEntries({ accountId: 'guild-03', order: 'asc', limit: 10 });
    expect(entries).toHaveLength(1);
    expect(entries[0]).toMatchObject({
      type: 'CREDIT',
      amount: '25',
      metadata: { reason: 'tournament prize' },
    });
    await page.close();
  });

  it("offers only what the token's scopes allow, and the API refuses the rest", async () => {
    const reader = await signedIn(READER);
    await reader.goto(`${base}/console/#/wallets/player-1`);
    await reader.waitForSelector('[data-testid=balances]');
    expect(await reader.$$('.actions button')).toHaveLength(0);
    await reader.goto(`${base}/console/#/transactions/${creditIds[0]}`);
    await reader.waitForSelector('[data-testid=entries]');
    expect(await reader.$('input[name=reason]')).toBeNull();
    const status = await reader.evaluate(
      async ([token, path]) =>
        (
          await fetch(path!, {
            method: 'POST',
            headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
            body: JSON.stringify({ amount: '1', currency: 'GEMS' }),
          })
        ).status,
      [READER, '/v1/wallets/player-1/add-funds'],
    );
    expect(status).toBe(403);
    await reader.close();

    const player = await signedIn(PLAYER);
    expect(await player.textContent('main')).toContain('This token is limited to player-1');
    await player.goto(`${base}/console/#/wallets/player-1`);
    await player.waitForSelector('.actions');
    const offered = await player.$$eval('.actions button', (buttons) =>
      buttons.map((b) => b.textContent),
    );
    expect(offered).toEqual(['Debit']);
    await player.goto(`${base}/console/#/wallets/guild-01`);
    await expect(player.getByRole('alert').textContent()).resolves.toMatch(
      /^FORBIDDEN|403|not allowed/i,
    );
    await player.close();
  });

  it('serves the API reference at /docs from this server alone, every operation of /openapi.json on it', async () => {
    const page = await browser.newPage({ viewport: { width: 1100, height: 900 } });
    const origins = new Set<string>();
    page.on('request', (request) => origins.add(new URL(request.url()).origin));
    const errors: string[] = [];
    page.on('console', (message) => {
      if (message.type() === 'error') errors.push(message.text());
    });
    await page.goto(`${base}/docs`);
    await page.waitForSelector('.opblock');
    const document = (await (await fetch(`${base}/openapi.json`)).json()) as {
      paths: Record<string, Record<string, unknown>>;
    };
    const operations = Object.values(document.paths).reduce(
      (count, methods) => count + Object.keys(methods).length,
      0,
    );
    expect(await page.$$('.opblock')).toHaveLength(operations);
    expect([...origins]).toEqual([new URL(base).origin]);
    expect(errors).toEqual([]);
    await page.close();
  });

  it('shows a tampered chain as failed', async () => {
    ledger.tamperJournal('player-1', (entries) =>
      entries.map((entry) => (entry.sequence === 2 ? { ...entry, amount: '1' } : entry)),
    );
    const page = await signedIn(ADMIN);
    await page.goto(`${base}/console/#/wallets/player-1`);
    await page.click('.actions button:has-text("Verify chain")');
    const result = await page.waitForSelector('[data-testid=verify-result]');
    expect(await result.textContent()).toMatch(/^Chain FAILED verification/);
    expect(await result.getAttribute('class')).toBe('error');
    await page.screenshot({ path: join(SCREENSHOTS, 'verify-failed.png') });
    await page.close();
  });
});
