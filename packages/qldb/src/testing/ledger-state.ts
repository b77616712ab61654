import type { dom } from 'ion-js';
import { qldbId } from './ids.js';
import { CommitLog, type DocumentChange } from './occ.js';
import { QldbServiceError } from './service-errors.js';
import type { LedgerTable, StoredDocument } from './tables.js';
import type { CommittedTables, ExecutedStatement, FakeTransaction } from './transaction.js';

/** One document revision a commit produced; `data` is null for a delete. */
export interface CommittedRevision {
  tableName: string;
  tableId: string;
  id: string;
  version: number;
  data: dom.Value | null;
  /** Indexes into the block's statements of the statements that touched the document. */
  statements: number[];
}

/** Everything one commit wrote, as the journal records it in a block. */
export interface CommittedBlock {
  /** The block's sequence number on the ledger's strand: the commit sequence. */
  sequence: number;
  transactionId: string;
  txTime: Date;
  statements: readonly ExecutedStatement[];
  revisions: CommittedRevision[];
}

/**
 * The committed state of the fake ledger: its tables and the log of recent commits that OCC
 * validation reads. `commit` is synchronous, so the single-threaded server commits atomically.
 *
 * @example
 * const ledger = new LedgerState(30_000, (block) => journal.append(block));
 * ledger.commit(transaction);
 */
export class LedgerState implements CommittedTables {
  /** The journal strand every block of this ledger is on. */
  readonly strandId = qldbId();
  readonly #tables = new Map<string, LedgerTable>();
  readonly #log: CommitLog;
  readonly #onCommit: (block: CommittedBlock) => void;

  constructor(transactionTimeoutMs: number, onCommit: (block: CommittedBlock) => void) {
    this.#log = new CommitLog(transactionTimeoutMs);
    this.#onCommit = onCommit;
  }

  get sequence(): number {
    return this.#log.sequence;
  }

  table(name: string): LedgerTable | undefined {
    return this.#tables.get(name);
  }

  tables(): Iterable<LedgerTable> {
    return this.#tables.values();
  }

  /**
   * Validates a transaction's reads against what committed since and applies its writes, or
   * throws `OccConflictException` and applies nothing.
   */
  commit(transaction: FakeTransaction): CommittedBlock {
    const conflict = transaction.reads.conflict(
      this.#log,
      (table, id) => this.#tables.get(table)?.get(id)?.version,
    );
    if (conflict) {
      throw new QldbServiceError(
        'OccConflictException',
        `Optimistic concurrency control (OCC) failure encountered while committing the transaction ${transaction.id}: ${conflict}`,
      );
    }
    const txTime = new Date();
    const blockSequence = this.#log.sequence + 1;
    for (const table of transaction.newTables.values()) this.#tables.set(table.name, table);
    for (const { table, field } of transaction.newIndexes) this.#tables.get(table)?.addIndex(field);
    const changes: DocumentChange[] = [];
    const revisions: CommittedRevision[] = [];
    for (const write of transaction.writes.values()) {
      const table = this.#tables.get(write.table)!;
      const current = table.get(write.id);
      const version = current ? current.version + 1 : 0;
      if (write.data === null) table.delete(write.id);
      else {
        const document: StoredDocument = {
          id: write.id,
          version,
          data: write.data,
          txTime,
          txId: transaction.id,
          blockSequence,
        };
        table.put(document);
      }
      changes.push({
        table: table.name,
        id: write.id,
        before: current?.data ?? null,
        after: write.data,
      });
      revisions.push({
        tableName: table.name,
        tableId: table.tableId,
        id: write.id,
        version,
        data: write.data,
        statements: write.statements,
      });
    }
    this.#log.append(changes);
    const block: CommittedBlock = {
      sequence: blockSequence,
      transactionId: transaction.id,
      txTime,
      statements: transaction.statements,
      revisions,
    };
    // Transactions that changed no document (reads, DDL) leave nothing for a stream to carry.
    if (revisions.length > 0) this.#onCommit(block);
    return block;
  }

  /**
   * Replaces a table's documents behind every rule (no OCC, no stream records): for tamper
   * tests. `edit` gets the current documents and returns those to keep and bare Ion structs to
   * store as new documents, each written as if by its own later block, in the order given.
   */
  rewrite(
    tableName: string,
    edit: (documents: StoredDocument[]) => (StoredDocument | dom.Value)[],
  ): void {
    const table = this.#tables.get(tableName);
    if (!table) throw new Error(`the fake ledger has no table ${tableName}`);
    const before = [...table.documents()];
    for (const document of before) table.delete(document.id);
    // Recorded as commits, so a transaction that read the old documents cannot commit on them.
    this.#log.append(
      before.map((d) => ({ table: tableName, id: d.id, before: d.data, after: null })),
    );
    for (const item of edit(before)) {
      // Stored documents are plain objects; Ion structs have their own prototype.
      if (Object.getPrototypeOf(item) === Object.prototype) {
        table.put(item as StoredDocument);
        continue;
      }
      const data = item as dom.Value;
      const id = qldbId();
      const blockSequence = this.#log.append([{ table: tableName, id, before: null, after: data }]);
      table.put({ id, version: 0, data, txTime: new Date(), txId: 'tampered', blockSequence });
    }
  }
}
