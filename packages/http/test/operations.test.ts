import { WalletError, type WalletService } from '@wallet/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PLAYER_ACCOUNT, type Reply, startServer, type TestServer } from './support.js';

// Reversals, holds, postings, wallet listing and transaction reads over a real server.

let server: TestServer;
beforeAll(async () => {
  server = await startServer();
  await server.service.createWallet({ accountId: PLAYER_ACCOUNT });
  await server.service.addFunds({ accountId: PLAYER_ACCOUNT, amount: '1000', currency: 'GEMS' });
});
afterAll(() => server.close());

/** The error the service itself throws for an input, as the API would render it. */
async function serviceError(call: () => Promise<unknown>) {
  try {
    await call();
  } catch (error) {
    if (error instanceof WalletError) {
      return {
        code: error.code,
        message: error.message,
        ...(error.details === undefined ? {} : { details: error.details }),
      };
    }
    throw error;
  }
  throw new Error('the service accepted the input');
}

function expectError(reply: Reply, status: number, code: string): void {
  expect([reply.status, reply.body?.error?.code]).toEqual([status, code]);
}

async function placeHold(accountId: string, amount: string, currency = 'GEMS') {
  return server.service.placeHold({ accountId, amount, currency });
}

async function holdStatus(holdId: string): Promise<string> {
  return (await server.service.getHold({ holdId })).status;
}

describe('GET /v1/wallets', () => {
  it('lists wallets by account id with their balances and holds, a page at a time', async () => {
    const ids: string[] = [];
    for (let i = 0; i < 5; i++) ids.push(await server.wallet('listing', { GOLD: `${i + 1}.00` }));
    await placeHold(ids[0]!, '0.50', 'GOLD');
    const seen: string[] = [];
    let path = '/v1/wallets?prefix=listing-&limit=2';
    for (let pages = 0; pages < 5; pages++) {
      const reply = await server.call(path);
      expect(reply.status).toBe(200);
      expect(reply.body.items.length).toBeLessThanOrEqual(2);
      seen.push(...reply.body.items.map((wallet: { accountId: string }) => wallet.accountId));
      if (reply.body.nextCursor === null) break;
      path = `/v1/wallets?prefix=listing-&limit=2&cursor=${encodeURIComponent(reply.body.nextCursor)}`;
    }
    expect(seen).toEqual([...ids].sort());
    const first = await server.call(`/v1/wallets?prefix=${ids[0]}`);
    expect(first.body.items[0]).toMatchObject({
      accountId: ids[0],
      balances: { GOLD: '1.00', GEMS: '0', TOKENS: '0' },
      held: { GOLD: '0.50', GEMS: '0', TOKENS: '0' },
    });
  });

  it('without a query lists from the first account id, 50 at most', async () => {
    const reply = await server.call('/v1/wallets');
    expect(reply.status).toBe(200);
    expect(reply.body.items.length).toBeGreaterThan(0);
    expect(reply.body.items.length).toBeLessThanOrEqual(50);
    const ids = reply.body.items.map((wallet: { accountId: string }) => wallet.accountId);
    expect(ids).toEqual([...ids].sort());
  });

  it('shares its path with POST /v1/wallets, which still creates', async () => {
    const accountId = server.account('made');
    const created = await server.call('/v1/wallets', { json: { accountId } });
    expect(created.status).toBe(201);
    const listed = await server.call(`/v1/wallets?prefix=${accountId}`);
    expect(listed.body.items.map((w: { accountId: string }) => w.accountId)).toEqual([accountId]);
    const other = await server.call('/v1/wallets', { method: 'DELETE' });
    expect(other.status).toBe(405);
    expect(other.headers.get('allow')).toContain('GET');
    expect(other.headers.get('allow')).toContain('POST');
  });

  it.each([
    ['limit=0', 'limit'],
    ['limit=1001', 'limit'],
    ['limit=ten', 'limit'],
    ['prefix=a%20b', 'prefix'],
    [`prefix=${'a'.repeat(129)}`, 'prefix'],
    ['cursor=not-a-cursor', 'cursor'],
    ['order=asc', 'order'],
  ])('?%s is 400 VALIDATION_ERROR naming %s', async (query, field) => {
    const reply = await server.call(`/v1/wallets?${query}`);
    expectError(reply, 400, 'VALIDATION_ERROR');
    expect(reply.body.error.details).toEqual({ field });
  });

  it('a cursor reused with another prefix is 400 VALIDATION_ERROR', async () => {
    await server.wallet('cursored');
    await server.wallet('cursored');
    const first = await server.call('/v1/wallets?prefix=cursored-&limit=1');
    const reused = await server.call(
      `/v1/wallets?prefix=listing-&limit=1&cursor=${encodeURIComponent(first.body.nextCursor)}`,
    );
    expectError(reused, 400, 'VALIDATION_ERROR');
  });

  it('needs admin: read, debit and account-limited tokens are 403', async () => {
    for (const token of ['reader', 'debitor', 'creditor', 'player'] as const) {
      const reply = await server.call('/v1/wallets', { token });
      expectError(reply, 403, 'FORBIDDEN');
      expect(reply.body.error.details).toEqual({ scope: 'admin' });
    }
  });
});

