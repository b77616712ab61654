import type { CurrencyRegistry } from './currency.js';
import type { Digest } from './digest.js';
import { digestLeaves } from './digest-records.js';
import { GENESIS_HASH } from './hash-chain.js';
import type { DigestLeaf } from './merkle.js';
import type { JournalReader, LedgerStore, WalletRecord } from './ports.js';
import type { JournalEntry, VerificationReport } from './types.js';
import { JournalVerifier } from './verify-journal.js';

/** Wallets listed per page. */
const WALLET_PAGE = 1000;
/** Entries read per `queryJournals` or `queryEntries` call. */
const ENTRY_PAGE = 10_000;
const SINGLE_PAGE = 1000;
/** Pages of wallets requested ahead of the one being hashed. */
const READ_AHEAD = 2;

/** What a ledger needs to have its wallets verified in bulk (`getRecord` reads a digest). */
export type VerifiableLedger = Pick<
  LedgerStore,
  'listWallets' | 'queryEntries' | 'queryJournals' | 'getRecord'
>;

/**
 * One wallet checked by {@link verifyWallets}.
 *
 * @example
 * const checked: WalletCheck = { accountId: 'p1', report: { ok: true, entries: 3, headHash, problems: [] } };
 */
export interface WalletCheck {
  /** The wallet checked. */
  accountId: string;
  /** What `verifyWallet` reports for the wallet as listed. */
  report: VerificationReport;
}

/**
 * Verifies every wallet of a ledger (those whose account id starts with `prefix`), in account id
 * order, with the rules of `verifyWallet`: a page of 1,000 wallets is listed, then their journals
 * are read together, 10,000 entries a call, through the store's `queryJournals` (one wallet at a
 * time through `queryEntries` when it has none). The next two pages are read while this one is
 * hashed. Memory holds three pages of wallets and of entries, whatever the ledger holds.
 * Each wallet is checked as listed, against its entries up to the sequence listed: entries
 * written after the listing are left to the next run, so a live ledger verifies clean.
 *
 * With `digest` (as published, kept outside the ledger), the ledger's copy of the digest is read
 * twice: first to check it hashes to `digest.root` (a `DigestIntegrityError` when it does
 * not, or is incomplete: it was changed), then beside the wallets, each wallet's entry at its leaf checked against the leaf.
 * A wallet the digest holds that the ledger lacks is reported as a check of its own.
 *
 * @example
 * for await (const { accountId, report } of verifyWallets(ledger, service.currencies)) {
 *   if (!report.ok) console.error(accountId, report.problems);
 * }
 */
export async function* verifyWallets(
  ledger: VerifiableLedger,
  currencies: CurrencyRegistry,
  options: { prefix?: string; digest?: Pick<Digest, 'digestId' | 'root'> } = {},
): AsyncGenerator<WalletCheck> {
  const prefix = options.prefix ?? '';
  const { digest } = options;
  let leaves: LeafCursor | undefined;
  if (digest) {
    for await (const _ of digestLeaves(ledger, digest)) {
      // The first pass only checks that the copy hashes to the root.
    }
    leaves = new LeafCursor(digestLeaves(ledger, digest), prefix);
  }
  const list = (startAfter?: string) =>
    ledger.listWallets({
      prefix,
      limit: WALLET_PAGE,
      ...(startAfter === undefined ? {} : { startAfter }),
    });
  const page = (wallets: WalletRecord[]): WalletPage => ({
    wallets,
    journal: started(readJournals(ledger, wallets)),
  });
  /** The page after `previous`: listed once that one is, then its first entries requested. */
  const after = async (previous: Promise<WalletPage>): Promise<WalletPage> => {
    const { wallets } = await previous;
    if (wallets.length < WALLET_PAGE) return page([]);
    return page(await list(wallets.at(-1)!.accountId));
  };
  let current = page(await list());
  // Read ahead: the next pages are listed and their first entries requested while this one is
  // hashed, so the database and the hashing overlap (two reads in flight use both cores).
  const ahead: Promise<WalletPage>[] = [];
  let last: Promise<WalletPage> = Promise.resolve(current);
  while (current.wallets.length > 0) {
    while (ahead.length < READ_AHEAD) {
      last = after(last);
      // Awaited in turn; a failure while an earlier page is hashed must not go unhandled.
      last.catch(() => {});
      ahead.push(last);
    }
    const { wallets, journal } = current;
    const verifiers = wallets.map((wallet) => new JournalVerifier(wallet.accountId, currencies));
    /** Per wallet, the wallets the digest holds just before it that the ledger lacks. */
    const lacking: DigestLeaf[][] = [];
    if (leaves && digest) {
      for (const [i, wallet] of wallets.entries()) {
        const { before, leaf } = await leaves.upTo(wallet.accountId);
        lacking[i] = before;
        verifiers[i]!.anchor(digest.digestId, leaf);
      }
    }
    const checked = function* (i: number) {
      for (const leaf of lacking[i] ?? []) yield missing(leaf, digest!.digestId);
      yield check(wallets[i]!, verifiers[i]!);
    };
    let index = 0;
    for (let entries = await journal.first; !entries.done; entries = await journal.pages.next()) {
      for (const entry of entries.value) {
        // Entries arrive in account order: every wallet before this entry's is complete.
        while (wallets[index]!.accountId < entry.accountId) {
          yield* checked(index);
          index++;
        }
        // An entry past the sequence the listing read was committed since: the wallet as
        // listed is checked against its journal up to then, so writers may go on meanwhile.
        if (entry.sequence <= wallets[index]!.sequence) verifiers[index]!.add(entry);
      }
    }
    for (; index < wallets.length; index++) yield* checked(index);
    current = await ahead.shift()!;
  }
  if (leaves && digest) {
    for (const leaf of (await leaves.upTo(undefined)).before) yield missing(leaf, digest.digestId);
  }
}

