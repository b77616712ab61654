import type { dom } from 'ion-js';
import { compareIon, indexKey } from './ion-compare.js';
import type { ComparisonOperator } from './partiql.js';

/**
 * The committed, current revision of one document.
 *
 * @example
 * const [wallet] = fake.documents('Wallets');
 * console.log(wallet?.id, wallet?.version, wallet?.txId);
 */
export interface StoredDocument {
  /** The QLDB document id, fixed for the document's life. */
  readonly id: string;
  /** 0 when inserted, +1 on every committed change. */
  readonly version: number;
  /** The user data: an Ion struct. */
  readonly data: dom.Value;
  /** When the revision was committed. */
  readonly txTime: Date;
  /** The transaction that committed it; `tampered` for a document `rewriteDocuments` added. */
  readonly txId: string;
  /** The journal block (commit sequence) that wrote this revision. */
  readonly blockSequence: number;
}

/** One WHERE conjunct with its operands resolved to Ion values. */
export type ResolvedPredicate =
  | { kind: 'compare'; field: string; operator: ComparisonOperator; value: dom.Value }
  | { kind: 'in'; field: string; values: dom.Value[] };

const OPERATORS: Record<ComparisonOperator, (order: number) => boolean> = {
  '=': (order) => order === 0,
  '<': (order) => order < 0,
  '<=': (order) => order <= 0,
  '>': (order) => order > 0,
  '>=': (order) => order >= 0,
};

/**
 * True when a document's data satisfies every predicate (an empty list matches everything).
 *
 * @example
 * matchesAll(doc.data, [{ kind: 'compare', field: 'accountId', operator: '=', value }]);
 */
export function matchesAll(data: dom.Value, predicates: readonly ResolvedPredicate[]): boolean {
  return predicates.every((predicate) => {
    const field = data.get(...predicate.field.split('.'));
    if (field === null) return false;
    if (predicate.kind === 'in') return predicate.values.some((v) => compareIon(field, v) === 0);
    const order = compareIon(field, predicate.value);
    return order !== undefined && OPERATORS[predicate.operator](order);
  });
}

/**
 * One QLDB table: its current documents and equality indexes on top-level fields. Indexes only
 * make lookups fast; results are always those of a full scan.
 */
export class LedgerTable {
  readonly name: string;
  readonly tableId: string;
  readonly #documents = new Map<string, StoredDocument>();
  readonly #indexes = new Map<string, Map<string, Set<string>>>();

  constructor(name: string, tableId: string) {
    this.name = name;
    this.tableId = tableId;
  }

  /** The indexed top-level fields, in creation order. */
  get indexedFields(): string[] {
    return [...this.#indexes.keys()];
  }

  /** Every current document. */
  documents(): IterableIterator<StoredDocument> {
    return this.#documents.values();
  }

  get(id: string): StoredDocument | undefined {
    return this.#documents.get(id);
  }

  addIndex(field: string): void {
    if (this.#indexes.has(field)) return;
    const index = new Map<string, Set<string>>();
    this.#indexes.set(field, index);
    for (const document of this.#documents.values()) this.#file(index, field, document, 'add');
  }

  /** Stores (or replaces) a document and keeps the indexes in step. */
  put(document: StoredDocument): void {
    this.delete(document.id);
    this.#documents.set(document.id, document);
    for (const [field, index] of this.#indexes) this.#file(index, field, document, 'add');
  }

  delete(id: string): void {
    const existing = this.#documents.get(id);
    if (!existing) return;
    for (const [field, index] of this.#indexes) this.#file(index, field, existing, 'remove');
    this.#documents.delete(id);
  }

  /** The documents matching every predicate, found through an index when one applies. */
  select(predicates: readonly ResolvedPredicate[]): StoredDocument[] {
    const candidates = this.#candidates(predicates);
    const out: StoredDocument[] = [];
    for (const document of candidates)
      if (matchesAll(document.data, predicates)) out.push(document);
    return out;
  }

  #candidates(predicates: readonly ResolvedPredicate[]): Iterable<StoredDocument> {
    for (const predicate of predicates) {
      const index = this.#indexes.get(predicate.field);
      if (!index) continue;
      const values =
        predicate.kind === 'in'
          ? predicate.values
          : predicate.operator === '='
            ? [predicate.value]
            : [];
      const keys = values.map(indexKey);
      if (keys.length === 0 || keys.some((k) => k === undefined)) continue;
      const ids = new Set<string>();
      for (const key of keys) for (const id of index.get(key!) ?? []) ids.add(id);
      return [...ids].map((id) => this.#documents.get(id)!);
    }
    return this.#documents.values();
  }

  #file(
    index: Map<string, Set<string>>,
    field: string,
    document: StoredDocument,
    op: 'add' | 'remove',
  ): void {
    const value = document.data.get(field);
    const key = value === null ? undefined : indexKey(value);
    if (key === undefined) return;
    let ids = index.get(key);
    if (op === 'add') {
      if (!ids) {
        ids = new Set();
        index.set(key, ids);
      }
      ids.add(document.id);
    } else {
      ids?.delete(document.id);
      if (ids?.size === 0) index.delete(key);
    }
  }
}