describe('GET /v1/transactions/{transactionId}', () => {
  it('answers every entry of a transaction, debits first, and what reversed it', async () => {
    const from = await server.wallet('tx-from', { GEMS: '10' });
    const to = await server.wallet('tx-to');
    const transfer = await server.service.transfer({
      fromAccountId: from,
      toAccountId: to,
      amount: '4',
      currency: 'GEMS',
    });
    const reply = await server.call(`/v1/transactions/${transfer.transactionId}`, {
      token: 'reader',
    });
    expect(reply.status).toBe(200);
    expect(reply.body).toMatchObject({
      transactionId: transfer.transactionId,
      txTime: transfer.txTime,
      reversedBy: [],
    });
    expect(
      reply.body.entries.map((e: { accountId: string; type: string }) => [e.accountId, e.type]),
    ).toEqual([
      [from, 'TRANSFER_OUT'],
      [to, 'TRANSFER_IN'],
    ]);
    expect(reply.body.entries[0].hash).toMatch(/^[0-9a-f]{64}$/);

    const reversal = await server.service.reverseTransaction({
      transactionId: transfer.transactionId,
      reason: 'support ticket 12',
    });
    const after = await server.call(`/v1/transactions/${transfer.transactionId}`);
    expect(after.body.reversedBy).toEqual([reversal.transactionId]);
    const reversed = await server.call(`/v1/transactions/${reversal.transactionId}`);
    expect(reversed.body.entries).toEqual([
      expect.objectContaining({
        accountId: to,
        type: 'REVERSAL_DEBIT',
        reverses: transfer.transactionId,
        reason: 'support ticket 12',
      }),
      expect.objectContaining({ accountId: from, type: 'REVERSAL_CREDIT' }),
    ]);
  });

  it('is 404 TRANSACTION_NOT_FOUND for an unknown id, 400 for a malformed one', async () => {
    const unknown = await server.call('/v1/transactions/0193b0c2-7d1e-7a4b-9c1f-2e3d4c5b6a79');
    expectError(unknown, 404, 'TRANSACTION_NOT_FOUND');
    expect(unknown.body.error.details).toEqual({
      transactionId: '0193b0c2-7d1e-7a4b-9c1f-2e3d4c5b6a79',
    });
    const long = await server.call(`/v1/transactions/${'t'.repeat(65)}`);
    expectError(long, 400, 'VALIDATION_ERROR');
    expect(long.body.error.details).toEqual({ field: 'transactionId' });
  });

  it('needs read: credit and debit tokens are 403', async () => {
    const credit = await server.service.addFunds({
      accountId: await server.wallet('tx-scope'),
      amount: '1',
    });
    for (const token of ['creditor', 'debitor'] as const) {
      const reply = await server.call(`/v1/transactions/${credit.transactionId}`, { token });
      expectError(reply, 403, 'FORBIDDEN');
    }
  });

  it('an account-limited caller reads a transaction with an entry on its account, all of it', async () => {
    const other = await server.wallet('tx-peer');
    const gift = await server.service.transfer({
      fromAccountId: PLAYER_ACCOUNT,
      toAccountId: other,
      amount: '5',
      currency: 'GEMS',
    });
    const sent = await server.call(`/v1/transactions/${gift.transactionId}`, { token: 'player' });
    expect(sent.status).toBe(200);
    expect(sent.body.entries.map((e: { accountId: string }) => e.accountId)).toEqual([
      PLAYER_ACCOUNT,
      other,
    ]);
    const back = await server.service.transfer({
      fromAccountId: other,
      toAccountId: PLAYER_ACCOUNT,
      amount: '1',
      currency: 'GEMS',
    });
    const received = await server.call(`/v1/transactions/${back.transactionId}`, {
      token: 'player',
    });
    expect(received.status).toBe(200);
  });

  it('an account-limited caller is 403 for a transaction of other wallets only, 404 for an unknown one', async () => {
    const stranger = await server.wallet('tx-stranger');
    const credit = await server.service.addFunds({ accountId: stranger, amount: '1' });
    const reply = await server.call(`/v1/transactions/${credit.transactionId}`, {
      token: 'player',
    });
    expectError(reply, 403, 'FORBIDDEN');
    expect(reply.body.error.details).toEqual({ found: 'entries.accountId' });
    expect(reply.text).not.toContain(stranger);
    const unknown = await server.call('/v1/transactions/no-such-transaction', { token: 'player' });
    expectError(unknown, 404, 'TRANSACTION_NOT_FOUND');
  });
});

