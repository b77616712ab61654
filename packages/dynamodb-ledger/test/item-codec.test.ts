import type { IdempotencyRecord, JournalEntry, WalletRecord } from '@wallet/core';
import { describe, expect, it } from 'vitest';
import {
  idempotencyFromItem,
  idempotencyToItem,
  journalEntryFromItem,
  journalEntryToItem,
  walletFromItem,
  walletToItem,
} from '../src/item-codec.js';

const entry: JournalEntry = {
  transactionId: '5f0c6a8e-0000-4000-8000-000000000001',
  accountId: 'player.1@eu:x',
  sequence: 12,
  type: 'TRANSFER_OUT',
  currency: 'GOLD',
  amount: '10.50',
  balanceBefore: '999999999999999999.00',
  balanceAfter: '999999999999999988.50',
  txTime: '2031-02-03T04:05:06.789Z',
  idempotencyKey: 'receipt ✓ 1',
  counterparty: 'player-2',
  metadata: { note: '', nested: { list: [1, 2.5, -0.125, null, true, 'é'] }, big: 12345678901234 },
  prevHash: 'a'.repeat(64),
  hash: 'b'.repeat(64),
};

describe('item codec', () => {
  it('round-trips a journal entry exactly: amounts as the same strings, metadata, nulls and sequence', () => {
    expect(journalEntryFromItem(journalEntryToItem(entry))).toEqual(entry);
    const bare = { ...entry, idempotencyKey: null, counterparty: null, metadata: null };
    expect(journalEntryFromItem(journalEntryToItem(bare))).toEqual(bare);
  });

  it('stores amounts as strings, the sequence as a number and nulls as NULL', () => {
    const item = journalEntryToItem({ ...entry, counterparty: null });
    expect(item).toMatchObject({
      pk: { S: 'W#player.1@eu:x' },
      sk: { S: 'E#0000000000000012' },
      kind: { S: 'ENTRY' },
      amount: { S: '10.50' },
      sequence: { N: '12' },
      counterparty: { NULL: true },
    });
  });

  it('round-trips a wallet record, with an empty balance map and with metadata', () => {
    const wallet: WalletRecord = {
      accountId: 'p1',
      balances: {},
      version: 0,
      sequence: 0,
      headHash: '0'.repeat(64),
      createdAt: '2030-01-01T00:00:00.000Z',
      updatedAt: '2030-01-01T00:00:00.000Z',
      metadata: null,
    };
    expect(walletFromItem(walletToItem(wallet))).toEqual(wallet);
    const busy = {
      ...wallet,
      balances: { GOLD: '0.10', GEMS: '7' },
      version: 3,
      metadata: { tier: 'gold' },
    };
    expect(walletFromItem(walletToItem(busy))).toEqual(busy);
  });

  it('round-trips an idempotency record with its result', () => {
    const record: IdempotencyRecord = {
      key: 'k'.repeat(255),
      fingerprint: 'f'.repeat(64),
      transactionId: 't1',
      result: { amount: '1.00', replayed: false, nested: { from: { accountId: 'a' } } },
      createdAt: '2030-01-01T00:00:00.000Z',
    };
    expect(idempotencyFromItem(idempotencyToItem(record))).toEqual(record);
  });

  it('refuses a malformed item with a TypeError naming its key', () => {
    const item = journalEntryToItem(entry);
    expect(() => walletFromItem(item)).toThrow(
      /W#player.1@eu:x\/E#0000000000000012 is not a WALLET item/,
    );
    expect(() => journalEntryFromItem({ ...item, amount: { N: '10.5' } })).toThrow(
      /no string attribute amount/,
    );
    expect(() => journalEntryFromItem({ ...item, type: { S: 'GIFT' } })).toThrow(
      /unknown entry type/,
    );
    expect(() => journalEntryFromItem({ ...item, sequence: { N: '1.5' } })).toThrow(TypeError);
    expect(() => journalEntryFromItem({ ...item, metadata: { S: '[1]' } })).toThrow(
      /not a JSON object/,
    );
    expect(() => journalEntryFromItem({ ...item, metadata: { S: '{' } })).toThrow(/not JSON/);
  });
});
