import {
  DIGEST_ALGORITHM,
  type Digest,
  DigestIntegrityError,
  type DigestProof,
  verifyProof,
} from './digest.js';
import { ValidationError } from './errors.js';
import {
  type DigestLeaf,
  EMPTY_MERKLE_ROOT,
  leafHash,
  merklePath,
  merkleRoot,
  type ProofStep,
  rootFromPath,
} from './merkle.js';
import type { LedgerRecord, LedgerStore, WalletHead } from './ports.js';
import type { JsonValue } from './types.js';

/**
 * How a digest is kept in the ledger, as plain records (so every store keeps digests without a
 * method of its own):
 * - `digest:<id>`: the digest, the id of the one before it and the height of its node records;
 * - `digest-node:<id>:<level>:<index>`: the tree in records of up to {@link FANOUT} items. Level 0
 *   holds the leaves `[accountId, sequence, hash]` in account id order; level n holds, for each
 *   record of level n - 1, `[its first account id, the root of its items]`;
 * - `digests:latest`: the id of the newest digest, so digests are listed newest first.
 * FANOUT is a power of two, so every full record's items are a whole subtree of the digest's
 * tree and the root of one record's roots is the root of all their leaves: a proof is the
 * path within one record per level, and memory holds one record per level.
 */
const FANOUT = 256;
/** Records written per transaction (a level-0 record is at most 55 KB). */
const RECORDS_PER_WRITE = 8;
const LATEST_KEY = 'digests:latest';

const digestKey = (digestId: string) => `digest:${digestId}`;
const nodeKey = (digestId: string, level: number, index: number) =>
  `digest-node:${digestId}:${level}:${index}`;

/** What `digest:<id>` holds. */
interface DigestHead {
  digest: Digest;
  /** The digest made before this one, or null. */
  previous: string | null;
  /** How many levels of node records there are (0 without wallets); the top one has one record. */
  height: number;
}

type NodeItem = [string, number, string] | [string, string];

/**
 * Builds a digest's tree leaf by leaf in account id order, in memory bounded by one record per
 * level, and hands out each node record as it fills.
 */
export class DigestTree {
  readonly #digestId: string;
  /** Per level: the items of the record being filled, and their hashes. */
  readonly #open: { items: NodeItem[]; hashes: string[] }[] = [];
  /** Per level: how many records were handed out. */
  readonly #written: number[] = [];
  #leaves = 0;
  #lastAccountId: string | undefined;
  /** The root of the last record handed out. */
  #lastRoot = EMPTY_MERKLE_ROOT;
  readonly #emit: (record: LedgerRecord) => void;

  constructor(digestId: string, emit: (record: LedgerRecord) => void) {
    this.#digestId = digestId;
    this.#emit = emit;
  }

  /** How many leaves were added. */
  get leaves(): number {
    return this.#leaves;
  }

  /** Adds the next leaf; account ids must ascend. */
  add(leaf: DigestLeaf): void {
    if (this.#lastAccountId !== undefined && leaf.accountId <= this.#lastAccountId) {
      throw new Error(`digest leaves out of order: ${leaf.accountId} after ${this.#lastAccountId}`);
    }
    this.#lastAccountId = leaf.accountId;
    this.#leaves++;
    this.#push(0, [leaf.accountId, leaf.sequence, leaf.hash], leafHash(leaf));
  }

  /** Hands out the partly filled records and returns the root and the height. */
  finish(): { root: string; height: number } {
    if (this.#leaves === 0) return { root: EMPTY_MERKLE_ROOT, height: 0 };
    for (let level = 0; ; level++) {
      const open = this.#open[level];
      if (open !== undefined && open.items.length > 0) this.#close(level);
      // The first level with a single record is the top: its root is the digest's.
      if (this.#written[level] === 1) {
        return { root: this.#lastRoot, height: level + 1 };
      }
    }
  }

  #push(level: number, item: NodeItem, hash: string): void {
    this.#open[level] ??= { items: [], hashes: [] };
    const open = this.#open[level]!;
    open.items.push(item);
    open.hashes.push(hash);
    if (open.items.length === FANOUT) this.#close(level);
  }

  #close(level: number): void {
    const { items, hashes } = this.#open[level]!;
    const index = this.#written[level] ?? 0;
    this.#written[level] = index + 1;
    this.#open[level] = { items: [], hashes: [] };
    const root = merkleRoot(hashes);
    this.#lastRoot = root;
    this.#emit({
      key: nodeKey(this.#digestId, level, index),
      version: 1,
      data: { items: items as JsonValue[] },
    });
    this.#push(level + 1, [items[0]![0], root], root);
  }
}