describe('POST /v1/transactions/{transactionId}/reverse', () => {
  it('reverses a credit in full, and replays with the same key', async () => {
    const accountId = await server.wallet('rev');
    const credit = await server.service.addFunds({ accountId, amount: '12.50' });
    const reply = await server.call(`/v1/transactions/${credit.transactionId}/reverse`, {
      json: { reason: 'chargeback 77', metadata: { ticket: 77 } },
      headers: { 'Idempotency-Key': 'chargeback-77' },
    });
    expect(reply.status).toBe(200);
    expect(reply.body).toMatchObject({
      reverses: credit.transactionId,
      replayed: false,
      legs: [
        {
          accountId,
          currency: 'GOLD',
          amount: '12.50',
          previousBalance: '12.50',
          currentBalance: '0.00',
        },
      ],
    });
    const again = await server.call(`/v1/transactions/${credit.transactionId}/reverse`, {
      json: { reason: 'chargeback 77', metadata: { ticket: 77 } },
      headers: { 'Idempotency-Key': 'chargeback-77' },
    });
    expect(again.status).toBe(200);
    expect(again.body).toEqual({ ...reply.body, replayed: true });
    const entries = await server.service.getTransactionHistory({ accountId });
    expect(entries.items.map((e) => e.type)).toEqual(['REVERSAL_DEBIT', 'CREDIT']);
  });

  it('reverses a transfer in part, then the rest; a third time is 400', async () => {
    const from = await server.wallet('rev-from', { GEMS: '10' });
    const to = await server.wallet('rev-to');
    const transfer = await server.service.transfer({
      fromAccountId: from,
      toAccountId: to,
      amount: '6',
      currency: 'GEMS',
    });
    const part = await server.call(`/v1/transactions/${transfer.transactionId}/reverse`, {
      json: { amount: '2' },
    });
    expect(part.status).toBe(200);
    // In the original's order: the sender's leg, then the receiver's.
    expect(part.body.legs).toEqual([
      { accountId: from, currency: 'GEMS', amount: '2', previousBalance: '4', currentBalance: '6' },
      { accountId: to, currency: 'GEMS', amount: '2', previousBalance: '6', currentBalance: '4' },
    ]);
    const over = await server.call(`/v1/transactions/${transfer.transactionId}/reverse`, {
      json: { amount: '5' },
    });
    expectError(over, 400, 'VALIDATION_ERROR');
    expect(over.body.error.details).toEqual({ field: 'amount' });
    const rest = await server.call(`/v1/transactions/${transfer.transactionId}/reverse`, {
      json: {},
    });
    expect(rest.status).toBe(200);
    expect(rest.body.legs[1]).toMatchObject({ accountId: to, amount: '4', currentBalance: '0' });
    const twice = await server.call(`/v1/transactions/${transfer.transactionId}/reverse`, {
      json: {},
    });
    expectError(twice, 400, 'VALIDATION_ERROR');
    expect(twice.body.error.details).toEqual({ field: 'transactionId' });
    expect((await server.service.getFunds({ accountId: from })).balances.GEMS).toBe('10');
  });

  it('a reversal is never reversed (400), and a reversal over the amount is 400', async () => {
    const accountId = await server.wallet('rev-rev', { GEMS: '9' });
    const debit = await server.service.withdrawFunds({ accountId, amount: '3', currency: 'GEMS' });
    const over = await server.call(`/v1/transactions/${debit.transactionId}/reverse`, {
      json: { amount: '4' },
    });
    expectError(over, 400, 'VALIDATION_ERROR');
    expect(over.body.error.message).toContain('exceeds');
    const reversal = await server.call(`/v1/transactions/${debit.transactionId}/reverse`, {
      json: {},
    });
    expect(reversal.status).toBe(200);
    const back = await server.call(`/v1/transactions/${reversal.body.transactionId}/reverse`, {
      json: {},
    });
    expectError(back, 400, 'VALIDATION_ERROR');
    expect((await server.service.getFunds({ accountId })).balances.GEMS).toBe('9');
  });

  it('a clawback below the minimum balance is 422 INSUFFICIENT_FUNDS and writes nothing', async () => {
    const accountId = await server.wallet('rev-spent');
    const credit = await server.service.addFunds({ accountId, amount: '10', currency: 'GEMS' });
    await server.service.withdrawFunds({ accountId, amount: '8', currency: 'GEMS' });
    const reply = await server.call(`/v1/transactions/${credit.transactionId}/reverse`, {
      json: {},
    });
    expectError(reply, 422, 'INSUFFICIENT_FUNDS');
    expect((await server.service.getFunds({ accountId })).version).toBe(2);
  });

  it('is 404 TRANSACTION_NOT_FOUND for an unknown transaction', async () => {
    const reply = await server.call('/v1/transactions/no-such-transaction/reverse', { json: {} });
    expectError(reply, 404, 'TRANSACTION_NOT_FOUND');
  });

  it('needs admin: read, debit, credit and account-limited tokens are 403 and write nothing', async () => {
    const accountId = await server.wallet('rev-scope');
    const credit = await server.service.addFunds({ accountId, amount: '1' });
    const own = await server.service.withdrawFunds({
      accountId: PLAYER_ACCOUNT,
      amount: '1',
      currency: 'GEMS',
    });
    for (const [token, transactionId] of [
      ['reader', credit.transactionId],
      ['debitor', credit.transactionId],
      ['creditor', credit.transactionId],
      ['player', own.transactionId],
    ] as const) {
      const reply = await server.call(`/v1/transactions/${transactionId}/reverse`, {
        token,
        json: {},
      });
      expectError(reply, 403, 'FORBIDDEN');
      expect(reply.body.error.details).toEqual({ scope: 'admin' });
    }
    const details = await server.service.getTransaction({ transactionId: own.transactionId });
    expect(details.reversedBy).toEqual([]);
  });

  it.each([
    ['a boolean amount', 'INVALID_AMOUNT', 'amount', { amount: true }],
    ['a numeric reason', 'VALIDATION_ERROR', 'reason', { reason: 5 }],
    ['an empty reason', 'VALIDATION_ERROR', 'reason', { reason: '' }],
    ['a reason of 501 characters', 'VALIDATION_ERROR', 'reason', { reason: 'r'.repeat(501) }],
    ['metadata that is a list', 'VALIDATION_ERROR', 'metadata', { metadata: [1] }],
    ['an unknown field', 'VALIDATION_ERROR', 'why', { amount: '1', why: 'x' }],
  ])('%s is 400 %s naming %s', async (_name, code, field, json) => {
    const accountId = await server.wallet('rev-bad');
    const credit = await server.service.addFunds({ accountId, amount: '5' });
    const reply = await server.call(`/v1/transactions/${credit.transactionId}/reverse`, { json });
    expectError(reply, 400, code);
    expect(reply.body.error.details).toMatchObject({ field });
    expect((await server.service.getFunds({ accountId })).balances.GOLD).toBe('5.00');
  });

  it('a request without a body (and without a content type) reverses all that is left', async () => {
    const accountId = await server.wallet('rev-nobody');
    const credit = await server.service.addFunds({ accountId, amount: '5' });
    const reply = await server.call(`/v1/transactions/${credit.transactionId}/reverse`, {
      method: 'POST',
    });
    expect(reply.status).toBe(200);
    expect(reply.body.legs).toEqual([
      {
        accountId,
        currency: 'GOLD',
        amount: '5.00',
        previousBalance: '5.00',
        currentBalance: '0.00',
      },
    ]);
    const empty = await server.call(`/v1/transactions/${credit.transactionId}/reverse`, {
      body: '',
    });
    expectError(empty, 400, 'VALIDATION_ERROR');
  });
});

