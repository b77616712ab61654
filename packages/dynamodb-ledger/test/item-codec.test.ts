import type { IdempotencyRecord, JournalEntry, LedgerRecord, WalletRecord } from '@wallet/core';
import { describe, expect, it } from 'vitest';
import {
  idempotencyFromItem,
  idempotencyToItem,
  journalEntryFromItem,
  journalEntryToItem,
  recordFromItem,
  recordToItem,
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
      holds: [],
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

  it('round-trips holds in order, carries nextHoldExpiry (the earliest) only while there are holds, and reads a wallet stored before holds existed with none', () => {
    const wallet: WalletRecord = {
      accountId: 'p1',
      balances: { GOLD: '5.00' },
      version: 2,
      sequence: 2,
      headHash: 'a'.repeat(64),
      createdAt: '2030-01-01T00:00:00.000Z',
      updatedAt: '2030-01-01T00:00:01.000Z',
      metadata: null,
      holds: [
        { holdId: 'h2', currency: 'GOLD', amount: '1.50', expiresAt: '2030-01-01T00:20:00.000Z' },
        { holdId: 'h1', currency: 'GOLD', amount: '0.10', expiresAt: '2030-01-01T00:05:00.000Z' },
      ],
    };
    const item = walletToItem(wallet);
    expect(item).toMatchObject({
      walletList: { S: 'WALLETS' },
      nextHoldExpiry: { S: '2030-01-01T00:05:00.000Z' },
      holds: { L: [{ M: { holdId: { S: 'h2' }, amount: { S: '1.50' } } }, expect.anything()] },
    });
    expect(walletFromItem(item)).toStrictEqual(wallet);
    const none = walletToItem({ ...wallet, holds: [] });
    expect(none.nextHoldExpiry).toBeUndefined();
    expect(none.holds).toEqual({ L: [] });
    const { holds: _holds, walletList: _list, nextHoldExpiry: _next, ...old } = item;
    expect(walletFromItem(old)).toStrictEqual({ ...wallet, holds: [] });
    expect(() =>
      walletFromItem({ ...item, holds: { L: [{ M: { holdId: { S: 'h' } } }] } }),
    ).toThrow(/no string holds\[0\]\.currency/);
  });

  it('round-trips the entries that carry reverses, reason or holdId exactly, and adds no field to any other type', () => {
    const typed: JournalEntry[] = [
      { ...entry, type: 'REVERSAL_CREDIT', reverses: 'tx-0', reason: 'chargeback ✓' },
      { ...entry, type: 'REVERSAL_DEBIT', reverses: 'tx-0', reason: null },
      { ...entry, type: 'HOLD', holdId: 'h-1' },
      { ...entry, type: 'HOLD_CAPTURE', holdId: 'h-1' },
      { ...entry, type: 'HOLD_RELEASE', holdId: 'h-1' },
    ];
    for (const written of typed) {
      expect(journalEntryFromItem(journalEntryToItem(written))).toStrictEqual(written);
    }
    expect(journalEntryToItem(typed[1]!)).toMatchObject({
      reverses: { S: 'tx-0' },
      reason: { NULL: true },
    });
    for (const type of ['POSTING_IN', 'POSTING_OUT', 'CREDIT'] as const) {
      const plain = { ...entry, type };
      const item = journalEntryToItem({ ...plain, holdId: 'stray' });
      expect(item.holdId ?? item.reverses ?? item.reason).toBeUndefined();
      const read = journalEntryFromItem({ ...item, reason: { S: 'stray' } });
      expect(read).toStrictEqual(plain);
      expect(Object.keys(read)).toEqual(Object.keys(plain));
    }
  });

  it('round-trips a ledger record, its data as JSON text', () => {
    const record: LedgerRecord = {
      key: 'reversals:tx-1',
      version: 3,
      data: { reversedBy: ['a', 'b'], units: '1050', nested: { empty: '', n: null, f: 0.5 } },
    };
    const item = recordToItem(record);
    expect(item).toMatchObject({
      pk: { S: 'R#reversals:tx-1' },
      sk: { S: 'RECORD' },
      kind: { S: 'RECORD' },
      version: { N: '3' },
      data: { S: JSON.stringify(record.data) },
    });
    expect(recordFromItem(item)).toStrictEqual(record);
    expect(() => recordFromItem(journalEntryToItem(entry))).toThrow(/is not a RECORD item/);
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