/**
 * Makes a digest: lists every wallet's head in account id order and writes the digest's records
 * as the tree fills, a few per transaction, one write in flight while the next page is read.
 * Each leaf is the head as committed when its page was listed.
 */
export async function writeDigest(
  ledger: Pick<LedgerStore, 'listWallets' | 'listHeads' | 'transact'>,
  digestId: string,
  createdAt: string,
): Promise<Digest> {
  let batch: LedgerRecord[] = [];
  let writing: Promise<void> = Promise.resolve();
  const flush = () => {
    const records = batch;
    batch = [];
    const previous = writing;
    writing = previous.then(() => writeRecords(ledger, records));
    // Awaited below or at the next flush; a failure meanwhile must not go unhandled.
    writing.catch(() => {});
  };
  const tree = new DigestTree(digestId, (record) => {
    batch.push(record);
    if (batch.length === RECORDS_PER_WRITE) flush();
  });
  const PAGE = 1000;
  const { listHeads } = ledger;
  const list = (startAfter?: string): Promise<WalletHead[]> => {
    const query = { limit: PAGE, ...(startAfter === undefined ? {} : { startAfter }) };
    // Heads alone when the store lists them: a digest needs three fields of each wallet.
    return listHeads ? listHeads.call(ledger, query) : ledger.listWallets(query);
  };
  let page = await list();
  for (;;) {
    const last = page.at(-1);
    const next = page.length === PAGE && last !== undefined ? list(last.accountId) : undefined;
    next?.catch(() => {});
    for (const wallet of page) {
      tree.add({ accountId: wallet.accountId, sequence: wallet.sequence, hash: wallet.headHash });
    }
    if (next === undefined) break;
    page = await next;
  }
  const { root, height } = tree.finish();
  if (batch.length > 0) flush();
  await writing;
  const digest: Digest = {
    digestId,
    createdAt,
    wallets: tree.leaves,
    root,
    algorithm: DIGEST_ALGORITHM,
  };
  // The digest is listed only once its tree is stored, and linked after the newest one then.
  await ledger.transact({
    accountIds: [],
    idempotencyKeys: [],
    recordKeys: [LATEST_KEY],
    decide(snapshot) {
      const latest = snapshot.records.get(LATEST_KEY);
      const head: DigestHead = { digest, previous: latestId(latest), height };
      return {
        write: {
          wallets: [],
          entries: [],
          idempotency: [],
          records: [
            {
              key: digestKey(digestId),
              version: 1,
              data: head as unknown as Record<string, JsonValue>,
            },
            { key: LATEST_KEY, version: (latest?.version ?? 0) + 1, data: { digestId } },
          ],
        },
        result: undefined,
      };
    },
  });
  return digest;
}

function writeRecords(ledger: Pick<LedgerStore, 'transact'>, records: LedgerRecord[]) {
  return ledger.transact({
    accountIds: [],
    idempotencyKeys: [],
    recordKeys: [],
    decide: () => ({
      write: { wallets: [], entries: [], idempotency: [], records },
      result: undefined,
    }),
  });
}

function latestId(record: LedgerRecord | null | undefined): string | null {
  const digestId = record?.data.digestId;
  return typeof digestId === 'string' ? digestId : null;
}

/**
 * The digest's stored head.
 *
 * @throws {ValidationError} when the ledger holds no digest with the id (`field` names the input).
 */
