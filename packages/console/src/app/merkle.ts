/** One wallet's head as a digest holds it. */
export interface DigestLeaf {
  accountId: string;
  sequence: number;
  hash: string;
}

/** A sibling on the way from a leaf to the root: `left` makes the parent SHA-256(sibling || node). */
export interface ProofStep {
  side: 'left' | 'right';
  hash: string;
}

/** What `GET /v1/wallets/{accountId}/proof` answers. */
export interface DigestProof {
  digestId: string;
  root: string;
  leaf: DigestLeaf;
  path: ProofStep[];
}

const HEX_HASH = /^[0-9a-f]{64}$/;

/**
 * The root that `proof.path` leads to from `proof.leaf`, computed here with SubtleCrypto and
 * nothing the server says about it (`sha256-merkle-v1`, DESIGN section 10): the leaf is SHA-256
 * of the UTF-8 of its RFC 8785 JSON `{"accountId":…,"hash":…,"sequence":N}`, a parent SHA-256 of
 * its two children's 32 bytes, left then right. Null when the proof is malformed (a hash that is
 * not 64 lowercase hex digits, a side that is neither, a sequence that is not a whole number).
 */
export async function rootOfProof(proof: DigestProof): Promise<string | null> {
  const { leaf, path } = proof;
  if (
    typeof leaf?.accountId !== 'string' ||
    !Number.isSafeInteger(leaf.sequence) ||
    leaf.sequence < 0 ||
    !isHash(leaf.hash) ||
    !Array.isArray(path)
  ) {
    return null;
  }
  let node = await leafHash(leaf);
  for (const step of path) {
    if (!isHash(step?.hash) || (step.side !== 'left' && step.side !== 'right')) return null;
    const sibling = bytes(step.hash);
    node = await sha256(step.side === 'left' ? concat(sibling, node) : concat(node, sibling));
  }
  return hex(node);
}

/**
 * A leaf's hash: the three members in the order JCS sorts them, strings escaped as JSON (so
 * RFC 8785) writes them, the sequence an integer.
 */
export async function leafHash(leaf: DigestLeaf): Promise<Uint8Array<ArrayBuffer>> {
  const text = `{"accountId":${JSON.stringify(leaf.accountId)},"hash":${JSON.stringify(leaf.hash)},"sequence":${String(leaf.sequence)}}`;
  return sha256(new TextEncoder().encode(text));
}

/** True for 64 lowercase hex digits, the form every hash of a digest takes. */
export function isHash(value: unknown): value is string {
  return typeof value === 'string' && HEX_HASH.test(value);
}

async function sha256(data: Uint8Array<ArrayBuffer>): Promise<Uint8Array<ArrayBuffer>> {
  return new Uint8Array(await crypto.subtle.digest('SHA-256', data));
}

function concat(left: Uint8Array, right: Uint8Array): Uint8Array<ArrayBuffer> {
  const out = new Uint8Array(left.length + right.length);
  out.set(left, 0);
  out.set(right, left.length);
  return out;
}

function bytes(text: string): Uint8Array<ArrayBuffer> {
  const out = new Uint8Array(text.length / 2);
  for (let i = 0; i < out.length; i++) out[i] = Number.parseInt(text.slice(2 * i, 2 * i + 2), 16);
  return out;
}

/** Lowercase hex of bytes. */
export function hex(data: Uint8Array): string {
  let out = '';
  for (const byte of data) out += byte.toString(16).padStart(2, '0');
  return out;
}
