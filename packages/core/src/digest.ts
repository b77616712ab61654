import { ValidationError } from './errors.js';
import { type DigestLeaf, leafHash, type ProofStep, rootFromPath } from './merkle.js';
import { accountId as checkAccountId, requestObject } from './validation.js';

/** The one construction digests use (DESIGN section 10). */
export const DIGEST_ALGORITHM = 'sha256-merkle-v1';

/**
 * Every wallet's head at one moment, folded into one Merkle root: a small document a studio
 * keeps outside the ledger, so a rewrite of history made afterwards shows.
 *
 * @example
 * const digest: Digest = await wallets.createDigest();
 * await writeFile(`${digest.digestId}.json`, JSON.stringify(digest));
 */
export interface Digest {
  /** Time-ordered (a UUID v7), unique. */
  digestId: string;
  /** When the digest was started: ISO 8601 UTC with milliseconds. */
  createdAt: string;
  /** How many leaves (wallets) it holds. */
  wallets: number;
  /** The Merkle root of the leaves, lowercase hex. */
  root: string;
  /** The construction: always `sha256-merkle-v1`. */
  algorithm: typeof DIGEST_ALGORITHM;
}

/**
 * What ties one wallet's head to a digest's root: the leaf and the siblings on its way up.
 *
 * @example
 * const proof = await wallets.getProof({ accountId: 'p1', digestId: digest.digestId });
 * verifyProof(proof) && proof.root === digest.root; // true
 */
export interface DigestProof {
  /** The digest the proof is for. */
  digestId: string;
  /** The root the path leads to. */
  root: string;
  /** The wallet's head as the digest holds it. */
  leaf: DigestLeaf;
  /** The siblings from the leaf up, lowest first. */
  path: ProofStep[];
}

/**
 * The ledger's copy of a digest is not whole: a record of its tree is missing, or its leaves no
 * longer hash to the root published. Not a {@link WalletError}: nothing the caller sent is wrong;
 * the ledger was changed (or lost data) behind the SDK's back.
 *
 * @example
 * try { for await (const check of verifyWallets(ledger, currencies, { digest })) report(check); }
 * catch (error) { if (error instanceof DigestIntegrityError) alert(error.message); }
 */
export class DigestIntegrityError extends Error {
  constructor(
    /** The digest whose copy is not whole. */
    readonly digestId: string,
    message: string,
  ) {
    super(message);
    this.name = 'DigestIntegrityError';
  }
}

/**
 * True when the proof's path leads from its leaf to its root. Pure: compare `proof.root` with a
 * digest kept outside the ledger to trust it.
 *
 * @example
 * if (!verifyProof(proof) || proof.root !== published.root) alert('history was rewritten');
 */
export function verifyProof(proof: DigestProof): boolean {
  return rootFromPath(leafHash(proof.leaf), proof.path) === proof.root;
}

const HASH_PATTERN = /^[0-9a-f]{64}$/;
/** A digest id, as `createDigest` makes them and callers may send them: 1..64 printable ASCII. */
export const DIGEST_ID_PATTERN = /^[\x21-\x7e]{1,64}$/;
/** No tree of 2^64 leaves exists; a longer path is not a proof. */
const MAX_PATH = 64;

/**
 * A digest or a proof a caller passes in (read from a file, a bucket, a request), checked field by
 * field: a proof when it has a `leaf`.
 *
 * @throws {ValidationError}
 * @example
 * const anchor = parseAnchor(JSON.parse(await readFile('digest.json', 'utf8')));
 */
export function parseAnchor(value: unknown, field = 'digest'): Digest | DigestProof {
  const input = requestObject(value as object, field) as Record<string, unknown>;
  const digestId = text(input.digestId, `${field}.digestId`, DIGEST_ID_PATTERN);
  const root = text(input.root, `${field}.root`, HASH_PATTERN);
  if (input.leaf === undefined) {
    if (input.algorithm !== DIGEST_ALGORITHM) {
      throw new ValidationError(`${field}.algorithm must be "${DIGEST_ALGORITHM}"`, {
        field: `${field}.algorithm`,
      });
    }
    const wallets = input.wallets;
    if (!Number.isSafeInteger(wallets) || (wallets as number) < 0) {
      throw new ValidationError(`${field}.wallets must be a whole number`, {
        field: `${field}.wallets`,
      });
    }
    const createdAt = text(input.createdAt, `${field}.createdAt`, /^[\x21-\x7e]{1,40}$/);
    return { digestId, createdAt, wallets: wallets as number, root, algorithm: DIGEST_ALGORITHM };
  }
  const leaf = requestObject(input.leaf as object, `${field}.leaf`) as Record<string, unknown>;
  const sequence = leaf.sequence;
  if (!Number.isSafeInteger(sequence) || (sequence as number) < 0) {
    throw new ValidationError(`${field}.leaf.sequence must be a whole number`, {
      field: `${field}.leaf.sequence`,
    });
  }
  if (!Array.isArray(input.path) || input.path.length > MAX_PATH) {
    throw new ValidationError(`${field}.path must be an array of at most ${MAX_PATH} steps`, {
      field: `${field}.path`,
    });
  }
  const path = input.path.map((step: unknown, i): ProofStep => {
    const where = `${field}.path[${i}]`;
    const { side, hash } = requestObject(step as object, where) as Record<string, unknown>;
    if (side !== 'left' && side !== 'right') {
      throw new ValidationError(`${where}.side must be "left" or "right"`, { field: where });
    }
    return { side, hash: text(hash, `${where}.hash`, HASH_PATTERN) };
  });
  return {
    digestId,
    root,
    leaf: {
      accountId: checkAccountId(leaf.accountId, `${field}.leaf.accountId`),
      sequence: sequence as number,
      hash: text(leaf.hash, `${field}.leaf.hash`, HASH_PATTERN),
    },
    path,
  };
}

function text(value: unknown, field: string, pattern: RegExp): string {
  if (typeof value !== 'string' || !pattern.test(value)) {
    throw new ValidationError(`${field} is malformed`, { field });
  }
  return value;
}
