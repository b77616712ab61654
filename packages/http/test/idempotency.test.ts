import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startServer, type TestServer } from './support.js';

let server: TestServer;
beforeAll(async () => {
  server = await startServer();
});
afterAll(() => server.close());

const gems = async (accountId: string) =>
  (await server.service.getFunds({ accountId })).balances.GEMS;

describe('idempotency', () => {
  it('add-funds retried with the same Idempotency-Key header replays the result and credits once', async () => {
    const accountId = await server.wallet();
    const send = () =>
      server.call(`/v1/wallets/${accountId}/add-funds`, {
        json: { amount: '5', currency: 'GEMS' },
        headers: { 'Idempotency-Key': 'purchase-1' },
      });
    const first = await send();
    const retry = await send();
    expect(first.status).toBe(200);
    expect(retry.status).toBe(200);
    expect(first.body.replayed).toBe(false);
    expect(retry.body).toEqual({ ...first.body, replayed: true });
    expect(await gems(accountId)).toBe('5');
    const [entry] = (await server.service.getTransactionHistory({ accountId })).items;
    expect(entry?.idempotencyKey).toBe('purchase-1');
  });

  it('withdraw-funds, transfer and exchange replay by header too', async () => {
    const from = await server.wallet('from', { GEMS: '100', GOLD: '100.00' });
    const to = await server.wallet('to');
    const calls = [
      [`/v1/wallets/${from}/withdraw-funds`, { amount: '1', currency: 'GEMS' }],
      ['/v1/transfers', { fromAccountId: from, toAccountId: to, amount: '2', currency: 'GEMS' }],
      [
        `/v1/wallets/${from}/exchange`,
        { from: { currency: 'GOLD', amount: '1.00' }, to: { currency: 'GEMS', amount: '3' } },
      ],
    ] as const;
    for (const [index, [path, json]] of calls.entries()) {
      const headers = { 'idempotency-key': `op-${index}` };
      const first = await server.call(path, { json, headers });
      const retry = await server.call(path, { json, headers });
      expect([path, first.status, first.body.replayed]).toEqual([path, 200, false]);
      expect([path, retry.status, retry.body.replayed]).toEqual([path, 200, true]);
      expect(retry.body.transactionId).toBe(first.body.transactionId);
    }
    expect(await gems(from)).toBe(String(100 - 1 - 2 + 3));
    expect(await gems(to)).toBe('2');
  });

  it('the body idempotencyKey is accepted when no header is sent', async () => {
    const accountId = await server.wallet();
    const json = { amount: '4', currency: 'GEMS', idempotencyKey: 'body-key' };
    await server.call(`/v1/wallets/${accountId}/add-funds`, { json });
    const retry = await server.call(`/v1/wallets/${accountId}/add-funds`, { json });
    expect(retry.body.replayed).toBe(true);
    expect(await gems(accountId)).toBe('4');
  });

  it('the header wins over the body idempotencyKey', async () => {
    const accountId = await server.wallet();
    const first = await server.call(`/v1/wallets/${accountId}/add-funds`, {
      json: { amount: '1', currency: 'GEMS', idempotencyKey: 'from-body' },
      headers: { 'idempotency-key': 'from-header' },
    });
    expect(first.body.replayed).toBe(false);
    const byHeader = await server.call(`/v1/wallets/${accountId}/add-funds`, {
      json: { amount: '1', currency: 'GEMS' },
      headers: { 'idempotency-key': 'from-header' },
    });
    expect(byHeader.body.replayed).toBe(true);
    const byBody = await server.call(`/v1/wallets/${accountId}/add-funds`, {
      json: { amount: '1', currency: 'GEMS', idempotencyKey: 'from-body' },
    });
    expect(byBody.body.replayed).toBe(false);
    expect(await gems(accountId)).toBe('2');
  });

  it('the same key with a different amount is 422 IDEMPOTENCY_KEY_REUSED and writes nothing', async () => {
    const accountId = await server.wallet();
    const headers = { 'idempotency-key': 'order-9' };
    await server.call(`/v1/wallets/${accountId}/add-funds`, {
      json: { amount: '1', currency: 'GEMS' },
      headers,
    });
    const reused = await server.call(`/v1/wallets/${accountId}/add-funds`, {
      json: { amount: '2', currency: 'GEMS' },
      headers,
    });
    expect(reused.status).toBe(422);
    expect(reused.body.error).toMatchObject({
      code: 'IDEMPOTENCY_KEY_REUSED',
      details: { idempotencyKey: 'order-9' },
    });
    expect(await gems(accountId)).toBe('1');
  });

  it('concurrent retries with one key over HTTP credit once', async () => {
    const accountId = await server.wallet();
    const replies = await Promise.all(
      Array.from({ length: 20 }, () =>
        server.call(`/v1/wallets/${accountId}/add-funds`, {
          json: { amount: '7', currency: 'GEMS' },
          headers: { 'idempotency-key': 'burst' },
        }),
      ),
    );
    expect(replies.every((r) => r.status === 200)).toBe(true);
    expect(replies.filter((r) => r.body.replayed === false)).toHaveLength(1);
    expect(await gems(accountId)).toBe('7');
  });

  it('an empty Idempotency-Key header is 400 VALIDATION_ERROR, not an absent key', async () => {
    const accountId = await server.wallet();
    const reply = await server.call(`/v1/wallets/${accountId}/add-funds`, {
      json: { amount: '1', currency: 'GEMS' },
      headers: { 'idempotency-key': '' },
    });
    expect([reply.status, reply.body.error.code]).toEqual([400, 'VALIDATION_ERROR']);
  });
});
