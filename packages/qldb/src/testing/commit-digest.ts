import { load } from 'ion-js';
import { dotHash, ionHash, ionHashOfString } from './ion-hash.js';

/**
 * The running commit digest of one QLDB transaction, recomputed on the server side from what it
 * actually received: it starts as the Ion hash of the transaction id, and every statement folds
 * in with the dot operator as `hash(statement) . hash(parameter 1) . hash(parameter 2) ...`.
 * A client whose digest differs at commit sent (or hashed) something else, and QLDB refuses it.
 *
 * @example
 * const digest = new CommitDigest(transactionId);
 * digest.addStatement('INSERT INTO Wallets ?', [ionBinary]);
 * digest.matches(clientDigest);
 */
export class CommitDigest {
  #digest: Uint8Array;

  constructor(transactionId: string) {
    this.#digest = ionHashOfString(transactionId);
  }

  /** Folds one executed statement and its Ion binary parameters into the digest. */
  addStatement(statement: string, parameters: readonly Uint8Array[]): void {
    this.#digest = dotHash(this.#digest, statementHash(statement, parameters));
  }

  /** The digest so far. */
  get bytes(): Uint8Array {
    return this.#digest;
  }

  /** True when `clientDigest` equals the digest so far. */
  matches(clientDigest: Uint8Array): boolean {
    return Buffer.from(clientDigest).equals(Buffer.from(this.#digest));
  }
}

/**
 * One statement's share of a commit digest: `hash(statement) . hash(parameter 1) . ...`, which
 * QLDB also reports as the statement's `statementDigest` in block summaries.
 *
 * @example
 * statementHash('SELECT * FROM Wallets WHERE accountId = ?', [dumpBinary('p1')]);
 */
export function statementHash(statement: string, parameters: readonly Uint8Array[]): Uint8Array {
  let hash = ionHashOfString(statement);
  for (const parameter of parameters) {
    const value = load(parameter);
    if (value === null) throw new Error('a statement parameter holds no Ion value');
    hash = dotHash(hash, ionHash(value));
  }
  return hash;
}
