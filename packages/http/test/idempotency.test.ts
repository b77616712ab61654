import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PLAYER_ACCOUNT, startServer, type TestServer, TOKENS } from './support.js';

let server: TestServer;
beforeAll(async () => {
  server = await startServer();
  await server.service.createWallet({ accountId: PLAYER_ACCOUNT });
  await server.service.addFunds({ accountId: PLAYER_ACCOUNT, amount: '100', currency: 'GEMS' });
});
afterAll(() => server.close());

const gems = async (accountId: string): Promise<string> =>
  (await server.service.getFunds({ accountId })).balances.GEMS ?? '';

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

  it('a key sent both as a header and in the body is one key: equal, it is used; different, 400', async () => {
    const accountId = await server.wallet();
    const first = await server.call(`/v1/wallets/${accountId}/add-funds`, {
      json: { amount: '1', currency: 'GEMS', idempotencyKey: 'same-key' },
      headers: { 'idempotency-key': 'same-key' },
    });
    expect(first.body.replayed).toBe(false);
    const byHeader = await server.call(`/v1/wallets/${accountId}/add-funds`, {
      json: { amount: '1', currency: 'GEMS' },
      headers: { 'idempotency-key': 'same-key' },
    });
    const byBody = await server.call(`/v1/wallets/${accountId}/add-funds`, {
      json: { amount: '1', currency: 'GEMS', idempotencyKey: 'same-key' },
    });
    expect([byHeader.body.replayed, byBody.body.replayed]).toEqual([true, true]);
    const differ = await server.call(`/v1/wallets/${accountId}/add-funds`, {
      json: { amount: '1', currency: 'GEMS', idempotencyKey: 'from-body' },
      headers: { 'idempotency-key': 'from-header' },
    });
    expect([differ.status, differ.body.error.code]).toEqual([400, 'VALIDATION_ERROR']);
    expect(await gems(accountId)).toBe('1');
  });

  it('a key outside printable ASCII is 400 VALIDATION_ERROR as a header and in the body alike (ordér-1)', async () => {
    const accountId = await server.wallet();
    // A header carries bytes: the UTF-8 of "é" arrives as two Latin-1 characters.
    const asHeader = await fetch(`${server.url}/v1/wallets/${accountId}/add-funds`, {
      method: 'POST',
      headers: {
        authorization: `Bearer ${TOKENS.admin}`,
        'content-type': 'application/json',
        'idempotency-key': Buffer.from('ordér-1', 'utf8').toString('latin1'),
      },
      body: JSON.stringify({ amount: '1', currency: 'GEMS' }),
    });
    const inBody = await server.call(`/v1/wallets/${accountId}/add-funds`, {
      json: { amount: '1', currency: 'GEMS', idempotencyKey: 'ordér-1' },
    });
    expect([
      asHeader.status,
      ((await asHeader.json()) as { error: { code: string } }).error.code,
    ]).toEqual([400, 'VALIDATION_ERROR']);
    expect([inBody.status, inBody.body.error.code]).toEqual([400, 'VALIDATION_ERROR']);
    for (const key of ['k-\ud800', 'with space', 'tab\tkey', 'x'.repeat(256)]) {
      const reply = await server.call(`/v1/wallets/${accountId}/add-funds`, {
        json: { amount: '1', currency: 'GEMS', idempotencyKey: key },
      });
      expect([key, reply.status, reply.body.error.code]).toEqual([key, 400, 'VALIDATION_ERROR']);
    }
    expect(await gems(accountId)).toBe('0');
  });

  it('a player never blocks, replays or detects a key the storefront uses, even on its own wallet', async () => {
    const before = BigInt(await gems(PLAYER_ACCOUNT));
    // The player guesses the storefront's next receipt id and uses it first.
    const squat = await server.call(`/v1/wallets/${PLAYER_ACCOUNT}/withdraw-funds`, {
      token: 'player',
      json: { amount: '1', currency: 'GEMS' },
      headers: { 'idempotency-key': 'receipt-777' },
    });
    expect(squat.status).toBe(200);
    // The storefront's credit with that receipt id still applies.
    const credit = await server.call(`/v1/wallets/${PLAYER_ACCOUNT}/add-funds`, {
      token: 'creditor',
      json: { amount: '10', currency: 'GEMS' },
      headers: { 'idempotency-key': 'receipt-777' },
    });
    expect([credit.status, credit.body.replayed]).toEqual([200, false]);
    // A key the server used is new to the player: no 422 tells the player it exists.
    await server.call(`/v1/wallets/${PLAYER_ACCOUNT}/withdraw-funds`, {
      token: 'debitor',
      json: { amount: '2', currency: 'GEMS' },
      headers: { 'idempotency-key': 'shop-order-5' },
    });
    const probe = await server.call(`/v1/wallets/${PLAYER_ACCOUNT}/withdraw-funds`, {
      token: 'player',
      json: { amount: '3', currency: 'GEMS' },
      headers: { 'idempotency-key': 'shop-order-5' },
    });
    expect([probe.status, probe.body.replayed]).toEqual([200, false]);
    // Each side's retry replays its own call.
    const retry = await server.call(`/v1/wallets/${PLAYER_ACCOUNT}/withdraw-funds`, {
      token: 'player',
      json: { amount: '1', currency: 'GEMS' },
      headers: { 'idempotency-key': 'receipt-777' },
    });
    expect([retry.body.replayed, retry.body.transactionId]).toEqual([
      true,
      squat.body.transactionId,
    ]);
    expect(BigInt(await gems(PLAYER_ACCOUNT))).toBe(before - 1n + 10n - 2n - 3n);
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
