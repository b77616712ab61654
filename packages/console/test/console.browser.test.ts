import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import {
  createMemoryLedger,
  createWalletService,
  type Digest,
  hashEntry,
  type MemoryLedger,
  silentLogger,
  type WalletService,
} from '@wallet/core';
import { tamperJournal, tamperWallet } from '@wallet/core/testing';
import { createWalletApi } from '@wallet/http';
import { listen } from '@wallet/http/node';
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
  let service: WalletService;
  let browser: Browser;
  let base: string;
  let close: () => Promise<void>;
  let creditIds: string[];

  beforeAll(async () => {
    ledger = createMemoryLedger();
    service = createWalletService({
      ledger,
      currencies: [
        { code: 'GEMS', scale: 0 },
        { code: 'GOLD', scale: 2 },
      ],
      // A clock that steps a minute a reading: the pages and screenshots look the same every run.
      clock: steppingClock('2026-12-01T09:00:00.000Z', 60_000),
      // Declared from the start, created by the last test (the digests before count wallets).
      hotWallets: [{ accountId: 'house', subAccounts: 4 }],
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
    const server = await listen(api, { port: 0 });
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
    tamperJournal(ledger, 'player-1', (entries) =>
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

  // Digests (DESIGN section 10). Until here the ledger holds none, so the wallet pages above
  // (and their screenshots) show "No digest yet".

  /** The texts of the proof panel's facts, by their test ids. */
  async function proofFacts(page: Page): Promise<Record<string, string | null>> {
    return page.$$eval('[data-testid=proof] dd', (cells) =>
      Object.fromEntries(cells.map((cell) => [cell.dataset.testid, cell.textContent])),
    );
  }

  async function latestDigest(): Promise<Digest> {
    const [digest] = (await service.listDigests({ limit: 1 })).items;
    return digest!;
  }

  it("creates a digest after a confirmation and shows the path from a wallet's head to its root", async () => {
    const page = await signedIn(ADMIN);
    await page.goto(`${base}/console/#/wallets/guild-03`);
    await expect(page.textContent('[data-testid=proof-status]')).resolves.toBe(
      'No digest yet: create one with wallet digest create or POST /v1/digests.',
    );
    await page.click('[data-testid=proof-panel] button:has-text("Create digest")');
    await expect(
      page.textContent('[data-testid=proof-panel] [data-testid=confirmation] p'),
    ).resolves.toMatch(/^Create a digest now\?/);
    expect((await service.listDigests()).items).toEqual([]);
    await page.click('[data-testid=confirmation] button:has-text("Confirm")');
    const check = await page.waitForSelector('[data-testid=path-check]');
    const digest = await latestDigest();
    const proof = await service.getProof({ accountId: 'guild-03' });
    const [head] = await ledger.queryEntries({ accountId: 'guild-03', order: 'desc', limit: 1 });
    expect(proof.leaf).toEqual({ accountId: 'guild-03', sequence: 1, hash: head!.hash });
    expect(proof.path.length).toBeGreaterThan(1);
    expect(await proofFacts(page)).toEqual({
      'proof-digest': digest.digestId,
      'proof-created': `${digest.createdAt} · 26 wallets`,
      'proof-sequence': 'sequence 1',
      'proof-leaf-hash': head!.hash,
      'proof-path': `${proof.path.length} steps`,
      'proof-root': digest.root,
    });
    expect(await check.textContent()).toBe(
      `The path leads to the root: recomputed in this browser from the leaf and ${proof.path.length} steps.`,
    );
    expect(await check.getAttribute('class')).toBe('ok');
    await page.close();
  });

  it('shows a player the proof of its own wallet, and no more than its scopes allow', async () => {
    const page = await signedIn(PLAYER);
    await page.goto(`${base}/console/#/wallets/player-1`);
    await expect(page.textContent('[data-testid=path-check]')).resolves.toMatch(
      /^The path leads to the root/,
    );
    // GET /v1/digests/{digestId} is for admin tokens: the rest of the proof shows without it.
    expect((await proofFacts(page))['proof-created']).toBe('shown to admin tokens only');
    expect(await page.$('[data-testid=proof-panel] button:has-text("Create digest")')).toBeNull();
    const { leaf } = await service.getProof({ accountId: 'player-1' });
    await page.fill('input[name=published-root]', (await latestDigest()).root);
    await page.click('[data-testid=published-root] button');
    await expect(page.textContent('[data-testid=root-check]')).resolves.toBe(
      `The published root matches: the wallet's head at sequence ${leaf.sequence} is in the digest as published.` +
        'Verifying the wallet against it needs the admin scope.',
    );
    expect(await page.$('button:has-text("Verify the wallet against this digest")')).toBeNull();
    await page.close();
  });

  it('says a wallet created after the latest digest is not in it', async () => {
    await service.createWallet({ accountId: 'late-1' });
    const page = await signedIn(ADMIN);
    await page.goto(`${base}/console/#/wallets/late-1`);
    await expect(page.textContent('[data-testid=proof-status]')).resolves.toBe(
      'This wallet was created after the latest digest, which holds no leaf for it: the next digest will.',
    );
    expect(await page.$('[data-testid=proof-panel] [role=alert]')).toBeNull();
    await page.close();
  });

  it('shows a pasted root that is not the published one as a mismatch, with nothing to verify', async () => {
    const digest = await latestDigest();
    const page = await signedIn(ADMIN);
    await page.goto(`${base}/console/#/wallets/guild-03`);
    await page.waitForSelector('[data-testid=path-check]');
    const wrong = `${digest.root.slice(0, -1)}${digest.root.endsWith('0') ? '1' : '0'}`;
    for (const [pasted, said] of [
      [wrong, /^The published root does not match the proof's root/],
      [
        JSON.stringify({ ...digest, digestId: 'another-digest' }),
        `That is digest another-digest; this proof is for digest ${digest.digestId}.`,
      ],
      ['not a root', "Paste the root as 64 hex digits, or the digest's JSON document."],
    ] as const) {
      await page.fill('input[name=published-root]', pasted);
      await page.click('[data-testid=published-root] button');
      const result = await page.waitForSelector('[data-testid=root-check] p');
      if (typeof said === 'string') expect(await result.textContent()).toBe(said);
      else expect(await result.textContent()).toMatch(said);
      expect(await result.getAttribute('class')).toBe('error');
      expect(await page.$('button:has-text("Verify the wallet against this digest")')).toBeNull();
    }
    await page.close();
  });

  it('matches the published root, then verifies the wallet against the digest', async () => {
    const digest = await latestDigest();
    const page = await signedIn(ADMIN);
    await page.goto(`${base}/console/#/wallets/guild-03`);
    await page.waitForSelector('[data-testid=path-check]');
    // The digest's JSON document as published matches too.
    await page.fill('input[name=published-root]', JSON.stringify(digest));
    await page.click('[data-testid=published-root] button');
    await page.waitForSelector('button:has-text("Verify the wallet against this digest")');
    await page.fill('input[name=published-root]', digest.root.toUpperCase());
    await page.click('[data-testid=published-root] button');
    await expect(page.textContent('[data-testid=root-check] p')).resolves.toBe(
      "The published root matches: the wallet's head at sequence 1 is in the digest as published.",
    );
    await page.click('button:has-text("Verify the wallet against this digest")');
    const result = await page.waitForSelector('[data-testid=digest-verify-result]');
    expect(await result.textContent()).toBe(
      'Verified against the digest: 1 entry, the chain holds, and entry 1 has the hash the digest holds.',
    );
    expect(await result.getAttribute('class')).toBe('ok');
    // The digest's id and every hash are random in part: masked, so the picture is the same every run.
    const panel = page.locator('[data-testid=proof-panel]');
    await panel.screenshot({
      path: join(SCREENSHOTS, 'proof.png'),
      mask: [panel.locator('.mono'), panel.locator('input[name=published-root]')],
      maskColor: '#e4e7ec',
    });
    await page.close();
  });

  it('shows a proof whose path does not lead to its root as such, whatever root is pasted', async () => {
    const digest = await latestDigest();
    const page = await signedIn(ADMIN);
    // The server's answer is changed on its way: the leaf claims a later sequence.
    await page.route('**/v1/wallets/guild-03/proof', async (route) => {
      const response = await route.fetch();
      const proof = await response.json();
      await route.fulfill({
        response,
        json: { ...proof, leaf: { ...proof.leaf, sequence: proof.leaf.sequence + 1 } },
      });
    });
    await page.goto(`${base}/console/#/wallets/guild-03`);
    const check = await page.waitForSelector('[data-testid=path-check]');
    expect(await check.textContent()).toMatch(
      /^The path does not lead to the root: recomputed in this browser, it leads to [0-9a-f]{64}\.$/,
    );
    expect(await check.getAttribute('class')).toBe('error');
    await page.fill('input[name=published-root]', digest.root);
    await page.click('[data-testid=published-root] button');
    await expect(page.textContent('[data-testid=root-check] p')).resolves.toBe(
      "The published root matches the proof's root, but the path does not lead to it: this proof shows nothing.",
    );
    expect(await page.$('button:has-text("Verify the wallet against this digest")')).toBeNull();
    await page.close();
  });

  it('catches a history rewritten with its hashes recomputed, which the chain alone passes', async () => {
    // The credit's reason is rewritten and its hash recomputed, the wallet's head following.
    let headHash = '';
    tamperJournal(ledger, 'guild-03', (entries) =>
      entries.map((entry) => {
        const { hash: _, ...fields } = { ...entry, metadata: { reason: 'rewritten' } };
        headHash = hashEntry(fields);
        return { ...fields, hash: headHash };
      }),
    );
    tamperWallet(ledger, 'guild-03', (wallet) => ({ ...wallet, headHash }));
    const page = await signedIn(ADMIN);
    await page.goto(`${base}/console/#/wallets/guild-03`);
    await page.click('.actions button:has-text("Verify chain")');
    await expect(page.textContent('[data-testid=verify-result]')).resolves.toBe(
      'Chain verified: 1 entry, no problem found.',
    );
    await page.fill('input[name=published-root]', (await latestDigest()).root);
    await page.click('[data-testid=published-root] button');
    await page.click('button:has-text("Verify the wallet against this digest")');
    const result = await page.waitForSelector('[data-testid=digest-verify-result]');
    expect(await result.textContent()).toMatch(
      /^The wallet FAILED verification against the digest \(1 entry\):.*history before the digest was rewritten/,
    );
    expect(await result.getAttribute('class')).toBe('error');
    await page.close();
  });

  it("lists a hot wallet's sub-account entries under their journal, with no chart a page cannot draw, linking each to the wallet", async () => {
    await service.createWallet({ accountId: 'house' });
    for (let i = 1; i <= 6; i++) {
      await service.addFunds({
        accountId: 'house',
        amount: String(5 * i),
        currency: 'GEMS',
        idempotencyKey: `fee-${i}`,
        metadata: { reason: `trade fee ${i}` },
      });
    }
    await service.withdrawFunds({ accountId: 'house', amount: '40', currency: 'GEMS' });
    const page = await signedIn(ADMIN);
    await page.goto(`${base}/console/#/wallets/house`);
    await page.waitForSelector('[data-testid=history] tbody tr');
    const gems = await page.$eval('[data-testid=balances] tbody tr', (row) =>
      [...row.querySelectorAll('td')].map((cell) => cell.textContent),
    );
    expect(gems).toEqual(['GEMS', '65', '0']);
    expect(await page.$('[data-testid=sub-account-note]')).not.toBeNull();
    expect(await page.$('[data-testid=chart-GEMS]')).toBeNull();
    const header = await page.$$eval('[data-testid=history] thead th', (cells) =>
      cells.map((cell) => cell.textContent),
    );
    expect(header[0]).toBe('Journal');
    const journals = await page.$$eval('[data-testid=history] tbody tr td:first-child', (cells) =>
      cells.map((cell) => cell.textContent ?? ''),
    );
    expect(journals.filter((id) => id.startsWith('house#')).length).toBeGreaterThanOrEqual(6);
    expect(journals).toContain('house');
    const fees = await page.$$eval(
      '[data-testid=history] tbody tr',
      (rows) => rows.filter((row) => row.textContent?.includes('trade fee')).length,
    );
    expect(fees).toBe(6);
    await page.screenshot({ path: join(SCREENSHOTS, 'hot-wallet.png'), fullPage: true });
    await page.click('[data-testid=history] tbody tr:has-text("trade fee 1") a');
    await page.waitForSelector('[data-testid=entries] tbody tr');
    const target = await page.$eval('[data-testid=entries] tbody tr a', (a) => [
      a.textContent,
      a.getAttribute('href'),
    ]);
    expect(target[0]).toMatch(/^house#[1-4]$/);
    expect(target[1]).toBe('#/wallets/house');
    await page.close();
  });

  it('wraps a reason of thousands of characters inside its cell, so the page stays as wide as the window', async () => {
    // Metadata is the caller's: a player's own withdrawal may carry a reason of 4,000 letters.
    await service.createWallet({ accountId: 'long-reason-1' });
    await service.addFunds({
      accountId: 'long-reason-1',
      amount: '1',
      currency: 'GEMS',
      metadata: { reason: 'A'.repeat(4000) },
    });
    const page = await signedIn(ADMIN);
    await page.goto(`${base}/console/#/wallets/long-reason-1`);
    await page.waitForSelector('[data-testid=history] tbody tr');
    const [scrolled, viewport] = await page.evaluate(() => [
      document.documentElement.scrollWidth,
      globalThis.innerWidth,
    ]);
    expect(scrolled).toBeLessThanOrEqual(viewport!);
    await page.close();
  });
});
