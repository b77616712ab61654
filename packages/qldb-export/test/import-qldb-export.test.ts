import { type CurrencyConfig, createMemoryLedger } from '@wallet/core';
import { createFaultyLedger } from '@wallet/testing';
import { describe, expect, it } from 'vitest';
import { type ImportProgress, QldbExportError } from '../src/index.js';
import {
  buildBlocks,
  exportObjects,
  SAMPLE_CHANGES,
  type WalletChange,
  writeObjects,
} from './support/export-fixture.js';
import {
  documentChanges,
  entriesOf,
  exportDirectory,
  importInto,
  serviceOn,
} from './support/imports.js';

describe('importQldbExport', () => {
  it("turns each document's revisions into its wallet's credits and debits, at the revisions' times, and reconciles", async () => {
    const ledger = createMemoryLedger();
    const report = await importInto(ledger, await exportDirectory());
    expect(report).toMatchObject({
      dryRun: false,
      currency: 'COINS',
      table: 'Wallet',
      verified: 'full',
      blocks: 7,
      revisions: 7,
      wallets: 2,
      entries: 5,
      replayed: 0,
      reconciled: true,
      unreconciled: [],
      renamed: [],
      merged: [],
      refused: [],
    });
    const alice = await entriesOf(ledger, 'alice');
    expect(alice.map((e) => [e.type, e.amount, e.balanceAfter])).toEqual([
      ['CREDIT', '100.00', '100.00'],
      ['DEBIT', '25.00', '75.00'],
    ]);
    const blocks = buildBlocks();
    const aliceBlocks = blocks.filter((b) => b.documentId === 'DocAlice0000000000001');
    expect(alice.map((e) => e.txTime)).toEqual([aliceBlocks[1]!.time, aliceBlocks[2]!.time]);
    expect(alice[0]!.metadata).toEqual({
      qldbDocumentId: 'DocAlice0000000000001',
      qldbVersion: 1,
      qldbTxId: aliceBlocks[1]!.transactionId,
    });
    const wallet = await serviceOn(ledger).getFunds({ accountId: 'alice' });
    expect(wallet.createdAt).toBe(aliceBlocks[0]!.time);
    expect(wallet.metadata).toEqual({
      importedFrom: 'qldb-export',
      qldbDocumentId: 'DocAlice0000000000001',
    });
  });

  it('rounds a float balance half to even at the currency scale and lists every rounding', async () => {
    const ledger = createMemoryLedger();
    const changes = documentChanges('DocCarol', 'carol', [
      '0.30000000000000004e0',
      '0.29999999999999998e0',
      '0.125e0',
      '0.135e0',
      '12.50',
    ]);
    const report = await importInto(ledger, await exportDirectory(changes));
    expect(report.rounded).toEqual([
      {
        accountId: 'carol',
        documentId: 'DocCarol',
        version: 1,
        from: '0.30000000000000004',
        to: '0.30',
      },
      { accountId: 'carol', documentId: 'DocCarol', version: 3, from: '0.125', to: '0.12' },
      { accountId: 'carol', documentId: 'DocCarol', version: 4, from: '0.135', to: '0.14' },
    ]);
    // 0.29999999999999998 is the same float as 0.3: no change, so no entry for version 2.
    const entries = await entriesOf(ledger, 'carol');
    expect(entries.map((e) => e.metadata?.qldbVersion)).toEqual([1, 3, 4, 5]);
    expect(entries.at(-1)!.balanceAfter).toBe('12.50');
    expect(report.reconciled).toBe(true);
  });

  it('imports a document deleted in QLDB by debiting its balance to zero, and lists it as closed', async () => {
    const ledger = createMemoryLedger();
    const report = await importInto(ledger, await exportDirectory());
    expect(report.closed).toEqual([
      { accountId: 'bob', documentId: 'DocBob000000000000002', version: 3, balance: '0.30' },
    ]);
    const bob = await entriesOf(ledger, 'bob');
    expect(bob.map((e) => [e.type, e.amount, e.balanceAfter])).toEqual([
      ['CREDIT', '0.10', '0.10'],
      ['CREDIT', '0.20', '0.30'],
      ['DEBIT', '0.30', '0.00'],
    ]);
  });

  it('writes nothing new when run again, and says how many entries it found already written', async () => {
    const ledger = createMemoryLedger();
    const dir = await exportDirectory();
    const first = await importInto(ledger, dir);
    const before = await entriesOf(ledger, 'alice');
    const again = await importInto(ledger, dir);
    expect(again).toMatchObject({ entries: 0, replayed: first.entries, reconciled: true });
    expect(await entriesOf(ledger, 'alice')).toEqual(before);
  });

  it('renames account ids the SDK refuses by the default rule, keeping apart ids that clean to the same text', async () => {
    const ledger = createMemoryLedger();
    const changes = [
      ...documentChanges('DocSpace', 'player 1', ['5']),
      ...documentChanges('DocInt', { ion: '123', json: '123' }, ['7']),
      ...documentChanges('DocString', '123', ['9']),
      ...documentChanges('DocList', { ion: '[1, "a"]', json: '[1,"a"]' }, ['11']),
    ];
    const report = await importInto(ledger, await exportDirectory(changes));
    expect(report.renamed.map((r) => r.from)).toEqual([
      'player 1',
      { $ion: 'int', text: '123' },
      [{ $ion: 'int', text: '1' }, 'a'],
    ]);
    const [space, int, list] = report.renamed.map((r) => r.to);
    expect(space).toMatch(/^player_1\.[0-9a-f]{16}$/);
    expect(int).toMatch(/^123\.[0-9a-f]{16}$/);
    expect(list).toMatch(/^1_a_\.[0-9a-f]{16}$/);
    expect(report.wallets).toBe(4);
    const service = serviceOn(ledger);
    expect((await service.getFunds({ accountId: '123' })).balances.COINS).toBe('9.00');
    expect((await service.getFunds({ accountId: int! })).balances.COINS).toBe('7.00');
    expect((await service.getFunds({ accountId: space! })).metadata).toMatchObject({
      qldbAccountId: 'player 1',
    });
    expect(report.reconciled).toBe(true);
  });

  it('uses the account id rule the operator gives, and refuses a document the rule gives no id for', async () => {
    const ledger = createMemoryLedger();
    const changes = [
      ...documentChanges('DocSpace', 'player 1', ['5']),
      ...documentChanges('DocBad', 'bad id', ['6']),
    ];
    const report = await importInto(ledger, await exportDirectory(changes), {
      accountIds: (original) => (original === 'player 1' ? 'player-1' : null),
    });
    expect(report.renamed).toEqual([{ from: 'player 1', to: 'player-1' }]);
    expect(report.refused.map((r) => [r.documentId, r.version, r.code])).toEqual([
      ['DocBad', 0, 'ACCOUNT_ID_REFUSED'],
      ['DocBad', 1, 'ACCOUNT_ID_REFUSED'],
    ]);
    expect(report.wallets).toBe(1);
    // The refused document's money is in no wallet: the import does not reconcile.
    expect(report.unimported).toEqual([
      { documentId: 'DocBad', balance: '6.00', code: 'ACCOUNT_ID_REFUSED' },
    ]);
    expect(report.unreconciled).toEqual([]);
    expect(report.reconciled).toBe(false);
  });

  it('merges the documents of one account into one wallet holding the sum of their balances', async () => {
    const ledger = createMemoryLedger();
    const changes: WalletChange[] = [
      { documentId: 'DocA1', accountId: 'alice', balance: '0' },
      { documentId: 'DocA2', accountId: 'alice', balance: '0' },
      { documentId: 'DocA1', accountId: 'alice', balance: '10' },
      { documentId: 'DocA2', accountId: 'alice', balance: '4' },
      { documentId: 'DocA1', accountId: 'alice', balance: '8' },
    ];
    const report = await importInto(ledger, await exportDirectory(changes));
    expect(report.merged).toEqual([{ accountId: 'alice', documentIds: ['DocA1', 'DocA2'] }]);
    expect(report.wallets).toBe(1);
    expect((await serviceOn(ledger).getFunds({ accountId: 'alice' })).balances.COINS).toBe('12.00');
    expect(report.reconciled).toBe(true);
  });

  it('opens with a credit of the whole balance when a document first shows with one (an export that starts mid-ledger)', async () => {
    const ledger = createMemoryLedger();
    const changes: WalletChange[] = [
      { documentId: 'DocLate', accountId: 'late', balance: '40', version: 7 },
      { documentId: 'DocLate', accountId: 'late', balance: '45' },
    ];
    const report = await importInto(ledger, await exportDirectory(changes));
    const entries = await entriesOf(ledger, 'late');
    expect(entries.map((e) => [e.type, e.amount, e.metadata?.qldbVersion])).toEqual([
      ['CREDIT', '40.00', 7],
      ['CREDIT', '5.00', 8],
    ]);
    expect(report.reconciled).toBe(true);
  });

  it('lists what the core rules refuse, never drops it, and does not reconcile the wallet', async () => {
    const ledger = createMemoryLedger();
    const capped: CurrencyConfig[] = [{ code: 'COINS', scale: 2, maxBalance: '50' }];
    const changes = [
      ...documentChanges('DocRich', 'rich', ['30', '80', '60']),
      ...documentChanges('DocOk', 'ok', ['1']),
    ];
    const report = await importInto(ledger, await exportDirectory(changes), { currencies: capped });
    expect(report.refused).toEqual([
      expect.objectContaining({
        documentId: 'DocRich',
        version: 2,
        accountId: 'rich',
        code: 'BALANCE_LIMIT_EXCEEDED',
      }),
    ]);
    expect(report.reconciled).toBe(false);
    expect(report.unreconciled).toEqual([
      { accountId: 'rich', expected: '60.00', actual: '10.00', chainOk: true, problems: [] },
    ]);
  });

  it('lists refusals in journal order, however the wallets written at once finish', async () => {
    const capped: CurrencyConfig[] = [{ code: 'COINS', scale: 2, maxBalance: '50' }];
    const changes: WalletChange[] = [];
    for (let w = 0; w < 12; w++)
      changes.push({ documentId: `Doc${w}`, accountId: `p-${w}`, balance: '0' });
    for (let w = 11; w >= 0; w--)
      changes.push({ documentId: `Doc${w}`, accountId: `p-${w}`, balance: '99' });
    changes.push({ documentId: 'DocNaN', accountId: 'nan', balance: 'nan' });
    const report = await importInto(createMemoryLedger(), await exportDirectory(changes), {
      currencies: capped,
      concurrency: 4,
    });
    expect(report.refused.map((r) => r.documentId)).toEqual([
      ...Array.from({ length: 12 }, (_, i) => `Doc${11 - i}`),
      'DocNaN',
    ]);
  });

  it('refuses a balance that is no finite number, a document with no accountId and a redacted revision, each by name', async () => {
    const ledger = createMemoryLedger();
    const changes: WalletChange[] = [
      ...documentChanges('DocInf', 'inf', ['+inf', '3']),
      { documentId: 'DocNoId', accountId: { ion: 'null', json: 'null' }, balance: '1' },
      ...documentChanges('DocRed', 'red', ['2']),
      { documentId: 'DocRed', accountId: 'red', balance: '9', redacted: true },
      { documentId: 'DocRed', accountId: 'red', balance: '4' },
    ];
    const report = await importInto(ledger, await exportDirectory(changes));
    expect(report.refused.map((r) => [r.documentId, r.version, r.code])).toEqual([
      ['DocInf', 1, 'NOT_A_NUMBER'],
      ['DocNoId', 0, 'NO_ACCOUNT_ID'],
      ['DocRed', 2, 'REDACTED'],
    ]);
    const service = serviceOn(ledger);
    expect((await service.getFunds({ accountId: 'inf' })).balances.COINS).toBe('3.00');
    expect((await service.getFunds({ accountId: 'red' })).balances.COINS).toBe('4.00');
    // inf and red end on balances imported: only the document with no id holds money nowhere.
    expect(report.unreconciled).toEqual([]);
    expect(report.unimported).toEqual([
      { documentId: 'DocNoId', balance: '1.00', code: 'NO_ACCOUNT_ID' },
    ]);
    expect(report.reconciled).toBe(false);
  });

  it('does not reconcile a wallet whose document ends on a balance that could not be imported', async () => {
    const ledger = createMemoryLedger();
    const changes: WalletChange[] = [
      ...documentChanges('DocNan', 'nan', ['3', 'nan']),
      ...documentChanges('DocRed', 'red', ['2']),
      { documentId: 'DocRed', accountId: 'red', balance: '9', redacted: true },
      ...documentChanges('DocHuge', 'huge', ['1000000000000000000000']),
    ];
    const report = await importInto(ledger, await exportDirectory(changes));
    expect(report.unreconciled).toEqual([
      {
        accountId: 'huge',
        expected: '0.00',
        actual: '0.00',
        chainOk: true,
        problems: [
          'document DocHuge version 1: balance 1000000000000000000000 has more than 18 integer digits',
        ],
      },
      {
        accountId: 'nan',
        expected: '3.00',
        actual: '3.00',
        chainOk: true,
        problems: ['document DocNan version 2: balance nan is not a finite number'],
      },
      {
        accountId: 'red',
        expected: '2.00',
        actual: '2.00',
        chainOk: true,
        problems: [
          'document DocRed version 2: the revision was redacted: its balance is not in the export',
        ],
      },
    ]);
    expect(report.reconciled).toBe(false);
  });

  it('refuses to write into a wallet of the same id that no import made', async () => {
    const ledger = createMemoryLedger();
    await serviceOn(ledger).createWallet({ accountId: 'alice' });
    const report = await importInto(ledger, await exportDirectory());
    expect(report.refused.filter((r) => r.accountId === 'alice').map((r) => r.code)).toEqual([
      'WALLET_NOT_IMPORTED',
      'WALLET_NOT_IMPORTED',
    ]);
    expect(await entriesOf(ledger, 'alice')).toEqual([]);
    expect(report.unreconciled.map((u) => u.accountId)).toEqual(['alice']);
  });

  it('reports what it would do on a dry run and writes nothing to the ledger', async () => {
    const ledger = createMemoryLedger();
    const dir = await exportDirectory();
    const dry = await importInto(ledger, dir, { dryRun: true });
    expect(dry).toMatchObject({ dryRun: true, wallets: 2, entries: 5, reconciled: true });
    expect((await serviceOn(ledger).listWallets()).items).toEqual([]);
    const real = await importInto(ledger, dir);
    expect({ ...real, dryRun: true }).toEqual(dry);
  });

  it('reports progress for each data object and each wallet reconciled', async () => {
    const seen: ImportProgress[] = [];
    await importInto(createMemoryLedger(), await exportDirectory(), {
      onProgress: (progress) => seen.push(progress),
    });
    const read = seen.filter((p) => p.phase === 'read');
    expect(read.map((p) => [p.done, p.total])).toEqual([
      [0, 3],
      [1, 3],
      [2, 3],
      [3, 3],
    ]);
    expect(read.at(-1)).toMatchObject({ revisions: 7, entries: 5 });
    expect(seen.filter((p) => p.phase === 'reconcile').map((p) => p.done)).toEqual([1, 2]);
  });

  it('keeps every wallet in revision order while many wallets are written at once', async () => {
    const ledger = createMemoryLedger();
    const changes: WalletChange[] = [];
    for (let round = 0; round <= 6; round++) {
      for (let w = 0; w < 40; w++) {
        // Up on even rounds, down on odd ones: out of order, a debit would meet INSUFFICIENT_FUNDS.
        const balance = round === 0 ? '0' : String(round % 2 === 1 ? 10 * round + w : w);
        changes.push({ documentId: `Doc${w}`, accountId: `player-${w}`, balance });
      }
    }
    const report = await importInto(ledger, await exportDirectory(changes), { concurrency: 6 });
    expect(report).toMatchObject({ wallets: 40, refused: [], reconciled: true });
    const entries = await entriesOf(ledger, 'player-3');
    expect(entries.map((e) => e.metadata?.qldbVersion)).toEqual([1, 2, 3, 4, 5, 6]);
  });

  it('survives a ledger that fails and loses answers: each revision is written once', async () => {
    const inner = createMemoryLedger();
    const ledger = createFaultyLedger(inner, { seed: 11, failBefore: 0.25, failAfter: 0.25 });
    const balances = ['5', '2', '9', '4', '8', '1', '6', '3', '7', '10'];
    const changes = SAMPLE_CHANGES.concat(documentChanges('DocCarol', 'carol', balances));
    const report = await importInto(ledger, await exportDirectory(changes), {
      retry: { baseDelayMs: 0, maxAttempts: 20 },
    });
    expect(ledger.stats.failedAfter).toBeGreaterThan(1);
    expect(ledger.stats.failedBefore).toBeGreaterThan(1);
    expect(report.reconciled).toBe(true);
    expect(report.entries + report.replayed).toBe(15);
    const carol = await entriesOf(inner, 'carol');
    expect(carol.map((e) => e.metadata?.qldbVersion)).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
  });

  it('stops at a broken block with its address, and a run on the repaired export completes the import', async () => {
    const ledger = createMemoryLedger();
    const good = exportObjects(buildBlocks(), 'ION_TEXT');
    const dir = await exportDirectory(SAMPLE_CHANGES, 'ION_TEXT', (all) => {
      const key = [...all.keys()].find((k) => k.endsWith('.8-10.ion'))!;
      all.set(
        key,
        new TextEncoder().encode(
          new TextDecoder().decode(all.get(key)!).replace('balance:75', 'balance:7500'),
        ),
      );
    });
    const error = await importInto(ledger, dir).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(QldbExportError);
    expect(error).toMatchObject({ code: 'BROKEN_BLOCK', blockAddress: { sequenceNo: 10 } });
    // Whatever was written before the import stopped is from blocks before the broken one.
    const written = [...(await entriesOf(ledger, 'alice')), ...(await entriesOf(ledger, 'bob'))];
    expect(written.every((e) => Number(e.metadata?.qldbVersion) < 2 || e.accountId === 'bob')).toBe(
      true,
    );
    expect(written.length).toBeLessThanOrEqual(3);
    await writeObjects(dir, good);
    const report = await importInto(ledger, dir);
    expect(report).toMatchObject({
      reconciled: true,
      replayed: written.length,
      entries: 5 - written.length,
    });
    expect((await entriesOf(ledger, 'alice')).map((e) => e.metadata?.qldbVersion)).toEqual([1, 2]);
  });
});