/** The check of a wallet a digest holds and the ledger lacks. */
function missing(leaf: DigestLeaf, digestId: string): WalletCheck {
  return {
    accountId: leaf.accountId,
    report: {
      ok: false,
      entries: 0,
      headHash: GENESIS_HASH,
      problems: [
        `digest ${digestId} holds the wallet at sequence ${leaf.sequence}, but the ledger has no such wallet`,
      ],
      digest: { digestId, sequence: leaf.sequence },
    },
  };
}

/** Walks a digest's leaves beside the wallets, both in account id order. */
class LeafCursor {
  readonly #pages: AsyncGenerator<DigestLeaf[]>;
  readonly #prefix: string;
  #page: DigestLeaf[] = [];
  #at = 0;
  #done = false;

  constructor(pages: AsyncGenerator<DigestLeaf[]>, prefix: string) {
    this.#pages = pages;
    this.#prefix = prefix;
  }

  /**
   * The leaves before `accountId` (all that are left when undefined) whose ids start with the
   * prefix, and the leaf of `accountId` itself, or null.
   */
  async upTo(
    accountId: string | undefined,
  ): Promise<{ before: DigestLeaf[]; leaf: DigestLeaf | null }> {
    const before: DigestLeaf[] = [];
    for (;;) {
      if (this.#at === this.#page.length) {
        if (this.#done) return { before, leaf: null };
        const next = await this.#pages.next();
        if (next.done) {
          this.#done = true;
          continue;
        }
        this.#page = next.value;
        this.#at = 0;
        continue;
      }
      const leaf = this.#page[this.#at]!;
      if (accountId !== undefined && leaf.accountId > accountId) return { before, leaf: null };
      this.#at++;
      if (leaf.accountId === accountId) return { before, leaf };
      if (leaf.accountId.startsWith(this.#prefix)) before.push(leaf);
    }
  }
}

/** A page of wallets and the reads of their journals, already under way. */
interface WalletPage {
  wallets: WalletRecord[];
  journal: ReturnType<typeof started<JournalEntry[]>>;
}

function check(wallet: WalletRecord, verifier: JournalVerifier): WalletCheck {
  return { accountId: wallet.accountId, report: verifier.finish(wallet) };
}

/** A generator already asked for its first value, so its first read is under way. */
function started<T>(pages: AsyncGenerator<T>) {
  const first = pages.next();
  // Awaited when its page's turn comes; a failure before then must not go unhandled.
  first.catch(() => {});
  return { pages, first };
}

/**
 * The journals of `wallets`, a page of entries at a time, in (account id, sequence) order; each
 * page is requested before the previous one is handed out, so reading and hashing overlap.
 */
async function* readJournals(
  ledger: VerifiableLedger,
  wallets: readonly WalletRecord[],
): AsyncGenerator<JournalEntry[]> {
  // Only the entries up to each wallet's listed sequence are checked: a wallet listed with none
  // needs no read, and the reads stop once the last wallet's listed entry has come.
  const holding = wallets.filter((wallet) => wallet.sequence > 0);
  const final = holding.at(-1);
  if (final === undefined) return;
  const accountIds = holding.map((wallet) => wallet.accountId);
  const { queryJournals } = ledger;
  if (queryJournals) {
    const read = (after?: { accountId: string; sequence: number }) =>
      queryJournals.call(ledger, {
        accountIds,
        limit: ENTRY_PAGE,
        ...(after === undefined ? {} : { after }),
      });
    let pending = read();
    for (;;) {
      const page = await pending;
      const last = page.at(-1);
      const more =
        page.length === ENTRY_PAGE &&
        last !== undefined &&
        (last.accountId !== final.accountId || last.sequence < final.sequence);
      if (more) pending = read({ accountId: last.accountId, sequence: last.sequence });
      if (page.length > 0) yield page;
      if (!more) return;
    }
  }
  for (const { accountId, sequence } of holding) yield* journalPages(ledger, accountId, sequence);
}

/**
 * One wallet's journal in ascending pages of 1,000 entries, read with `queryEntries`; reads stop
 * once an entry at or past `upTo` has come (`verifyWallet` reads to the end, the default).
 *
 * @example
 * for await (const page of journalPages(ledger, 'p1')) for (const entry of page) verifier.add(entry);
 */
export async function* journalPages(
  reader: JournalReader,
  accountId: string,
  upTo = Number.POSITIVE_INFINITY,
): AsyncGenerator<JournalEntry[]> {
  let startAfter: number | undefined;
  for (;;) {
    const page = await reader.queryEntries({
      accountId,
      order: 'asc',
      limit: SINGLE_PAGE,
      ...(startAfter === undefined ? {} : { startAfter }),
    });
    if (page.length > 0) yield page;
    startAfter = page.at(-1)?.sequence;
    if (page.length < SINGLE_PAGE || startAfter === undefined || startAfter >= upTo) return;
  }
}
