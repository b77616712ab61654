import { dom, IonTypes, load, Timestamp } from 'ion-js';
import { CommitDigest, statementHash } from './commit-digest.js';
import { qldbId } from './ids.js';
import { dotHash, ionHash } from './ion-hash.js';
import { ReadSet } from './occ.js';
import {
  type Operand,
  PartiqlSyntaxError,
  type Predicate,
  parameterCount,
  parseStatement,
  type Statement,
  USER_TABLES,
} from './partiql.js';
import { QldbServiceError } from './service-errors.js';
import { LedgerTable, matchesAll, type ResolvedPredicate, type StoredDocument } from './tables.js';

/** A document change a transaction will make when it commits. */
export interface PendingWrite {
  table: string;
  id: string;
  /** The new data; null deletes the document. */
  data: dom.Value | null;
  /** The committed revision the change replaces; null when this transaction inserted it. */
  base: StoredDocument | null;
  /** Indexes into {@link FakeTransaction.statements} of the statements that touched it. */
  statements: number[];
}

/** One executed statement, as a block summary lists it. */
export interface ExecutedStatement {
  statement: string;
  startTime: Date;
  /** hash(statement) . hash(parameter)...: the statement's share of the commit digest. */
  statementDigest: Uint8Array;
}

/** What a transaction needs of the ledger it runs on. */
export interface CommittedTables {
  /** The committed table of that name. */
  table(name: string): LedgerTable | undefined;
  /** Every committed table. */
  tables(): Iterable<LedgerTable>;
  /** The current commit sequence, stamped on reads for phantom detection. */
  readonly sequence: number;
  /** The journal strand of the ledger's blocks. */
  readonly strandId: string;
}

/** QLDB's fixed quota of documents one transaction may write. */
const MAX_DOCUMENTS_PER_TRANSACTION = 40;

/** The prefix of QLDB's committed views, which show documents with their journal metadata. */
const COMMITTED_VIEW = '_ql_committed_';

/**
 * One open QLDB transaction: it reads committed data plus its own uncommitted writes, keeps its
 * writes private until commit, and records what it read for OCC validation and what it executed
 * for the commit digest.
 *
 * @example
 * const txn = new FakeTransaction(ledger, 200);
 * const values = txn.execute('SELECT * FROM Wallets WHERE accountId = ?', [param]);
 */
export class FakeTransaction {
  readonly id = qldbId();
  readonly startedAt = Date.now();
  readonly digest: CommitDigest;
  readonly reads = new ReadSet();
  readonly statements: ExecutedStatement[] = [];
  readonly writes = new Map<string, PendingWrite>();
  readonly newTables = new Map<string, LedgerTable>();
  readonly newIndexes: { table: string; field: string }[] = [];
  readonly #ledger: CommittedTables;
  readonly #pages = new Map<string, dom.Value[]>();
  readonly #pageSize: number;

  constructor(ledger: CommittedTables, pageSize: number) {
    this.#ledger = ledger;
    this.#pageSize = pageSize;
    this.digest = new CommitDigest(this.id);
  }

  /** Runs one statement and returns its first page of results. */
  execute(
    source: string,
    parameters: readonly Uint8Array[],
  ): { values: dom.Value[]; nextPageToken?: string } {
    // The client folded the statement into its digest when it sent it, whatever its fate here.
    this.digest.addStatement(source, parameters);
    let statement: Statement;
    try {
      statement = parseStatement(source);
    } catch (error) {
      if (error instanceof PartiqlSyntaxError)
        throw new QldbServiceError('BadRequestException', error.message);
      throw error;
    }
    const expected = parameterCount(statement);
    if (expected !== parameters.length) {
      throw new QldbServiceError(
        'BadRequestException',
        `the statement takes ${expected} parameters but ${parameters.length} were given: ${source}`,
      );
    }
    const values = parameters.map((bytes) => {
      const value = load(bytes);
      if (value === null)
        throw new QldbServiceError('BadRequestException', 'a parameter holds no Ion value');
      return value;
    });
    this.statements.push({
      statement: source,
      startTime: new Date(),
      statementDigest: statementHash(source, parameters),
    });
    const index = this.statements.length - 1;
    return this.#page(this.#run(statement, values, index));
  }