async function readHead(
  ledger: Pick<LedgerStore, 'getRecord'>,
  digestId: string,
  field = 'digestId',
): Promise<DigestHead> {
  const record = await ledger.getRecord(digestKey(digestId));
  if (record === null) {
    throw new ValidationError(`digest ${digestId} does not exist in this ledger`, { field });
  }
  const head = record.data as unknown as DigestHead;
  // Built anew in the order the SDK returns a digest: a store may keep JSON keys in its own order
  // (PostgreSQL's jsonb does), and a digest is compared and published as text.
  const { digest } = head;
  return {
    ...head,
    digest: {
      digestId: digest.digestId,
      createdAt: digest.createdAt,
      wallets: digest.wallets,
      root: digest.root,
      algorithm: digest.algorithm,
    },
  };
}

/**
 * The digest as the ledger stored it.
 *
 * @throws {ValidationError} when the ledger holds no digest with the id.
 */
export async function readDigest(
  ledger: Pick<LedgerStore, 'getRecord'>,
  digestId: string,
): Promise<Digest> {
  return (await readHead(ledger, digestId)).digest;
}

/**
 * Digests newest first: up to `limit` of them, starting at `from` (the newest when absent), and
 * the id of the next one, or null after the oldest.
 */
export async function listDigests(
  ledger: Pick<LedgerStore, 'getRecord'>,
  limit: number,
  from?: string,
): Promise<{ items: Digest[]; next: string | null }> {
  let next = from ?? latestId(await ledger.getRecord(LATEST_KEY));
  const items: Digest[] = [];
  while (next !== null && items.length < limit) {
    const head = await readHead(ledger, next, 'cursor').catch((error: unknown) => {
      // The cursor the caller gave names no digest; a link the ledger holds must.
      if (items.length === 0 && from !== undefined) throw error;
      throw new DigestIntegrityError(next!, `digest ${next} is linked from the list but missing`);
    });
    items.push(head.digest);
    next = head.previous;
  }
  return { items, next };
}

/**
 * Where a wallet stands in a stored digest: its proof, or null when the digest holds no leaf for
 * it (the wallet was created after the digest), and the root the records read on the way hash to.
 * A copy of the digest changed in the ledger (a leaf rewritten, or removed to hide a wallet)
 * reaches another root than the one published.
 *
 * @example
 * const { proof, reached } = await lookupLeaf(ledger, digestId, 'p1');
 */
export interface LeafLookup {
  /** The digest as the ledger stored it. */
  digest: Digest;
  /** The wallet's proof, or null when the digest holds no leaf for it. */
  proof: DigestProof | null;
  /** The root the records read hash to: the digest's root, unless its copy was changed. */
  reached: string;
}

/**
 * Finds a wallet's leaf in a stored digest, reading one record per level from the top.
 *
 * @throws {ValidationError} when the ledger holds no digest with the id.
 * @throws {DigestIntegrityError} when a record of its tree is missing.
 */
export async function lookupLeaf(
  ledger: Pick<LedgerStore, 'getRecord'>,
  digestId: string,
  accountId: string,
): Promise<LeafLookup> {
  const head = await readHead(ledger, digestId);
  const { digest } = head;
  if (head.height === 0) return { digest, proof: null, reached: EMPTY_MERKLE_ROOT };
  const segments: ProofStep[][] = [];
  let index = 0;
  for (let level = head.height - 1; level > 0; level--) {
    const children = (await readItems(ledger, digestId, level, index)) as [string, string][];
    // The last child whose first account id is at or before the wallet's (the first if none is).
    let at = 0;
    while (at + 1 < children.length && children[at + 1]![0] <= accountId) at++;
    segments.push(
      merklePath(
        children.map(([, hash]) => hash),
        at,
      ),
    );
    index = index * FANOUT + at;
  }
  const leaves = (await readItems(ledger, digestId, 0, index)) as [string, number, string][];
  const hashes = leaves.map(([id, sequence, hash]) => leafHash({ accountId: id, sequence, hash }));
  const at = leaves.findIndex(([id]) => id === accountId);
  if (at < 0) {
    // Absent: the record where the wallet would sit must still hash to the root.
    const upper = segments.reverse().flat();
    return { digest, proof: null, reached: rootFromPath(merkleRoot(hashes), upper) };
  }
  segments.push(merklePath(hashes, at));
  const [, sequence, hash] = leaves[at]!;
  const path = segments.reverse().flat();
  const proof = { digestId, root: digest.root, leaf: { accountId, sequence, hash }, path };
  return { digest, proof, reached: rootFromPath(hashes[at]!, path) };
}

