import type { JournalEntry, JournalReader, LedgerStore } from '@wallet/core';

/**
 * Options of {@link readJournals}.
 *
 * @example
 * const options: ReadJournalsOptions = { pageSize: 500 };
 */
export interface ReadJournalsOptions {
  /** Entries fetched per `queryEntries` call, 1..1000. Default 1000. */
  pageSize?: number;
}

/**
 * Every journal entry of the given wallets, wallet by wallet in sequence order, read in pages
 * from any `JournalReader`: a ledger (PostgreSQL, DynamoDB, memory) or a history store.
 *
 * @example
 * const entries = readJournals(ledger, ['player-1', 'player-2']);
 * await exportJournalToParquet({ entries, outDir: './journal' });
 */
export async function* readJournals(
  reader: JournalReader,
  accountIds: Iterable<string> | AsyncIterable<string>,
  options: ReadJournalsOptions = {},
): AsyncGenerator<JournalEntry> {
  const limit = options.pageSize ?? 1000;
  if (!Number.isInteger(limit) || limit < 1 || limit > 1000) {
    throw new RangeError('pageSize must be an integer from 1 to 1000');
  }
  for await (const accountId of accountIds) {
    let startAfter: number | undefined;
    for (;;) {
      const page = await reader.queryEntries({
        accountId,
        order: 'asc',
        limit,
        ...(startAfter === undefined ? {} : { startAfter }),
      });
      yield* page;
      if (page.length < limit) break;
      startAfter = page[page.length - 1]!.sequence;
    }
  }
}

/** The most wallets one `listWallets` call of the ledger port may return. */
const WALLET_PAGE = 1000;

/**
 * The account id of every wallet a ledger holds (those starting with `prefix`, when given), in
 * ascending order, read a page at a time so memory stays bounded whatever the count.
 *
 * @example
 * const entries = readJournals(ledger, listAccountIds(ledger));
 * await exportJournalToParquet({ entries, outDir: './journal' });
 */
export async function* listAccountIds(
  ledger: Pick<LedgerStore, 'listWallets'>,
  prefix = '',
): AsyncGenerator<string> {
  let startAfter: string | undefined;
  for (;;) {
    const page = await ledger.listWallets({
      prefix,
      limit: WALLET_PAGE,
      ...(startAfter === undefined ? {} : { startAfter }),
    });
    for (const wallet of page) yield wallet.accountId;
    if (page.length < WALLET_PAGE) return;
    startAfter = page[page.length - 1]!.accountId;
  }
}