  /** The next page of an earlier statement's results. */
  fetchPage(token: string): { values: dom.Value[]; nextPageToken?: string } {
    const rest = this.#pages.get(token);
    if (!rest) throw new QldbServiceError('BadRequestException', `no page has the token ${token}`);
    this.#pages.delete(token);
    return this.#page(rest);
  }

  #page(values: dom.Value[]): { values: dom.Value[]; nextPageToken?: string } {
    if (values.length <= this.#pageSize) return { values };
    const token = qldbId();
    this.#pages.set(token, values.slice(this.#pageSize));
    return { values: values.slice(0, this.#pageSize), nextPageToken: token };
  }

  #run(statement: Statement, parameters: dom.Value[], index: number): dom.Value[] {
    switch (statement.kind) {
      case 'createTable': {
        if (this.#table(statement.table, false)) {
          throw new QldbServiceError(
            'BadRequestException',
            `table ${statement.table} already exists`,
          );
        }
        const table = new LedgerTable(statement.table, qldbId());
        this.newTables.set(table.name, table);
        return [struct([['tableId', new dom.String(table.tableId)]])];
      }
      case 'createIndex': {
        const table = this.#table(statement.table, true)!;
        if (this.newTables.has(table.name)) table.addIndex(statement.field);
        else this.newIndexes.push({ table: table.name, field: statement.field });
        return [struct([['tableId', new dom.String(table.tableId)]])];
      }
      case 'select': {
        const predicates = resolvePredicates(statement.where, parameters);
        let rows: dom.Value[];
        if (statement.table === USER_TABLES)
          rows = this.#userTables().filter((row) => matchesAll(row, predicates));
        else if (statement.table.startsWith(COMMITTED_VIEW))
          rows = this.#committedView(statement.table, predicates);
        else rows = this.#select(statement.table, predicates).map((hit) => hit.data);
        if (statement.fields === '*') return rows;
        const fields = statement.fields;
        return rows.map((row) =>
          struct(fields.flatMap((f) => (row.get(f) ? [[f, row.get(f)!]] : []))),
        );
      }
      case 'insert': {
        const table = this.#table(statement.table, true)!;
        const documents = statement.values.flatMap((operand) => {
          const value = resolve(operand, parameters);
          return value.getType() === IonTypes.LIST && !value.isNull() ? value.elements() : [value];
        });
        return documents.map((data) => {
          if (data.getType() !== IonTypes.STRUCT || data.isNull()) {
            throw new QldbServiceError(
              'BadRequestException',
              `only structs can be inserted into ${table.name}`,
            );
          }
          const id = qldbId();
          this.#admitWrite(key(table.name, id));
          this.writes.set(key(table.name, id), {
            table: table.name,
            id,
            data,
            base: null,
            statements: [index],
          });
          return struct([['documentId', new dom.String(id)]]);
        });
      }
      case 'update':
      case 'delete': {
        const predicates = resolvePredicates(statement.where, parameters);
        const hits = this.#select(statement.table, predicates);
        return hits.map((hit) => {
          const pending = this.writes.get(key(statement.table, hit.id));
          let data: dom.Value | null = null;
          if (statement.kind === 'update') {
            const changes = new Map(
              statement.set.map((s) => [s.field, resolve(s.operand, parameters)]),
            );
            const kept = hit.data.allFields().filter(([name]) => !changes.has(name));
            data = new dom.Struct([
              ...kept,
              ...[...changes].map(([f, v]) => [f, [v]] as [string, dom.Value[]]),
            ]);
          }
          const base = pending ? pending.base : this.#ledger.table(statement.table)!.get(hit.id)!;
          if (data === null && base === null) this.writes.delete(key(statement.table, hit.id));
          else {
            const statements = [...(pending?.statements ?? []), index];
            this.#admitWrite(key(statement.table, hit.id));
            this.writes.set(key(statement.table, hit.id), {
              table: statement.table,
              id: hit.id,
              data,
              base,
              statements,
            });
          }
          return struct([['documentId', new dom.String(hit.id)]]);
        });
      }
    }
  }

  /** Refuses a write to a document beyond the quota, as QLDB refuses the statement. */
  #admitWrite(documentKey: string): void {
    if (!this.writes.has(documentKey) && this.writes.size >= MAX_DOCUMENTS_PER_TRANSACTION) {
      throw new QldbServiceError(
        'BadRequestException',
        `a transaction may write at most ${MAX_DOCUMENTS_PER_TRANSACTION} documents`,
      );
    }
  }

