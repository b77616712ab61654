import { describe, expect, it } from 'vitest';
import { ledgerStatements } from '../src/ledger-statements.js';
import { lockingReadCalls, snapshotOf } from '../src/locking-read.js';
import type { Rows, StatementResult } from '../src/session.js';

const statements = ledgerStatements('"wallet"');

const walletRow = (accountId: string) => ({
  account_id: accountId,
  version: '3',
  sequence: '2',
  head_hash: `head of ${accountId}`,
  currencies: ['GEMS'],
  balances: ['10'],
  created_at: '2024-01-01T00:00:00.000Z',
  updated_at: '2024-01-02T00:00:00.000Z',
  metadata: null,
  holds: null,
});
const keyRow = (key: string) => ({
  key,
  fingerprint: `fingerprint of ${key}`,
  transaction_id: 't1',
  result: { replayed: false },
  created_at: '2024-01-01T00:00:00.000Z',
});
const NO_KEY = {
  key: null,
  fingerprint: null,
  transaction_id: null,
  result: null,
  created_at: null,
};
const recordRow = (key: string) => ({ key, version: '2', data: { status: 'active' } });
const keyRecord = (key: string) => ({
  key,
  fingerprint: `fingerprint of ${key}`,
  transactionId: 't1',
  result: { replayed: false },
  createdAt: '2024-01-01T00:00:00.000Z',
});
const ledgerRecord = (key: string) => ({ key, version: 2, data: { status: 'active' } });

const results = (...rows: Rows[]): StatementResult[] =>
  rows.map((r) => ({ rows: r, count: r.length }));

describe('locking read', () => {
  it('reads one key and one record with one call, whose row holds either, both or neither', () => {
    const calls = lockingReadCalls(statements, [], ['p1 k1'], ['hold:h1']);
    expect(calls.map((call) => call.statement)).toEqual([statements.readKeyAndRecord]);

    const both = {
      ...keyRow('p1 k1'),
      record_key: 'hold:h1',
      version: '2',
      data: { status: 'active' },
    };
    const snapshot = snapshotOf(calls, results([both]));
    expect([...snapshot.idempotency]).toEqual([['p1 k1', keyRecord('p1 k1')]]);
    expect([...snapshot.records]).toEqual([['hold:h1', ledgerRecord('hold:h1')]]);

    const recordOnly = { ...NO_KEY, record_key: 'hold:h1', version: 2, data: { status: 'active' } };
    const withoutKey = snapshotOf(calls, results([recordOnly]));
    expect(withoutKey.idempotency.size).toBe(0);
    expect([...withoutKey.records]).toEqual([['hold:h1', ledgerRecord('hold:h1')]]);

    const keyOnly = { ...keyRow('p1 k1'), record_key: null, version: null, data: null };
    const withoutRecord = snapshotOf(calls, results([keyOnly]));
    expect([...withoutRecord.idempotency]).toEqual([['p1 k1', keyRecord('p1 k1')]]);
    expect(withoutRecord.records.size).toBe(0);

    const neither = { ...NO_KEY, record_key: null, version: null, data: null };
    const empty = snapshotOf(calls, results([neither]));
    expect([empty.wallets.size, empty.idempotency.size, empty.records.size]).toEqual([0, 0, 0]);
  });

  it('takes each call’s rows into the map of what it read', () => {
    const calls = lockingReadCalls(statements, ['p1', 'p2'], ['p1 k1', 'p1 k2'], ['hold:h1']);
    expect(calls.map((call) => call.statement)).toEqual([
      statements.lockWalletPair,
      statements.readKeys,
      statements.readRecord,
    ]);
    const snapshot = snapshotOf(
      calls,
      results([walletRow('p1'), walletRow('p2')], [keyRow('p1 k2')], [recordRow('hold:h1')]),
    );
    expect([...snapshot.wallets.keys()]).toEqual(['p1', 'p2']);
    expect(snapshot.wallets.get('p2')).toEqual({
      accountId: 'p2',
      balances: { GEMS: '10' },
      version: 3,
      sequence: 2,
      headHash: 'head of p2',
      createdAt: '2024-01-01T00:00:00.000Z',
      updatedAt: '2024-01-02T00:00:00.000Z',
      metadata: null,
      holds: [],
    });
    expect([...snapshot.idempotency]).toEqual([['p1 k2', keyRecord('p1 k2')]]);
    expect([...snapshot.records]).toEqual([['hold:h1', ledgerRecord('hold:h1')]]);
  });

  it('locks one, two or more wallets by their own statement; reads many records with one', () => {
    const lockOf = (ids: string[]) => lockingReadCalls(statements, ids, [], [])[0]?.statement;
    expect(lockOf(['p1'])).toBe(statements.lockWallet);
    expect(lockOf(['p1', 'p2'])).toBe(statements.lockWalletPair);
    expect(lockOf(['p1', 'p2', 'p3'])).toBe(statements.lockWallets);

    const calls = lockingReadCalls(statements, [], ['p1 k1'], ['r1', 'r2']);
    expect(calls.map((call) => call.statement)).toEqual([
      statements.readKey,
      statements.readRecords,
    ]);
    const snapshot = snapshotOf(calls, results([], [recordRow('r1'), recordRow('r2')]));
    expect(snapshot.idempotency.size).toBe(0);
    expect([...snapshot.records.keys()]).toEqual(['r1', 'r2']);
  });

  it('sends no call when nothing is named, and reads an empty snapshot', () => {
    const calls = lockingReadCalls(statements, [], [], []);
    expect(calls).toEqual([]);
    const snapshot = snapshotOf(calls, []);
    expect([snapshot.wallets.size, snapshot.idempotency.size, snapshot.records.size]).toEqual([
      0, 0, 0,
    ]);
  });
});
