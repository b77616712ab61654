import type { JournalEntry, WalletRecord } from '@wallet/core';
import type { LedgerFixture } from '@wallet/testing';
import { RetryConfig } from 'amazon-qldb-driver-nodejs';
import { createQldbLedger, createSchema, entryFromIon, entryToIon } from '../src/index.js';
import { walletFromIon, walletToIon } from '../src/ion-values.js';
import { type QldbFake, type QldbFakeOptions, startQldbFake } from '../src/testing/index.js';

/**
 * Hot-wallet tests run up to 100 transactions on one wallet at once, and QLDB's optimistic
 * concurrency lets one of them commit per round: far more retries than the driver's default 4,
 * with a short capped backoff.
 */
export const HOT_WALLET_RETRIES = new RetryConfig(
  400,
  (attempt) => Math.random() * Math.min(200, 5 * 2 ** attempt),
);

/** A conformance fixture: the real driver against a fresh fake, with tamper hooks. */
export async function qldbFixture(
  options: QldbFakeOptions = {},
): Promise<LedgerFixture & { fake: QldbFake }> {
  const fake = await startQldbFake(options);
  const driver = fake.createDriver({ retryConfig: HOT_WALLET_RETRIES });
  await createSchema(driver);
  return {
    fake,
    ledger: createQldbLedger({ driver, maxConcurrentTransactions: 8 }),
    tamper: {
      rewriteJournal: (accountId, edit) => rewriteJournal(fake, accountId, edit),
      rewriteWallet: (accountId, edit) => rewriteWallet(fake, accountId, edit),
    },
    close: async () => {
      driver.close();
      await fake.close();
    },
  };
}

/** Replaces one wallet's journal documents with what `edit` makes of its entries. */
function rewriteJournal(
  fake: QldbFake,
  accountId: string,
  edit: (entries: JournalEntry[]) => JournalEntry[],
): void {
  fake.rewriteDocuments('JournalEntries', (documents) => {
    const mine = documents.filter((d) => d.data.get('accountId')?.stringValue() === accountId);
    const others = documents.filter((d) => !mine.includes(d));
    const entries = mine.map((d) => entryFromIon(d.data)).sort((a, b) => a.sequence - b.sequence);
    return [...others, ...edit(entries).map(entryToIon)];
  });
}

/** Replaces one wallet's document with what `edit` makes of it. */
function rewriteWallet(
  fake: QldbFake,
  accountId: string,
  edit: (wallet: WalletRecord) => WalletRecord,
): void {
  fake.rewriteDocuments('Wallets', (documents) =>
    documents.map((d) =>
      d.data.get('accountId')?.stringValue() === accountId
        ? walletToIon(edit(walletFromIon(d.data)))
        : d,
    ),
  );
}