describe('holds', () => {
  it('a debit token places a hold (201): the wallet shows it held, and debits may spend only the rest', async () => {
    const accountId = await server.wallet('hold', { GOLD: '20.00' });
    const reply = await server.call(`/v1/wallets/${accountId}/holds`, {
      token: 'debitor',
      json: { amount: '15', currency: 'GOLD', expiresInSeconds: 600, metadata: { order: 'o-1' } },
    });
    expect(reply.status).toBe(201);
    expect(reply.body).toMatchObject({
      accountId,
      currency: 'GOLD',
      amount: '15.00',
      status: 'active',
      available: '5.00',
      replayed: false,
    });
    expect(Date.parse(reply.body.expiresAt) - Date.parse(reply.body.txTime)).toBe(600_000);
    const wallet = await server.call(`/v1/wallets/${accountId}`);
    expect(wallet.body).toMatchObject({ balances: { GOLD: '20.00' }, held: { GOLD: '15.00' } });
    const spend = await server.call(`/v1/wallets/${accountId}/withdraw-funds`, {
      token: 'debitor',
      json: { amount: '6' },
    });
    expectError(spend, 422, 'INSUFFICIENT_FUNDS');
  });

  it('a hold retried with its key replays (201, replayed) and holds once', async () => {
    const accountId = await server.wallet('hold-key', { GEMS: '10' });
    const request = {
      json: { amount: '4', currency: 'GEMS' },
      headers: { 'Idempotency-Key': 'entry-fee-1' },
    };
    const first = await server.call(`/v1/wallets/${accountId}/holds`, request);
    const again = await server.call(`/v1/wallets/${accountId}/holds`, request);
    expect([first.status, again.status]).toEqual([201, 201]);
    expect(again.body).toEqual({ ...first.body, replayed: true });
    expect((await server.service.getFunds({ accountId })).held.GEMS).toBe('4');
  });

  it('a hold over the available balance is 422 INSUFFICIENT_FUNDS; on a missing wallet 404', async () => {
    const accountId = await server.wallet('hold-short', { GEMS: '3' });
    const reply = await server.call(`/v1/wallets/${accountId}/holds`, {
      json: { amount: '4', currency: 'GEMS' },
    });
    expectError(reply, 422, 'INSUFFICIENT_FUNDS');
    const missing = await server.call('/v1/wallets/nobody-holds/holds', { json: { amount: '1' } });
    expectError(missing, 404, 'WALLET_NOT_FOUND');
  });

  it('captures part of a hold to another wallet and releases the rest; capturing twice is 409 HOLD_NOT_ACTIVE', async () => {
    const accountId = await server.wallet('cap', { GEMS: '50' });
    const pool = await server.wallet('cap-pool');
    const hold = await placeHold(accountId, '30');
    const reply = await server.call(`/v1/holds/${hold.holdId}/capture`, {
      token: 'debitor',
      json: { amount: '20', toAccountId: pool, metadata: { match: 'm-9' } },
    });
    expect(reply.status).toBe(200);
    expect(reply.body).toMatchObject({
      holdId: hold.holdId,
      replayed: false,
      captured: '20',
      released: '10',
      from: { accountId, previousBalance: '50', currentBalance: '30' },
      to: { accountId: pool, previousBalance: '0', currentBalance: '20' },
    });
    const twice = await server.call(`/v1/holds/${hold.holdId}/capture`, {
      token: 'debitor',
      json: {},
    });
    expectError(twice, 409, 'HOLD_NOT_ACTIVE');
    expect(twice.body.error.details).toEqual({ holdId: hold.holdId, status: 'captured' });
    const release = await server.call(`/v1/holds/${hold.holdId}/release`, {
      method: 'POST',
      token: 'debitor',
    });
    expectError(release, 409, 'HOLD_NOT_ACTIVE');
    expect(await server.service.getFunds({ accountId })).toMatchObject({
      balances: { GEMS: '30' },
      held: { GEMS: '0' },
    });
  });

  it('captures a whole hold out of the economy, and replays the capture with its key', async () => {
    const accountId = await server.wallet('cap-all', { GEMS: '8' });
    const hold = await placeHold(accountId, '5');
    const request = { json: {}, headers: { 'Idempotency-Key': 'purchase-5' } };
    const reply = await server.call(`/v1/holds/${hold.holdId}/capture`, request);
    expect(reply.status).toBe(200);
    expect(reply.body).toMatchObject({ captured: '5', released: '0', to: null });
    const again = await server.call(`/v1/holds/${hold.holdId}/capture`, request);
    expect(again.body).toEqual({ ...reply.body, replayed: true });
  });

  it('releases a hold with no body at all, or with a key in the body', async () => {
    const accountId = await server.wallet('rel', { GEMS: '10' });
    const hold = await placeHold(accountId, '6');
    const reply = await server.call(`/v1/holds/${hold.holdId}/release`, {
      method: 'POST',
      token: 'debitor',
    });
    expect(reply.status).toBe(200);
    expect(reply.body).toMatchObject({
      holdId: hold.holdId,
      accountId,
      amount: '6',
      status: 'released',
      available: '10',
      replayed: false,
    });
    const second = await placeHold(accountId, '2');
    const keyed = await server.call(`/v1/holds/${second.holdId}/release`, {
      json: { idempotencyKey: 'release-2' },
    });
    const again = await server.call(`/v1/holds/${second.holdId}/release`, {
      json: { idempotencyKey: 'release-2' },
    });
    expect(keyed.status).toBe(200);
    expect(again.body).toEqual({ ...keyed.body, replayed: true });
    const twice = await server.call(`/v1/holds/${hold.holdId}/release`, { json: {} });
    expectError(twice, 409, 'HOLD_NOT_ACTIVE');
  });

  it('an unknown hold is 404 HOLD_NOT_FOUND for capture and release', async () => {
    for (const action of ['capture', 'release']) {
      const reply = await server.call(`/v1/holds/no-such-hold/${action}`, { json: {} });
      expectError(reply, 404, 'HOLD_NOT_FOUND');
      expect(reply.body.error.details).toEqual({ holdId: 'no-such-hold' });
    }
  });

  it('needs debit: read, credit and transfer tokens are 403 and hold nothing', async () => {
    const accountId = await server.wallet('hold-scope', { GEMS: '10' });
    const hold = await placeHold(accountId, '1');
    for (const token of ['reader', 'creditor', 'transferer'] as const) {
      const replies = [
        await server.call(`/v1/wallets/${accountId}/holds`, { token, json: { amount: '1' } }),
        await server.call(`/v1/holds/${hold.holdId}/capture`, { token, json: {} }),
        await server.call(`/v1/holds/${hold.holdId}/release`, { token, json: {} }),
      ];
      for (const reply of replies) {
        expectError(reply, 403, 'FORBIDDEN');
        expect(reply.body.error.details).toEqual({ scope: 'debit' });
      }
    }
    expect(await holdStatus(hold.holdId)).toBe('active');
    expect((await server.service.getFunds({ accountId })).held.GEMS).toBe('1');
  });

  it.each([
    ['a missing amount', 'INVALID_AMOUNT', 'amount', { currency: 'GEMS' }],
    ['a boolean amount', 'INVALID_AMOUNT', 'amount', { amount: false }],
    ['a numeric currency', 'UNKNOWN_CURRENCY', undefined, { amount: '1', currency: 3 }],
    [
      'expiresInSeconds as text',
      'VALIDATION_ERROR',
      'expiresInSeconds',
      { amount: '1', expiresInSeconds: '60' },
    ],
    [
      'expiresInSeconds of 0',
      'VALIDATION_ERROR',
      'expiresInSeconds',
      { amount: '1', expiresInSeconds: 0 },
    ],
    [
      'expiresInSeconds over 7 days',
      'VALIDATION_ERROR',
      'expiresInSeconds',
      { amount: '1', expiresInSeconds: 604_801 },
    ],
    [
      'expiresInSeconds of 1.5',
      'VALIDATION_ERROR',
      'expiresInSeconds',
      { amount: '1', expiresInSeconds: 1.5 },
    ],
    ['an unknown field', 'VALIDATION_ERROR', 'ttl', { amount: '1', ttl: 60 }],
  ])('placing a hold with %s is 400 %s', async (_name, code, field, json) => {
    const accountId = await server.wallet('hold-bad', { GEMS: '10' });
    const reply = await server.call(`/v1/wallets/${accountId}/holds`, { json });
    expectError(reply, 400, code);
    if (field) expect(reply.body.error.details).toMatchObject({ field });
    expect((await server.service.getFunds({ accountId })).held.GEMS).toBe('0');
  });

  it.each([
    ['a numeric toAccountId', 'INVALID_ACCOUNT_ID', 'toAccountId', { toAccountId: 5 }],
    ['a malformed toAccountId', 'INVALID_ACCOUNT_ID', 'toAccountId', { toAccountId: 'a b' }],
    ['the holder as toAccountId', 'VALIDATION_ERROR', 'toAccountId', 'holder'],
    ['an amount over the hold', 'VALIDATION_ERROR', 'amount', { amount: '4' }],
    ['an array amount', 'INVALID_AMOUNT', 'amount', { amount: ['1'] }],
    ['an unknown field', 'VALIDATION_ERROR', 'to', { to: 'x' }],
  ])(
    'capturing with %s is 400 %s naming %s, and leaves the hold active',
    async (_name, code, field, json) => {
      const accountId = await server.wallet('cap-bad', { GEMS: '10' });
      const hold = await placeHold(accountId, '3');
      const reply = await server.call(`/v1/holds/${hold.holdId}/capture`, {
        json: json === 'holder' ? { toAccountId: accountId } : json,
      });
      expectError(reply, 400, code);
      expect(reply.body.error.details).toMatchObject({ field });
      expect(await holdStatus(hold.holdId)).toBe('active');
    },
  );

  it('releasing with an unknown field or a body that is not an object is 400', async () => {
    const accountId = await server.wallet('rel-bad', { GEMS: '10' });
    const hold = await placeHold(accountId, '3');
    const unknown = await server.call(`/v1/holds/${hold.holdId}/release`, {
      json: { amount: '1' },
    });
    expectError(unknown, 400, 'VALIDATION_ERROR');
    expect(unknown.body.error.details).toEqual({ field: 'amount' });
    const list = await server.call(`/v1/holds/${hold.holdId}/release`, { json: [] });
    expectError(list, 400, 'VALIDATION_ERROR');
    const text = await server.call(`/v1/holds/${hold.holdId}/release`, {
      body: 'release',
      headers: { 'content-type': 'text/plain' },
    });
    expectError(text, 415, 'UNSUPPORTED_MEDIA_TYPE');
    expect(await holdStatus(hold.holdId)).toBe('active');
  });
});