/**
 * The leaves of a stored digest in account id order, a record at a time; the stream ends with
 * a check that they hash to `root` (a copy changed in the ledger does not).
 *
 * @throws {ValidationError} when the ledger holds no digest with the id.
 * @throws {DigestIntegrityError} when a record is missing or the leaves do not hash to `root`.
 */
export async function* digestLeaves(
  ledger: Pick<LedgerStore, 'getRecord'>,
  digest: Pick<Digest, 'digestId' | 'root'>,
): AsyncGenerator<DigestLeaf[]> {
  const { digestId } = digest;
  const head = await readHead(ledger, digestId);
  const tree = new DigestTree(digestId, () => {});
  const records = Math.ceil(head.digest.wallets / FANOUT);
  for (let index = 0; index < records; index++) {
    const items = (await readItems(ledger, digestId, 0, index)) as [string, number, string][];
    const leaves = items.map(([accountId, sequence, hash]) => ({ accountId, sequence, hash }));
    for (const leaf of leaves) tree.add(leaf);
    yield leaves;
  }
  if (tree.finish().root !== digest.root) {
    throw new DigestIntegrityError(
      digestId,
      `the ledger's copy of digest ${digestId} does not hash to root ${digest.root}: it was changed`,
    );
  }
}

async function readItems(
  ledger: Pick<LedgerStore, 'getRecord'>,
  digestId: string,
  level: number,
  index: number,
): Promise<NodeItem[]> {
  const key = nodeKey(digestId, level, index);
  const record = await ledger.getRecord(key);
  const items = record?.data.items;
  if (!Array.isArray(items)) {
    throw new DigestIntegrityError(
      digestId,
      `the ledger's copy of digest ${digestId} is incomplete: ${key} is missing`,
    );
  }
  return items as NodeItem[];
}

/**
 * The leaf a published digest or proof holds for a wallet (null: none), and what is wrong with
 * it: a proof for another wallet, a path that does not lead to its root, or the ledger's copy of
 * the digest missing, incomplete or changed since it was published (reported, not thrown: a
 * copy deleted to hide a rewrite must fail the check, not end it).
 */
export async function anchoredLeaf(
  ledger: Pick<LedgerStore, 'getRecord'>,
  anchor: Digest | DigestProof,
  accountId: string,
): Promise<{ leaf: DigestLeaf | null; problems: string[] }> {
  if ('leaf' in anchor) {
    if (anchor.leaf.accountId !== accountId) {
      return {
        leaf: null,
        problems: [`the proof is for wallet ${anchor.leaf.accountId}, not ${accountId}`],
      };
    }
    const problems = verifyProof(anchor)
      ? []
      : [`the proof's path does not lead to its root ${anchor.root}`];
    return { leaf: anchor.leaf, problems };
  }
  let found: LeafLookup;
  try {
    found = await lookupLeaf(ledger, anchor.digestId, accountId);
  } catch (error) {
    if (error instanceof DigestIntegrityError) return { leaf: null, problems: [error.message] };
    if (error instanceof ValidationError) {
      return {
        leaf: null,
        problems: [
          `the ledger holds no digest ${anchor.digestId}: it was deleted, or the digest is another ledger's`,
        ],
      };
    }
    throw error;
  }
  const { digest, proof, reached } = found;
  const problems =
    digest.root === anchor.root && reached === anchor.root
      ? []
      : [
          `the ledger's copy of digest ${anchor.digestId} does not hash to the root given: it was changed`,
        ];
  return { leaf: proof?.leaf ?? null, problems };
}
