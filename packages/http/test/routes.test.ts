import { tamperJournal } from '@wallet/core/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startServer, type TestServer } from './support.js';

let server: TestServer;
beforeAll(async () => {
  server = await startServer();
});
afterAll(() => server.close());

describe('routes', () => {
  it('GET /healthz answers 200 {"status":"ok"} without a token', async () => {
    const reply = await server.call('/healthz', { token: null });
    expect(reply.status).toBe(200);
    expect(reply.body).toEqual({ status: 'ok' });
  });

  it('HEAD is answered wherever GET is, without a body', async () => {
    const response = await fetch(`${server.url}/healthz`, { method: 'HEAD' });
    expect(response.status).toBe(200);
    expect(await response.text()).toBe('');
  });

  it('a JSON content type with a charset parameter is accepted', async () => {
    const accountId = await server.wallet();
    const reply = await server.call(`/v1/wallets/${accountId}/add-funds`, {
      body: JSON.stringify({ amount: '1' }),
      headers: { 'content-type': 'application/json; charset=utf-8' },
    });
    expect(reply.status).toBe(200);
  });

  it('POST /v1/wallets creates a wallet with every currency at zero, answers 201 and its Location', async () => {
    const accountId = server.account();
    const reply = await server.call('/v1/wallets', {
      json: { accountId, metadata: { region: 'eu' } },
    });
    expect(reply.status).toBe(201);
    expect(reply.headers.get('location')).toBe(`/v1/wallets/${accountId}`);
    expect(reply.body).toMatchObject({
      accountId,
      balances: { GOLD: '0.00', GEMS: '0', TOKENS: '0' },
      version: 0,
      metadata: { region: 'eu' },
    });
    expect(reply.body.createdAt).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
  });

  it('GET /v1/wallets/{accountId} answers the wallet with its balances', async () => {
    const accountId = await server.wallet('get', { GOLD: '12.30' });
    const reply = await server.call(`/v1/wallets/${accountId}`);
    expect(reply.status).toBe(200);
    expect(reply.body.balances).toEqual({ GOLD: '12.30', GEMS: '0', TOKENS: '0' });
    expect(reply.body.version).toBe(1);
  });

  it('add-funds credits the default currency and answers the FundsResult with amounts as strings', async () => {
    const accountId = await server.wallet();
    const reply = await server.call(`/v1/wallets/${accountId}/add-funds`, {
      json: { amount: '10.5', metadata: { orderId: 'A-1' } },
    });
    expect(reply.status).toBe(200);
    expect(reply.body).toMatchObject({
      accountId,
      currency: 'GOLD',
      amount: '10.50',
      previousBalance: '0.00',
      currentBalance: '10.50',
      replayed: false,
    });
    expect(typeof reply.body.transactionId).toBe('string');
  });

  it('add-funds accepts an exactly representable JSON number as the amount', async () => {
    const accountId = await server.wallet();
    const reply = await server.call(`/v1/wallets/${accountId}/add-funds`, {
      json: { amount: 7, currency: 'GEMS' },
    });
    expect(reply.status).toBe(200);
    expect(reply.body).toMatchObject({ currency: 'GEMS', amount: '7', currentBalance: '7' });
  });

  it('withdraw-funds debits and answers the balances before and after', async () => {
    const accountId = await server.wallet('w', { GOLD: '5.00' });
    const reply = await server.call(`/v1/wallets/${accountId}/withdraw-funds`, {
      json: { amount: '1.25', currency: 'GOLD' },
    });
    expect(reply.status).toBe(200);
    expect(reply.body).toMatchObject({
      amount: '1.25',
      previousBalance: '5.00',
      currentBalance: '3.75',
    });
  });

  it('POST /v1/transfers moves funds between two wallets atomically', async () => {
    const from = await server.wallet('from', { GEMS: '10' });
    const to = await server.wallet('to');
    const reply = await server.call('/v1/transfers', {
      json: { fromAccountId: from, toAccountId: to, amount: '4', currency: 'GEMS' },
    });
    expect(reply.status).toBe(200);
    expect(reply.body).toMatchObject({
      currency: 'GEMS',
      amount: '4',
      replayed: false,
      from: { accountId: from, previousBalance: '10', currentBalance: '6' },
      to: { accountId: to, previousBalance: '0', currentBalance: '4' },
    });
    const target = await server.call(`/v1/wallets/${to}`);
    expect(target.body.balances.GEMS).toBe('4');
  });

  it('exchange debits one currency and credits another in one wallet', async () => {
    const accountId = await server.wallet('x', { GOLD: '20.00' });
    const reply = await server.call(`/v1/wallets/${accountId}/exchange`, {
      json: { from: { currency: 'GOLD', amount: '10.00' }, to: { currency: 'GEMS', amount: '3' } },
    });
    expect(reply.status).toBe(200);
    expect(reply.body).toMatchObject({
      accountId,
      from: {
        currency: 'GOLD',
        amount: '10.00',
        previousBalance: '20.00',
        currentBalance: '10.00',
      },
      to: { currency: 'GEMS', amount: '3', previousBalance: '0', currentBalance: '3' },
    });
  });

  it('transactions answers the journal newest first with a null nextCursor on the last page', async () => {
    const accountId = await server.wallet('h', { GOLD: '1.00', GEMS: '2' });
    const reply = await server.call(`/v1/wallets/${accountId}/transactions`);
    expect(reply.status).toBe(200);
    expect(reply.body.items.map((e: { sequence: number }) => e.sequence)).toEqual([2, 1]);
    expect(reply.body.items[0]).toMatchObject({ type: 'CREDIT', currency: 'GEMS', amount: '2' });
    expect(reply.body.items[1].hash).toMatch(/^[0-9a-f]{64}$/);
    expect(reply.body.nextCursor).toBeNull();
  });

  it('transactions pages with limit and cursor, in either order, and filters by currency', async () => {
    const accountId = await server.wallet('page');
    for (let i = 1; i <= 5; i++) {
      await server.service.addFunds({ accountId, amount: String(i), currency: 'GEMS' });
    }
    await server.service.addFunds({ accountId, amount: '1', currency: 'GOLD' });

    const seen: number[] = [];
    let path = `/v1/wallets/${accountId}/transactions?currency=GEMS&order=asc&limit=2`;
    for (let pages = 0; pages < 5; pages++) {
      const reply = await server.call(path);
      expect(reply.status).toBe(200);
      expect(reply.body.items.length).toBeLessThanOrEqual(2);
      seen.push(...reply.body.items.map((e: { sequence: number }) => e.sequence));
      if (reply.body.nextCursor === null) break;
      path = `/v1/wallets/${accountId}/transactions?currency=GEMS&order=asc&limit=2&cursor=${encodeURIComponent(reply.body.nextCursor)}`;
    }
    expect(seen).toEqual([1, 2, 3, 4, 5]);

    const newest = await server.call(`/v1/wallets/${accountId}/transactions?limit=1`);
    expect(newest.body.items).toHaveLength(1);
    expect(newest.body.items[0]).toMatchObject({ sequence: 6, currency: 'GOLD' });
    expect(typeof newest.body.nextCursor).toBe('string');
  });

  it('a history cursor reused with other filters is 400 VALIDATION_ERROR', async () => {
    const accountId = await server.wallet('cursor', { GEMS: '1', GOLD: '1.00' });
    const first = await server.call(`/v1/wallets/${accountId}/transactions?limit=1`);
    const reused = await server.call(
      `/v1/wallets/${accountId}/transactions?limit=1&order=asc&cursor=${first.body.nextCursor}`,
    );
    expect(reused.status).toBe(400);
    expect(reused.body.error).toMatchObject({
      code: 'VALIDATION_ERROR',
      details: { field: 'cursor' },
    });
  });

  it('verify answers ok with the entry count and head hash of an intact wallet', async () => {
    const accountId = await server.wallet('v', { GOLD: '3.00', GEMS: '1' });
    const reply = await server.call(`/v1/wallets/${accountId}/verify`);
    expect(reply.status).toBe(200);
    expect(reply.body).toMatchObject({ ok: true, entries: 2, problems: [] });
    const history = await server.call(`/v1/wallets/${accountId}/transactions?limit=1`);
    expect(reply.body.headHash).toBe(history.body.items[0].hash);
  });

  it('verify answers 200 with ok false and the problems when the journal was tampered with', async () => {
    const accountId = await server.wallet('t', { GOLD: '3.00', GEMS: '1' });
    tamperJournal(server.ledger, accountId, (entries) =>
      entries.map((entry) => (entry.sequence === 1 ? { ...entry, amount: '300.00' } : entry)),
    );
    const reply = await server.call(`/v1/wallets/${accountId}/verify`);
    expect(reply.status).toBe(200);
    expect(reply.body.ok).toBe(false);
    expect(reply.body.problems.length).toBeGreaterThan(0);
  });
});