  #table(name: string, required: boolean): LedgerTable | undefined {
    const table = this.#ledger.table(name) ?? this.newTables.get(name);
    if (!table && required)
      throw new QldbServiceError('BadRequestException', `no such table: ${name}`);
    return table;
  }

  /** Committed documents (recorded as read) overlaid with this transaction's own writes. */
  #select(name: string, predicates: ResolvedPredicate[]): { id: string; data: dom.Value }[] {
    const table = this.#table(name, true)!;
    const hits: { id: string; data: dom.Value }[] = [];
    const committed = this.#ledger.table(name);
    if (committed) {
      this.reads.predicate(name, predicates, this.#ledger.sequence);
      for (const document of committed.select(predicates)) {
        this.reads.document(name, document.id, document.version);
        if (!this.writes.has(key(name, document.id))) hits.push(document);
      }
    }
    for (const write of this.writes.values()) {
      if (write.table === table.name && write.data && matchesAll(write.data, predicates)) {
        hits.push({ id: write.id, data: write.data });
      }
    }
    return hits;
  }

  /**
   * Rows `{ blockAddress, hash, data, metadata }` of committed documents only (a transaction's
   * own writes are not committed yet). Only `data.*` paths can be searched, as the adapter does.
   */
  #committedView(view: string, predicates: ResolvedPredicate[]): dom.Value[] {
    const name = view.slice(COMMITTED_VIEW.length);
    const table = this.#ledger.table(name);
    if (!table) throw new QldbServiceError('BadRequestException', `no such table: ${view}`);
    const onData = predicates.map((p) => {
      if (!p.field.startsWith('data.')) {
        throw new QldbServiceError(
          'BadRequestException',
          `the fake searches ${view} by data.* paths only, not ${p.field}`,
        );
      }
      return { ...p, field: p.field.slice('data.'.length) };
    });
    this.reads.predicate(name, onData, this.#ledger.sequence);
    return table.select(onData).map((document) => {
      this.reads.document(name, document.id, document.version);
      const metadata = struct([
        ['id', new dom.String(document.id)],
        ['version', new dom.Integer(document.version)],
        ['txTime', new dom.Timestamp(Timestamp.parse(document.txTime.toISOString())!)],
        ['txId', new dom.String(document.txId)],
      ]);
      return struct([
        [
          'blockAddress',
          struct([
            ['strandId', new dom.String(this.#ledger.strandId)],
            ['sequenceNo', new dom.Integer(document.blockSequence)],
          ]),
        ],
        ['hash', new dom.Blob(dotHash(ionHash(document.data), ionHash(metadata)))],
        ['data', document.data],
        ['metadata', metadata],
      ]);
    });
  }

  #userTables(): dom.Value[] {
    const tables = [...this.#ledger.tables(), ...this.newTables.values()];
    return tables.map((table) => {
      const fields = [
        ...table.indexedFields,
        ...this.newIndexes.filter((i) => i.table === table.name).map((i) => i.field),
      ];
      const indexes = fields.map((field) =>
        struct([
          ['expr', new dom.String(`[${field}]`)],
          ['status', new dom.String('ONLINE')],
        ]),
      );
      return struct([
        ['name', new dom.String(table.name)],
        ['tableId', new dom.String(table.tableId)],
        ['status', new dom.String('ACTIVE')],
        ['indexes', new dom.List(indexes)],
      ]);
    });
  }
}

function key(table: string, id: string): string {
  return `${table}\u0000${id}`;
}

function struct(fields: [string, dom.Value][]): dom.Value {
  return new dom.Struct(fields);
}

function resolve(operand: Operand, parameters: readonly dom.Value[]): dom.Value {
  if (operand.kind === 'parameter') return parameters[operand.index]!;
  if (operand.kind === 'string') return new dom.String(operand.value);
  return new dom.Integer(operand.value);
}

function resolvePredicates(
  where: readonly Predicate[],
  parameters: readonly dom.Value[],
): ResolvedPredicate[] {
  return where.map((p) =>
    p.kind === 'in'
      ? { kind: 'in', field: p.field, values: p.operands.map((o) => resolve(o, parameters)) }
      : {
          kind: 'compare',
          field: p.field,
          operator: p.operator,
          value: resolve(p.operand, parameters),
        },
  );
}
