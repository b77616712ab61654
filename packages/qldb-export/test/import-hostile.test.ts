import { createMemoryLedger, type LedgerStore, StoreUnavailableError } from '@wallet/core';
import { describe, expect, it } from 'vitest';
import {
  convertBalance,
  defaultAccountIdRule,
  type ImportQldbExportOptions,
} from '../src/index.js';
import type { WalletChange } from './support/export-fixture.js';
import {
  balanceOf,
  documentChanges,
  exportDirectory,
  importInto,
  serviceOn,
} from './support/imports.js';

const TIMEOUT = 10_000;

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** A ledger whose every transaction takes `ms`, counting the transactions started. */
function slowLedger(inner: LedgerStore, ms: number) {
  let started = 0;
  const ledger = new Proxy(inner, {
    get(target, prop) {
      if (prop === 'transact') {
        return async (transaction: Parameters<LedgerStore['transact']>[0]) => {
          started++;
          await sleep(ms);
          return target.transact(transaction);
        };
      }
      const value = Reflect.get(target, prop, target);
      return typeof value === 'function' ? value.bind(target) : value;
    },
  });
  return { ledger, started: () => started };
}

const refusedOf = (report: { refused: { documentId: string; version: number }[] }, id: string) =>
  report.refused.filter((r) => r.documentId === id).map((r) => r.version);