describe('holds with an account-limited token', () => {
  it('places a hold on its own wallet, and is 403 on another', async () => {
    const own = await server.call(`/v1/wallets/${PLAYER_ACCOUNT}/holds`, {
      token: 'player',
      json: { amount: '5', currency: 'GEMS' },
    });
    expect(own.status).toBe(201);
    const other = await server.wallet('lim-other', { GEMS: '10' });
    const reply = await server.call(`/v1/wallets/${other}/holds`, {
      token: 'player',
      json: { amount: '5', currency: 'GEMS' },
    });
    expectError(reply, 403, 'FORBIDDEN');
    expect(reply.body.error.details).toEqual({ field: 'accountId' });
    expect((await server.service.getFunds({ accountId: other })).held.GEMS).toBe('0');
  });

  it('captures and releases its own holds', async () => {
    const captured = await placeHold(PLAYER_ACCOUNT, '2');
    const capture = await server.call(`/v1/holds/${captured.holdId}/capture`, {
      token: 'player',
      json: { amount: '1' },
    });
    expect(capture.status).toBe(200);
    expect(capture.body).toMatchObject({ captured: '1', released: '1', to: null });
    const released = await placeHold(PLAYER_ACCOUNT, '2');
    const release = await server.call(`/v1/holds/${released.holdId}/release`, {
      method: 'POST',
      token: 'player',
    });
    expect(release.status).toBe(200);
    expect(release.body.status).toBe('released');
  });

  it('never captures to another account: 403, even on its own hold, and the hold stays active', async () => {
    const other = await server.wallet('lim-to');
    const hold = await placeHold(PLAYER_ACCOUNT, '3');
    for (const toAccountId of [other, PLAYER_ACCOUNT]) {
      const reply = await server.call(`/v1/holds/${hold.holdId}/capture`, {
        token: 'player',
        json: { toAccountId },
      });
      expectError(reply, 403, 'FORBIDDEN');
      expect(reply.body.error.details).toEqual({ field: 'toAccountId' });
    }
    expect(await holdStatus(hold.holdId)).toBe('active');
    expect((await server.service.getFunds({ accountId: other })).balances.GEMS).toBe('0');
  });

  it("is 403 capturing or releasing another account's hold, which stays active", async () => {
    const other = await server.wallet('lim-holder', { GEMS: '10' });
    const hold = await placeHold(other, '4');
    for (const action of ['capture', 'release']) {
      const reply = await server.call(`/v1/holds/${hold.holdId}/${action}`, {
        token: 'player',
        json: {},
      });
      expectError(reply, 403, 'FORBIDDEN');
      expect(reply.body.error.details).toEqual({ found: 'accountId' });
    }
    expect(await holdStatus(hold.holdId)).toBe('active');
    expect(await server.service.getFunds({ accountId: other })).toMatchObject({
      balances: { GEMS: '10' },
      held: { GEMS: '4' },
    });
  });

  it("reads its own holds, and is 403 reading another account's", async () => {
    const own = await placeHold(PLAYER_ACCOUNT, '1');
    const mine = await server.call(`/v1/holds/${own.holdId}`, { token: 'player' });
    expect(mine.status).toBe(200);
    expect(mine.body).toMatchObject({ holdId: own.holdId, status: 'active', amount: '1' });
    const other = await server.wallet('lim-reader', { GEMS: '10' });
    const theirs = await placeHold(other, '2');
    const reply = await server.call(`/v1/holds/${theirs.holdId}`, { token: 'player' });
    expectError(reply, 403, 'FORBIDDEN');
    const byReader = await server.call(`/v1/holds/${theirs.holdId}`, { token: 'reader' });
    expect(byReader.body).toMatchObject({ accountId: other, status: 'active', available: '8' });
    const unknown = await server.call('/v1/holds/no-such-hold', { token: 'reader' });
    expectError(unknown, 404, 'HOLD_NOT_FOUND');
    const byCreditor = await server.call(`/v1/holds/${theirs.holdId}`, { token: 'creditor' });
    expectError(byCreditor, 403, 'FORBIDDEN');
  });

  it('is 404 HOLD_NOT_FOUND for an unknown hold', async () => {
    const reply = await server.call('/v1/holds/no-such-hold/release', {
      token: 'player',
      json: {},
    });
    expectError(reply, 404, 'HOLD_NOT_FOUND');
  });

  it('keeps its idempotency keys apart from the servers: the same key on a hold is two holds', async () => {
    const server1 = await server.call(`/v1/wallets/${PLAYER_ACCOUNT}/holds`, {
      token: 'debitor',
      json: { amount: '1', currency: 'GEMS' },
      headers: { 'Idempotency-Key': 'hold-shared-key' },
    });
    const player = await server.call(`/v1/wallets/${PLAYER_ACCOUNT}/holds`, {
      token: 'player',
      json: { amount: '1', currency: 'GEMS' },
      headers: { 'Idempotency-Key': 'hold-shared-key' },
    });
    expect([server1.status, player.status]).toEqual([201, 201]);
    expect(player.body.replayed).toBe(false);
    expect(player.body.holdId).not.toBe(server1.body.holdId);
  });
});

