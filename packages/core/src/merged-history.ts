import type { JournalReader } from './ports.js';
import type { JournalEntry } from './types.js';

/**
 * Where a merged listing stands in each journal: the sequence of the last entry it listed (an
 * `EntryQuery.startAfter`), or `null` for a journal it has not started.
 */
export type MergedPositions = readonly (number | null)[];

/** What {@link mergedHistory} reads: every journal's entries in one currency or all, in `order`. */
export interface MergedQuery {
  currency?: string;
  order: 'asc' | 'desc';
  /** At most this many entries in the page. */
  limit: number;
}

/** One page of a merged listing, and where the next starts (`undefined` when none). */
export interface MergedPage {
  items: JournalEntry[];
  next: MergedPositions | undefined;
}

/** The fewest entries asked of one journal at a time. */
const MIN_CHUNK = 4;

/** One journal of the merge: what it has read ahead and where it stands. */
interface Source {
  accountId: string;
  /** Its place in the merge's order among entries of one time: earlier journals first. */
  rank: number;
  /** The last entry listed (the page's position), or `null`. */
  position: number | null;
  /** The last entry read, where the next read starts. */
  readFrom: number | null;
  /** Entries read and not yet listed, in `order`. */
  buffer: JournalEntry[];
  /** How many the next read asks for: doubled after each read, up to the page's size. */
  chunk: number;
  /** True once a read returned fewer than it asked: nothing more to read now. */
  done: boolean;
}

/**
 * Several journals read as one (a hot wallet's: its main wallet and every sub-account), in
 * time order: a k-way merge that takes, each time, the earliest (in `order`) of the journals'
 * next entries, so each journal's own order is kept whatever the clocks of the writers did;
 * entries of one time come by journal, in the order `accountIds` names them (reversed for `desc`).
 * Each journal is read lazily, a few entries at first, more as it supplies the page.
 *
 * The positions it returns pin the listing: a journal read in `desc` order but not yet listed
 * is pinned at the newest entry it had, so entries written after the first page never appear
 * on a later one (as a single journal's cursor behaves).
 *
 * @example
 * const page = await mergedHistory(ledger, ['house', 'house#1', 'house#2'], { order: 'desc', limit: 50 }, []);
 */
export async function mergedHistory(
  journal: JournalReader,
  accountIds: readonly string[],
  query: MergedQuery,
  positions: MergedPositions,
): Promise<MergedPage> {
  const { order, limit } = query;
  // The first read of each journal: its share of the page and one more, at least MIN_CHUNK.
  const chunk = Math.min(
    limit + 1,
    Math.max(MIN_CHUNK, Math.ceil((limit + 1) / accountIds.length) + 1),
  );
  const sources: Source[] = accountIds.map((accountId, rank) => {
    const position = positions[rank] ?? null;
    return { accountId, rank, position, readFrom: position, buffer: [], chunk, done: false };
  });
  const read = async (source: Source): Promise<void> => {
    const rows = await journal.queryEntries({
      accountId: source.accountId,
      ...(query.currency === undefined ? {} : { currency: query.currency }),
      order,
      ...(source.readFrom === null ? {} : { startAfter: source.readFrom }),
      limit: source.chunk,
    });
    source.done = rows.length < source.chunk;
    source.chunk = Math.min(limit + 1, source.chunk * 2);
    const last = rows[rows.length - 1];
    if (last) source.readFrom = last.sequence;
    source.buffer = rows;
  };
  // Every journal's next entry must be known before the earliest is chosen.
  const refill = () =>
    Promise.all(sources.filter((s) => s.buffer.length === 0 && !s.done).map(read));
  await refill();
  // Pinned now, before anything is listed: the newest entries there are when the listing began.
  if (order === 'desc') {
    for (const source of sources) {
      if (source.position !== null) continue;
      const head = source.buffer[0];
      source.position = head ? head.sequence + 1 : 1;
    }
  }
  const items: JournalEntry[] = [];
  while (items.length < limit) {
    let next: Source | undefined;
    for (const source of sources) {
      if (source.buffer.length > 0 && (!next || before(source, next, order))) next = source;
    }
    if (!next) break;
    const entry = next.buffer.shift()!;
    items.push(entry);
    next.position = entry.sequence;
    if (next.buffer.length === 0) await refill();
  }
  const more = sources.some((s) => s.buffer.length > 0);
  return { items, next: more ? sources.map((s) => s.position) : undefined };
}

/** True when `a`'s next entry comes before `b`'s in `order`. */
function before(a: Source, b: Source, order: 'asc' | 'desc'): boolean {
  const x = a.buffer[0]!;
  const y = b.buffer[0]!;
  const earlier = x.txTime !== y.txTime ? x.txTime < y.txTime : a.rank < b.rank;
  return order === 'asc' ? earlier : !earlier;
}
