import type { dom } from 'ion-js';
import { matchesAll, type ResolvedPredicate } from './tables.js';

/** One document change of a committed transaction. */
export interface DocumentChange {
  table: string;
  id: string;
  /** The data before the change; null for an insert. */
  before: dom.Value | null;
  /** The data after the change; null for a delete. */
  after: dom.Value | null;
}

interface CommitRecord {
  sequence: number;
  committedAt: number;
  changes: readonly DocumentChange[];
}

/**
 * What one transaction read, for optimistic concurrency control at commit: every committed
 * document it saw (with the version it saw) and every predicate it searched by, with the commit
 * sequence the search ran at, so a document inserted or changed later to match the search (a
 * phantom) is a conflict too.
 *
 * @example
 * reads.document('Wallets', doc.id, doc.version);
 * reads.predicate('Wallets', [{ kind: 'compare', field: 'accountId', operator: '=', value }], log.sequence);
 */
export class ReadSet {
  readonly #documents = new Map<string, { table: string; id: string; version: number }>();
  readonly #predicates: { table: string; predicates: ResolvedPredicate[]; sequence: number }[] = [];

  /** Records a committed document revision the transaction read. */
  document(table: string, id: string, version: number): void {
    const key = `${table}\u0000${id}`;
    if (!this.#documents.has(key)) this.#documents.set(key, { table, id, version });
  }

  /** Records a search over committed data as of commit `sequence`. */
  predicate(table: string, predicates: ResolvedPredicate[], sequence: number): void {
    this.#predicates.push({ table, predicates, sequence });
  }

  /**
   * Why this read set conflicts with what committed since, or null when it does not.
   * `currentVersion` gives a document's committed version now (undefined when deleted).
   */
  conflict(
    log: CommitLog,
    currentVersion: (table: string, id: string) => number | undefined,
  ): string | null {
    for (const { table, id, version } of this.#documents.values()) {
      if (currentVersion(table, id) !== version) {
        return `document ${id} of ${table} changed after this transaction read it`;
      }
    }
    for (const { table, predicates, sequence } of this.#predicates) {
      for (const change of log.since(sequence)) {
        if (change.table !== table) continue;
        const hit = [change.before, change.after].some(
          (d) => d !== null && matchesAll(d, predicates),
        );
        if (hit)
          return `document ${change.id} of ${table} now matches a search this transaction made`;
      }
    }
    return null;
  }
}

/**
 * The changes of recently committed transactions, numbered by commit sequence. Only as much
 * history is kept as an open transaction can still need: none outlives the transaction timeout.
 *
 * @example
 * const sequence = log.append(changes);
 */
export class CommitLog {
  #sequence = 0;
  #records: CommitRecord[] = [];
  readonly #retentionMs: number;

  constructor(retentionMs: number) {
    this.#retentionMs = retentionMs;
  }

  /** The sequence of the last commit; reads made now see everything up to it. */
  get sequence(): number {
    return this.#sequence;
  }

  /** Records a commit and returns its sequence. */
  append(changes: readonly DocumentChange[], now = Date.now()): number {
    this.#sequence++;
    this.#records.push({ sequence: this.#sequence, committedAt: now, changes });
    const horizon = now - this.#retentionMs;
    const keepFrom = this.#records.findIndex((r) => r.committedAt >= horizon);
    if (keepFrom > 0) this.#records = this.#records.slice(keepFrom);
    return this.#sequence;
  }

  /** Every change committed after `sequence`. */
  *since(sequence: number): Generator<DocumentChange> {
    for (const record of this.#records) {
      if (record.sequence > sequence) yield* record.changes;
    }
  }
}