describe('importQldbExport against a hostile or messy export', () => {
  // ---- bugs ----

  it(
    'imports a document whose account id holds a NUL character without stopping the import',
    async () => {
      const ledger = createMemoryLedger();
      const changes = [
        ...documentChanges('DocAlice', 'alice', ['5']),
        ...documentChanges('DocNul', { ion: '"cheat\\0er"', json: '"cheat\\u0000er"' }, ['7']),
        ...documentChanges('DocBob', 'bob', ['9']),
      ];
      const report = await importInto(ledger, await exportDirectory(changes));
      expect(report.wallets).toBe(3);
      expect(report.renamed.map((r) => r.from)).toEqual(['cheat\u0000er']);
      expect(await balanceOf(ledger, report.renamed[0]!.to)).toBe('7.00');
      expect(report.reconciled).toBe(true);
    },
    TIMEOUT,
  );

  it(
    'does not stop the import at a document whose id would make wallet metadata over 4 KB (a 5,000-character id)',
    async () => {
      const ledger = createMemoryLedger();
      const long = `D${'x'.repeat(4999)}`;
      const changes = [
        ...documentChanges('DocAlice', 'alice', ['5']),
        ...documentChanges(long, 'longdoc', ['7']),
      ];
      const report = await importInto(ledger, await exportDirectory(changes));
      expect(await balanceOf(ledger, 'alice')).toBe('5.00');
      expect(report.wallets).toBe(2);
    },
    TIMEOUT,
  );

  it(
    'derives an idempotency key of 1 to 255 printable ASCII characters from any document id (non-ASCII, 260 characters)',
    async () => {
      const ledger = createMemoryLedger();
      const changes = [
        ...documentChanges('Dé', 'accented', ['5']),
        ...documentChanges(`D${'y'.repeat(259)}`, 'long', ['6']),
      ];
      const report = await importInto(ledger, await exportDirectory(changes));
      expect(report.refused).toEqual([]);
      expect(await balanceOf(ledger, 'accented')).toBe('5.00');
      expect(await balanceOf(ledger, 'long')).toBe('6.00');
      expect(report.reconciled).toBe(true);
    },
    TIMEOUT,
  );

  it(
    'lists a balance whose exponent no bigint can hold (1d2000000000) as refused, without stopping the import',
    async () => {
      const ledger = createMemoryLedger();
      const changes = [
        ...documentChanges('DocHuge', 'huge', ['1d2000000000', '3']),
        ...documentChanges('DocAlice', 'alice', ['5']),
      ];
      const report = await importInto(ledger, await exportDirectory(changes));
      expect(refusedOf(report, 'DocHuge')).toContain(1);
      expect(await balanceOf(ledger, 'alice')).toBe('5.00');
    },
    TIMEOUT,
  );

  it(
    'converts a balance with a huge exponent without computing 10^exponent (which would take minutes)',
    () => {
      expect(convertBalance({ $ion: 'decimal', text: '1d300000000' }, 2)).toMatchObject({
        code: 'INVALID_AMOUNT',
      });
      expect(convertBalance({ $ion: 'decimal', text: '1d-300000000' }, 2)).toEqual({
        units: 0n,
        exact: false,
        text: '1d-300000000',
      });
      expect(convertBalance({ $ion: 'decimal', text: '0d-300000000' }, 2)).toMatchObject({
        units: 0n,
        exact: true,
      });
    },
    TIMEOUT,
  );

  it(
    'writes nothing more once it has failed: an error of the account id rule stops every lane before the import rejects',
    async () => {
      const { ledger, started } = slowLedger(createMemoryLedger(), 15);
      const changes: WalletChange[] = [];
      for (let w = 0; w < 30; w++)
        changes.push(...documentChanges(`Doc${w}`, `player-${w}`, ['1', '2']));
      changes.push(...documentChanges('DocBoom', 'boom', ['1']));
      const rule = (original: unknown) => {
        if (original === 'boom') throw new Error('rule failed');
        return original as string;
      };
      const error = await importInto(ledger, await exportDirectory(changes), {
        accountIds: rule as ImportQldbExportOptions['accountIds'],
        concurrency: 2,
      }).catch((e: unknown) => e);
      expect(error).toMatchObject({ message: 'rule failed' });
      const atRejection = started();
      await sleep(400);
      expect(started()).toBe(atRejection);
    },
    TIMEOUT,
  );

  it(
    'writes nothing more once it has failed: a broken block stops every lane before the import rejects',
    async () => {
      const { ledger, started } = slowLedger(createMemoryLedger(), 15);
      const changes: WalletChange[] = [];
      for (let w = 0; w < 30; w++)
        changes.push(...documentChanges(`Doc${w}`, `player-${w}`, ['1', '2']));
      const dir = await exportDirectory(changes, 'ION_TEXT', (all) => {
        const key = [...all.keys()].filter((k) => k.endsWith('.ion')).at(-1)!;
        const text = new TextDecoder().decode(all.get(key)!);
        all.set(
          key,
          new TextEncoder().encode(text.replace(/balance:2}(?![\s\S]*balance:2})/, 'balance:200}')),
        );
      });
      const error = await importInto(ledger, dir, { concurrency: 2 }).catch((e: unknown) => e);
      expect(error).toMatchObject({ code: 'BROKEN_BLOCK' });
      const atRejection = started();
      await sleep(400);
      expect(started()).toBe(atRejection);
    },
    TIMEOUT,
  );

  it(
    'refuses a concurrency that is no integer from 1 to 256 with a TypeError, writing nothing',
    async () => {
      const changes = [
        ...documentChanges('DocAlice', 'alice', ['5']),
        ...documentChanges('DocBob', 'bob', ['3', '1']),
      ];
      const dir = await exportDirectory(changes);
      const ledger = createMemoryLedger();
      for (const concurrency of [0, -3, Number.NaN, 1.5, Number.POSITIVE_INFINITY, 1e7]) {
        await expect(importInto(ledger, dir, { concurrency })).rejects.toThrow(TypeError);
      }
      expect((await serviceOn(ledger).listWallets()).items).toEqual([]);
      const report = await importInto(ledger, dir, { concurrency: 256 });
      expect(report).toMatchObject({ wallets: 2, entries: 3, reconciled: true });
    },
    TIMEOUT,
  );

  it(
    "never merges two different account ids into one wallet: a player whose id is the default rule's renaming of another keeps a wallet of its own",
    async () => {
      const ledger = createMemoryLedger();
      const squatter = defaultAccountIdRule('player 1')!;
      const changes = [
        ...documentChanges('DocVictim', 'player 1', ['100']),
        ...documentChanges('DocSquatter', squatter, ['1']),
      ];
      const report = await importInto(ledger, await exportDirectory(changes));
      expect(report.merged).toEqual([]);
      expect(refusedOf(report, 'DocSquatter')).toEqual([0, 1]);
      expect(report.refused[0]).toMatchObject({ code: 'ACCOUNT_ID_COLLISION' });
      expect(await balanceOf(ledger, squatter)).toBe('100.00');
    },
    TIMEOUT,
  );

  it(
    "does not credit the old wallet silently when a document's accountId changes between versions",
    async () => {
      const ledger = createMemoryLedger();
      const changes: WalletChange[] = [
        { documentId: 'DocMoved', accountId: 'alice', balance: '0' },
        { documentId: 'DocMoved', accountId: 'alice', balance: '10' },
        { documentId: 'DocMoved', accountId: 'mallory', balance: '50' },
      ];
      const report = await importInto(ledger, await exportDirectory(changes));
      expect(report.refused).toEqual([
        expect.objectContaining({ version: 2, accountId: 'alice', code: 'ACCOUNT_ID_CHANGED' }),
      ]);
      expect(report.refused[0]!.reason).toContain('mallory');
      expect(await balanceOf(ledger, 'alice')).toBe('10.00');
    },
    TIMEOUT,
  );

  it(
    'lists the delete of a document whose account id was refused, like its other revisions',
    async () => {
      const changes: WalletChange[] = [
        { documentId: 'DocNoId', accountId: { ion: 'null', json: 'null' }, balance: '1' },
        { documentId: 'DocNoId', accountId: { ion: 'null', json: 'null' }, balance: null },
      ];
      const report = await importInto(createMemoryLedger(), await exportDirectory(changes));
      expect(report.revisions).toBe(2);
      expect(refusedOf(report, 'DocNoId')).toEqual([0, 1]);
    },
    TIMEOUT,
  );

  // ---- withstood ----

  it(
    'gives every hostile but storable account id (RTL mark, emoji, long, control characters, number, list, struct, boolean, empty) a wallet of its own',
    async () => {
      const ledger = createMemoryLedger();
      const ids: { ion: string; json: string }[] = [
        { ion: '"\\u202Eadmin"', json: '"\\u202Eadmin"' },
        { ion: '"\\U0001F4B0\\U0001F4B0"', json: '"\\ud83d\\udcb0\\ud83d\\udcb0"' },
        { ion: JSON.stringify('é'.repeat(300)), json: JSON.stringify('é'.repeat(300)) },
        { ion: `"${'\\x01'.repeat(256)}"`, json: `"${'\\u0001'.repeat(256)}"` },
        { ion: '123', json: '123' },
        { ion: '"123"', json: '"123"' },
        { ion: '[1, [2, {a: "b"}]]', json: '[1,[2,{"a":"b"}]]' },
        { ion: '{x: {y: true}}', json: '{"x":{"y":true}}' },
        { ion: 'false', json: 'false' },
        { ion: '""', json: '""' },
      ];
      const changes = ids.flatMap((id, i) => documentChanges(`Doc${i}`, id, [String(i + 1)]));
      const report = await importInto(ledger, await exportDirectory(changes));
      expect(report).toMatchObject({
        wallets: ids.length,
        merged: [],
        refused: [],
        reconciled: true,
      });
      const service = serviceOn(ledger);
      for (const { from, to } of report.renamed) {
        const { metadata } = await service.getFunds({ accountId: to });
        const keep = typeof from === 'string' && from.length <= 256;
        expect(metadata?.qldbAccountId).toBe(keep ? from : undefined);
      }
    },
    TIMEOUT,
  );

  it(
    'lists balances the core rules refuse (19 integer digits, negative) and imports -0e0, 1e400 and long fractions as the rules say',
    async () => {
      const ledger = createMemoryLedger();
      const changes = [
        ...documentChanges('DocBig', 'big', ['1000000000000000000']),
        ...documentChanges('DocNeg', 'neg', ['-5']),
        ...documentChanges('DocNegZero', 'negzero', ['-0e0']),
        ...documentChanges('DocOverflow', 'overflow', ['1e400']),
        ...documentChanges('DocFraction', 'fraction', [`1.${'4'.repeat(2000)}5`]),
        ...documentChanges('DocExp', 'exp', ['1d999999']),
      ];
      const report = await importInto(ledger, await exportDirectory(changes));
      expect(report.refused.map((r) => [r.documentId, r.code])).toEqual([
        ['DocBig', expect.stringMatching(/INVALID_AMOUNT|BALANCE_LIMIT_EXCEEDED/)],
        ['DocNeg', 'INSUFFICIENT_FUNDS'],
        ['DocOverflow', 'NOT_A_NUMBER'],
        ['DocExp', expect.stringMatching(/INVALID_AMOUNT|BALANCE_LIMIT_EXCEEDED/)],
      ]);
      expect(await balanceOf(ledger, 'negzero')).toBe('0.00');
      expect(await balanceOf(ledger, 'fraction')).toBe('1.44');
      expect(report.rounded.map((r) => r.documentId)).toEqual(['DocFraction']);
    },
    TIMEOUT,
  );

  it(
    "lists a revision that repeats its document's version or goes back to an earlier one, never writing a key twice",
    async () => {
      const ledger = createMemoryLedger();
      const changes: WalletChange[] = [
        { documentId: 'DocDup', accountId: 'dup', balance: '0' },
        { documentId: 'DocDup', accountId: 'dup', balance: '10' },
        { documentId: 'DocDup', accountId: 'dup', balance: '20', version: 1 },
        { documentId: 'DocDup', accountId: 'dup', balance: '15', version: 1 },
      ];
      const report = await importInto(ledger, await exportDirectory(changes));
      expect(report.refused.map((r) => [r.version, r.code])).toEqual([
        [1, 'VERSION_OUT_OF_ORDER'],
        [1, 'VERSION_OUT_OF_ORDER'],
      ]);
      expect(await balanceOf(ledger, 'dup')).toBe('10.00');
      expect(report.reconciled).toBe(true);
    },
    TIMEOUT,
  );

  it(
    'imports an export of zero blocks as an empty, reconciled report',
    async () => {
      const dir = await exportDirectory([]);
      const report = await importInto(createMemoryLedger(), dir);
      expect(report).toMatchObject({
        blocks: 0,
        revisions: 0,
        wallets: 0,
        entries: 0,
        reconciled: true,
      });
    },
    TIMEOUT,
  );

  it(
    'rejects, never hangs, when the ledger fails while the reader waits for room',
    async () => {
      const inner = createMemoryLedger();
      let calls = 0;
      const ledger = new Proxy(inner, {
        get(target, prop) {
          if (prop === 'transact') {
            return async (transaction: Parameters<LedgerStore['transact']>[0]) => {
              await sleep(1);
              if (++calls > 150) throw new StoreUnavailableError('down');
              return target.transact(transaction);
            };
          }
          const value = Reflect.get(target, prop, target);
          return typeof value === 'function' ? value.bind(target) : value;
        },
      });
      const changes: WalletChange[] = [];
      for (let round = 0; round < 5; round++) {
        for (let w = 0; w < 100; w++)
          changes.push({ documentId: `Doc${w}`, accountId: `p-${w}`, balance: String(round) });
      }
      const error = await importInto(ledger, await exportDirectory(changes), {
        concurrency: 1,
        retry: { maxAttempts: 1, baseDelayMs: 0 },
      }).catch((e: unknown) => e);
      expect(error).toMatchObject({ code: 'STORE_UNAVAILABLE' });
    },
    TIMEOUT,
  );

  it(
    'skips a document of another table and resumes a document written after its delete',
    async () => {
      const ledger = createMemoryLedger();
      const changes: WalletChange[] = [
        ...documentChanges('DocOther', 'other', ['5']),
        { documentId: 'DocBack', accountId: 'back', balance: '0' },
        { documentId: 'DocBack', accountId: 'back', balance: '10' },
        { documentId: 'DocBack', accountId: 'back', balance: null },
        { documentId: 'DocBack', accountId: 'back', balance: '4' },
      ];
      const dir = await exportDirectory(changes, 'ION_TEXT', (all) => {
        for (const [key, bytes] of all) {
          const text = new TextDecoder().decode(bytes);
          all.set(
            key,
            new TextEncoder().encode(
              text.replaceAll('"DocOther":{tableName:"Wallet"', '"DocOther":{tableName:"Audit"'),
            ),
          );
        }
      });
      const report = await importInto(ledger, dir, { verify: false });
      expect(report).toMatchObject({ revisions: 4, wallets: 1, refused: [], reconciled: true });
      expect(await balanceOf(ledger, 'back')).toBe('4.00');
    },
    TIMEOUT,
  );
});