describe('holds over a service that cannot read a hold', () => {
  let bare: TestServer;
  beforeAll(async () => {
    bare = await startServer({
      wrap: (service) => {
        // As a service from a @wallet/core without getHold would be.
        const { getHold: _dropped, ...rest } = service;
        return rest as WalletService;
      },
    });
    await bare.service.createWallet({ accountId: PLAYER_ACCOUNT });
    await bare.service.addFunds({ accountId: PLAYER_ACCOUNT, amount: '10', currency: 'GEMS' });
  });
  afterAll(() => bare.close());

  it('refuses an account-limited caller its capture and release (403), and serves other callers', async () => {
    const hold = await bare.service.placeHold({
      accountId: PLAYER_ACCOUNT,
      amount: '2',
      currency: 'GEMS',
    });
    for (const action of ['capture', 'release']) {
      const reply = await bare.call(`/v1/holds/${hold.holdId}/${action}`, {
        token: 'player',
        json: {},
      });
      expectError(reply, 403, 'FORBIDDEN');
    }
    const served = await bare.call(`/v1/holds/${hold.holdId}/release`, {
      token: 'debitor',
      json: {},
    });
    expect(served.status).toBe(200);
  });
});

describe('POST /v1/postings', () => {
  it('applies balanced legs at once, in order, and replays with its key', async () => {
    const buyer = await server.wallet('buyer', { GOLD: '100.00' });
    const seller = await server.wallet('seller');
    const house = await server.wallet('house');
    const legs = [
      { accountId: buyer, direction: 'debit', amount: '100' },
      { accountId: seller, direction: 'credit', amount: '95', currency: 'GOLD' },
      { accountId: house, direction: 'credit', amount: 5 },
    ];
    const request = {
      json: { legs, metadata: { trade: 't-1' } },
      headers: { 'Idempotency-Key': 'trade-1' },
    };
    const reply = await server.call('/v1/postings', request);
    expect(reply.status).toBe(200);
    expect(reply.body).toMatchObject({
      replayed: false,
      legs: [
        {
          accountId: buyer,
          currency: 'GOLD',
          direction: 'debit',
          amount: '100.00',
          previousBalance: '100.00',
          currentBalance: '0.00',
        },
        { accountId: seller, direction: 'credit', amount: '95.00', currentBalance: '95.00' },
        { accountId: house, direction: 'credit', amount: '5.00', currentBalance: '5.00' },
      ],
    });
    const again = await server.call('/v1/postings', request);
    expect(again.body).toEqual({ ...reply.body, replayed: true });
    const details = await server.call(`/v1/transactions/${reply.body.transactionId}`);
    expect(details.body.entries.map((e: { type: string }) => e.type)).toEqual([
      'POSTING_OUT',
      'POSTING_IN',
      'POSTING_IN',
    ]);
  });

  it('unbalanced legs are 400 VALIDATION_ERROR and write nothing', async () => {
    const a = await server.wallet('unbal', { GEMS: '10' });
    const b = await server.wallet('unbal');
    const reply = await server.call('/v1/postings', {
      json: {
        legs: [
          { accountId: a, direction: 'debit', amount: '5', currency: 'GEMS' },
          { accountId: b, direction: 'credit', amount: '6', currency: 'GEMS' },
        ],
      },
    });
    expectError(reply, 400, 'VALIDATION_ERROR');
    expect(reply.body.error.details).toEqual({ field: 'legs', currency: 'GEMS' });
    expect((await server.service.getFunds({ accountId: a })).version).toBe(1);
  });

  it('a leg short of funds is 422 and a missing wallet 404; nothing is written', async () => {
    const a = await server.wallet('short', { GEMS: '1' });
    const b = await server.wallet('short');
    const short = await server.call('/v1/postings', {
      json: {
        legs: [
          { accountId: a, direction: 'debit', amount: '2', currency: 'GEMS' },
          { accountId: b, direction: 'credit', amount: '2', currency: 'GEMS' },
        ],
      },
    });
    expectError(short, 422, 'INSUFFICIENT_FUNDS');
    const missing = await server.call('/v1/postings', {
      json: {
        legs: [
          { accountId: a, direction: 'debit', amount: '1', currency: 'GEMS' },
          { accountId: 'nobody-posts', direction: 'credit', amount: '1', currency: 'GEMS' },
        ],
      },
    });
    expectError(missing, 404, 'WALLET_NOT_FOUND');
    expect((await server.service.getFunds({ accountId: a })).balances.GEMS).toBe('1');
  });

  it('needs admin: debit, transfer, credit and account-limited tokens are 403', async () => {
    const other = await server.wallet('post-scope');
    const legs = [
      { accountId: PLAYER_ACCOUNT, direction: 'debit', amount: '1', currency: 'GEMS' },
      { accountId: other, direction: 'credit', amount: '1', currency: 'GEMS' },
    ];
    for (const token of ['debitor', 'transferer', 'creditor', 'player'] as const) {
      const reply = await server.call('/v1/postings', { token, json: { legs } });
      expectError(reply, 403, 'FORBIDDEN');
      expect(reply.body.error.details).toEqual({ scope: 'admin' });
    }
    expect((await server.service.getFunds({ accountId: other })).balances.GEMS).toBe('0');
  });

  const leg = (accountId: string, direction: string, amount: unknown = '1') => ({
    accountId,
    direction,
    amount,
    currency: 'GEMS',
  });
  const pair = (a: string, b: string) => [leg(a, 'debit'), leg(b, 'credit')];

  it.each([
    ['legs that are not an array', () => ({ legs: { 0: leg('a1', 'debit') } })],
    ['legs that are a string', () => ({ legs: 'a1:debit:1' })],
    ['missing legs', () => ({})],
    ['one leg', () => ({ legs: [leg('a1', 'debit')] })],
    [
      '17 legs',
      () => ({
        legs: [
          ...Array.from({ length: 8 }, () => leg('a1', 'debit')),
          ...Array.from({ length: 9 }, () => leg('a2', 'credit')),
        ],
      }),
    ],
    [
      '17 legs, one of them malformed',
      () => ({ legs: [...Array(16).fill(leg('a1', 'debit')), 7] }),
    ],
    ['a leg that is not an object', () => ({ legs: [leg('a1', 'debit'), 'a2'] })],
    [
      'a numeric account id',
      () => ({ legs: [leg('a1', 'debit'), { ...leg('a2', 'credit'), accountId: 5 }] }),
    ],
    ['a malformed account id', () => ({ legs: [leg('a 1', 'debit'), leg('a2', 'credit')] })],
    ['a direction that is neither', () => ({ legs: [leg('a1', 'up'), leg('a2', 'credit')] })],
    ['a numeric direction', () => ({ legs: [leg('a1', 'debit'), leg('a2', 1 as never)] })],
    ['a boolean amount', () => ({ legs: [leg('a1', 'debit'), leg('a2', 'credit', true)] })],
    [
      'a missing amount',
      () => ({ legs: [leg('a1', 'debit'), { accountId: 'a2', direction: 'credit' }] }),
    ],
    ['a negative amount', () => ({ legs: [leg('a1', 'debit', '-1'), leg('a2', 'credit', '-1')] })],
    [
      'a numeric currency',
      () => ({ legs: [{ ...leg('a1', 'debit'), currency: 4 }, leg('a2', 'credit')] }),
    ],
    [
      'an unknown currency',
      () => ({ legs: [{ ...leg('a1', 'debit'), currency: 'RUBIES' }, leg('a2', 'credit')] }),
    ],
    [
      'a bad amount on the first leg and a bad account id on the second (leg order wins)',
      () => ({ legs: [leg('a1', 'debit', false), { ...leg('a2', 'credit'), accountId: 9 }] }),
    ],
    [
      'a bad direction and a bad amount on one leg (direction first, as core)',
      () => ({ legs: [leg('a1', 'sideways', true), leg('a2', 'credit')] }),
    ],
    ['metadata that is a list', () => ({ legs: pair('a1', 'a2'), metadata: [] })],
    ['a numeric idempotencyKey', () => ({ legs: pair('a1', 'a2'), idempotencyKey: 7 })],
  ])('%s is 400 with the error the service gives', async (_name, body) => {
    const input = body();
    const reply = await server.call('/v1/postings', { json: input });
    expect(reply.status).toBe(400);
    expect(reply.body.error).toEqual(await serviceError(() => server.service.post(input as never)));
  });

  it('an unknown field, at the top or in a leg, is 400 VALIDATION_ERROR naming it', async () => {
    const a = await server.wallet('post-unknown', { GEMS: '5' });
    const b = await server.wallet('post-unknown');
    const top = await server.call('/v1/postings', { json: { legs: pair(a, b), memo: 'x' } });
    expectError(top, 400, 'VALIDATION_ERROR');
    expect(top.body.error.details).toEqual({ field: 'memo' });
    const inLeg = await server.call('/v1/postings', {
      json: { legs: [{ ...leg(a, 'debit'), side: 'left' }, leg(b, 'credit')] },
    });
    expectError(inLeg, 400, 'VALIDATION_ERROR');
    expect(inLeg.body.error.details).toEqual({ field: 'legs.0.side' });
    expect((await server.service.getFunds({ accountId: a })).balances.GEMS).toBe('5');
  });
});

describe('authentication', () => {
  it('every new route without a token is 401', async () => {
    const routes: [string, unknown][] = [
      ['/v1/wallets', undefined],
      ['/v1/transactions/t1', undefined],
      ['/v1/transactions/t1/reverse', {}],
      [`/v1/wallets/${PLAYER_ACCOUNT}/holds`, { amount: '1' }],
      ['/v1/holds/h1/capture', {}],
      ['/v1/holds/h1/release', {}],
      ['/v1/postings', { legs: [] }],
    ];
    for (const [path, json] of routes) {
      const reply = await server.call(path, { token: null, json });
      expect([path, reply.status, reply.body.error.code]).toEqual([path, 401, 'UNAUTHORIZED']);
    }
  });
});
