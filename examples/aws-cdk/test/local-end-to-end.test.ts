import { DescribeTableCommand, DynamoDBClient, GetItemCommand } from '@aws-sdk/client-dynamodb';
import { DynamoDBStreamsClient } from '@aws-sdk/client-dynamodb-streams';
import { hashEntry, type JournalEntry } from '@wallet/core';
import { createDynamoDbHistory, createHistoryTable } from '@wallet/dynamo-history';
import { createDynamoDbLedger, createLedgerTable } from '@wallet/dynamodb-ledger';
import type { WalletLambdaHandler } from '@wallet/http/aws-lambda';
import type { KinesisHandler } from '@wallet/stream-transformer';
import { type DynamoDbLocal, restApiEvent, startDynamoDbLocal } from '@wallet/testing';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { asKinesisRecord, readStream } from './support/ledger-stream.js';

const BACKEND_ROLE = 'arn:aws:iam::123456789012:role/game-backend';
const BACKEND_SESSION = 'arn:aws:sts::123456789012:assumed-role/game-backend/deploy-42';
const LEDGER = 'wallet-ledger';
const HISTORY = 'wallet-history';
const TTL_DAYS = 30;

describe('the deployed Lambdas, locally on DynamoDB Local', () => {
  let dynamo: DynamoDbLocal;
  let client: DynamoDBClient;
  let api: WalletLambdaHandler;
  let transformer: KinesisHandler;

  const call = async (method: string, path: string, json?: unknown, headers = {}) => {
    const response = await api(
      restApiEvent({ method, path, json, headers }, { userArn: BACKEND_SESSION }),
    );
    return { status: response.statusCode, body: JSON.parse(response.body) };
  };

  beforeAll(async () => {
    dynamo = await startDynamoDbLocal();
    const credentials = {
      AWS_REGION: 'us-east-1',
      AWS_ACCESS_KEY_ID: 'x',
      AWS_SECRET_ACCESS_KEY: 'x',
    };
    for (const [name, value] of Object.entries(credentials)) vi.stubEnv(name, value);
    client = new DynamoDBClient({ endpoint: dynamo.endpoint });
    await createLedgerTable(client, LEDGER);
    await createHistoryTable(client, HISTORY);
    // The environment the stack gives the two functions.
    vi.stubEnv('DYNAMODB_ENDPOINT', dynamo.endpoint);
    vi.stubEnv('LEDGER_TABLE', LEDGER);
    vi.stubEnv('HISTORY_TABLE', HISTORY);
    vi.stubEnv('HISTORY_TTL_DAYS', String(TTL_DAYS));
    vi.stubEnv('LEDGER_KIND', 'dynamodb');
    vi.stubEnv(
      'WALLET_CURRENCIES',
      JSON.stringify([
        { code: 'GOLD', scale: 2 },
        { code: 'GEMS', scale: 0 },
      ]),
    );
    vi.stubEnv('WALLET_IAM_CALLERS', JSON.stringify([{ arn: BACKEND_ROLE, scopes: ['admin'] }]));
    vi.stubEnv('WALLET_HOT_WALLETS', JSON.stringify([{ accountId: 'house', subAccounts: 4 }]));
    api = (await import('../src/lambda/api.js')).handler;
    transformer = (await import('../src/lambda/transformer.js')).handler as typeof transformer;
  }, 120_000);

  afterAll(async () => {
    vi.unstubAllEnvs();
    client?.destroy();
    await dynamo?.stop();
  });

  it('serves the full API from API Gateway events and history from the history table the stream fills, reversals and holds included', async () => {
    expect((await call('POST', '/v1/wallets', { accountId: 'player-1' })).status).toBe(201);
    expect((await call('POST', '/v1/wallets', { accountId: 'player-2' })).status).toBe(201);
    const credit = await call(
      'POST',
      '/v1/wallets/player-1/add-funds',
      { amount: '100.50', currency: 'GOLD', metadata: { receipt: 'r-1' } },
      { 'idempotency-key': 'receipt-1' },
    );
    expect(credit).toMatchObject({ status: 200, body: { currentBalance: '100.50' } });
    const replay = await call(
      'POST',
      '/v1/wallets/player-1/add-funds',
      { amount: '100.50', currency: 'GOLD', metadata: { receipt: 'r-1' } },
      { 'idempotency-key': 'receipt-1' },
    );
    expect(replay.body).toMatchObject({ replayed: true, transactionId: credit.body.transactionId });
    const withdrawal = await call('POST', '/v1/wallets/player-1/withdraw-funds', {
      amount: '20.25',
      currency: 'GOLD',
    });
    expect(withdrawal.body.currentBalance).toBe('80.25');
    const transfer = await call('POST', '/v1/transfers', {
      fromAccountId: 'player-1',
      toAccountId: 'player-2',
      amount: '30.00',
      currency: 'GOLD',
    });
    expect(transfer.body).toMatchObject({
      from: { currentBalance: '50.25' },
      to: { currentBalance: '30.00' },
    });
    await call('POST', '/v1/wallets/player-2/add-funds', { amount: '7', currency: 'GEMS' });
    const exchange = await call('POST', '/v1/wallets/player-2/exchange', {
      from: { currency: 'GEMS', amount: '5' },
      to: { currency: 'GOLD', amount: '2.50' },
    });
    expect(exchange.body.to.currentBalance).toBe('32.50');

    // A support correction: part of the transfer reversed, with a reason; the withdrawal
    // reversed in full, without one.
    const refund = await call(
      'POST',
      `/v1/transactions/${transfer.body.transactionId}/reverse`,
      { amount: '10.00', reason: 'support: sent to the wrong player ✓' },
      { 'idempotency-key': 'ticket-7' },
    );
    expect(refund).toMatchObject({ status: 200, body: { reverses: transfer.body.transactionId } });
    const undo = await call(
      'POST',
      `/v1/transactions/${withdrawal.body.transactionId}/reverse`,
      {},
    );
    expect(undo).toMatchObject({ status: 200, body: { legs: [{ currentBalance: '80.50' }] } });
    // A purchase: a hold placed, then captured in part to the seller; the rest is released.
    const hold = await call('POST', '/v1/wallets/player-1/holds', {
      amount: '15.00',
      currency: 'GOLD',
      metadata: { order: 'o-17' },
    });
    expect(hold).toMatchObject({ status: 201, body: { status: 'active', available: '65.50' } });
    const capture = await call('POST', `/v1/holds/${hold.body.holdId}/capture`, {
      amount: '5.00',
      toAccountId: 'player-2',
      metadata: { order: 'o-17' },
    });
    expect(capture).toMatchObject({
      status: 200,
      body: {
        captured: '5.00',
        released: '10.00',
        from: { currentBalance: '75.50' },
        to: { accountId: 'player-2', currentBalance: '27.50' },
      },
    });

    // Before the stream has been processed the history table is empty: history is not read
    // from the ledger.
    expect((await call('GET', '/v1/wallets/player-1/transactions')).body.items).toEqual([]);

    const { Table } = await client.send(new DescribeTableCommand({ TableName: LEDGER }));
    const streams = new DynamoDBStreamsClient({ endpoint: dynamo.endpoint });
    const changes = await readStream(streams, Table!.LatestStreamArn!);
    streams.destroy();
    const records = changes.map((change, index) => asKinesisRecord(change, LEDGER, index));
    // At-least-once and out of order: the second batch repeats the first record.
    const half = Math.ceil(records.length / 2);
    expect(await transformer({ Records: records.slice(half) })).toEqual({ batchItemFailures: [] });
    expect(await transformer({ Records: [records[0]!, ...records.slice(0, half)] })).toEqual({
      batchItemFailures: [],
    });

    const ledger = createDynamoDbLedger({ client, tableName: LEDGER });
    const historyTable = createDynamoDbHistory({ client, tableName: HISTORY });
    const histories: JournalEntry[] = [];
    for (const accountId of ['player-1', 'player-2']) {
      const journal: JournalEntry[] = await ledger.queryEntries({
        accountId,
        order: 'asc',
        limit: 100,
      });
      // The history table's items, read directly: the ledger's entries exactly (a reversal's
      // reverses and reason, a hold's holdId, and no such field on any other entry), each
      // verifying on its own.
      const stored = await historyTable.queryEntries({ accountId, order: 'asc', limit: 100 });
      expect(stored).toStrictEqual(journal);
      for (const entry of stored) expect(hashEntry(entry)).toBe(entry.hash);
      histories.push(...stored);
      const history = await call(
        'GET',
        `/v1/wallets/${accountId}/transactions?order=asc&limit=100`,
      );
      expect(history.status).toBe(200);
      expect(history.body).toEqual({ items: journal, nextCursor: null });
      expect(journal.length).toBeGreaterThanOrEqual(3);
      const verify = await call('GET', `/v1/wallets/${accountId}/verify`);
      expect(verify.body).toMatchObject({ ok: true, entries: journal.length });
    }
    // The reversals and the capture reached history as the entries they are.
    const ofTransaction = (transactionId: string) =>
      histories
        .filter((entry) => entry.transactionId === transactionId)
        .map(({ accountId, type, amount, reverses, reason, holdId }) => ({
          accountId,
          type,
          amount,
          ...(reverses === undefined ? {} : { reverses, reason }),
          ...(holdId === undefined ? {} : { holdId }),
        }));
    const reason = 'support: sent to the wrong player ✓';
    const reverses = transfer.body.transactionId;
    expect(ofTransaction(refund.body.transactionId)).toEqual([
      { accountId: 'player-1', type: 'REVERSAL_CREDIT', amount: '10.00', reverses, reason },
      { accountId: 'player-2', type: 'REVERSAL_DEBIT', amount: '10.00', reverses, reason },
    ]);
    expect(ofTransaction(undo.body.transactionId)).toEqual([
      {
        accountId: 'player-1',
        type: 'REVERSAL_CREDIT',
        amount: '20.25',
        reverses: withdrawal.body.transactionId,
        reason: null,
      },
    ]);
    const { holdId } = hold.body;
    expect(ofTransaction(capture.body.transactionId)).toEqual([
      { accountId: 'player-1', type: 'HOLD_CAPTURE', amount: '5.00', holdId },
      { accountId: 'player-1', type: 'HOLD_RELEASE', amount: '10.00', holdId },
      { accountId: 'player-2', type: 'TRANSFER_IN', amount: '5.00' },
    ]);

    const first = (
      await ledger.queryEntries({ accountId: 'player-1', order: 'asc', limit: 1 })
    )[0]!;
    const { Item } = await client.send(
      new GetItemCommand({
        TableName: HISTORY,
        Key: { accountId: { S: 'player-1' }, sequence: { N: '1' } },
      }),
    );
    expect(Item?.expire_timestamp?.N).toBe(
      String(Math.floor(Date.parse(first.txTime) / 1000) + TTL_DAYS * 86_400),
    );
  }, 120_000);

  it('takes trade fees into a hot house account on its sub-accounts, sums them and verifies every chain', async () => {
    expect((await call('POST', '/v1/wallets', { accountId: 'house' })).status).toBe(201);
    for (const accountId of ['buyer', 'seller']) {
      expect((await call('POST', '/v1/wallets', { accountId })).status).toBe(201);
    }
    await call('POST', '/v1/wallets/buyer/add-funds', { amount: '100.00', currency: 'GOLD' });
    const fees = new Set<string>();
    for (let i = 0; i < 6; i++) {
      const trade = await call(
        'POST',
        '/v1/postings',
        {
          legs: [
            { accountId: 'buyer', currency: 'GOLD', direction: 'debit', amount: '10.00' },
            { accountId: 'seller', currency: 'GOLD', direction: 'credit', amount: '9.50' },
            { accountId: 'house', currency: 'GOLD', direction: 'credit', amount: '0.50' },
          ],
        },
        { 'idempotency-key': `trade-${i}` },
      );
      expect(trade.status).toBe(200);
      fees.add(trade.body.legs[2].accountId);
    }
    expect([...fees].every((id) => id.startsWith('house#'))).toBe(true);
    const house = await call('GET', '/v1/wallets/house');
    expect(house).toMatchObject({
      status: 200,
      body: { accountId: 'house', balances: { GOLD: '3.00' } },
    });
    const payout = await call('POST', '/v1/wallets/house/withdraw-funds', {
      amount: '3.00',
      currency: 'GOLD',
    });
    expect(payout.body).toMatchObject({
      accountId: 'house',
      previousBalance: '3.00',
      currentBalance: '0.00',
    });
    const verify = await call('GET', '/v1/wallets/house/verify');
    expect(verify.body).toMatchObject({ ok: true, problems: [] });
  });

  it('refuses callers IAM did not authenticate, and IAM callers that are not configured', async () => {
    const anonymous = await api(restApiEvent({ method: 'GET', path: '/v1/wallets/player-1' }));
    expect(anonymous.statusCode).toBe(401);
    const stranger = await api(
      restApiEvent(
        {
          method: 'POST',
          path: '/v1/wallets/player-1/add-funds',
          json: { amount: '1000', currency: 'GOLD' },
        },
        { userArn: 'arn:aws:sts::123456789012:assumed-role/game-backend-evil/x' },
      ),
    );
    expect(stranger.statusCode).toBe(401);
  });

  it('answers health checks without credentials', async () => {
    const health = await api(restApiEvent({ method: 'GET', path: '/healthz' }));
    expect(health.statusCode).toBe(200);
  });
});
