import { createHash } from 'node:crypto';
import {
  ACCOUNT_ID_PATTERN,
  type CurrencyConfig,
  CurrencyRegistry,
  createMemoryLedger,
  createWalletService,
  isStorableText,
  type LedgerStore,
  type Metadata,
  type RetryPolicy,
  WalletError,
  type WalletService,
  withRetries,
} from '@wallet/core';
import { type AccountIdRule, defaultAccountIdRule } from './account-ids.js';
import type {
  ClosedDocument,
  ImportReport,
  MergedAccount,
  RefusedRevision,
  RenamedAccount,
  RoundedBalance,
  UnimportedDocument,
  UnreconciledWallet,
} from './import-report.js';
import { readQldbExport } from './reader.js';
import { convertBalance } from './sample-balance.js';
import type { ExportSource } from './sources.js';
import type { IonJson, JournalBlock, JournalRevision } from './types.js';

/**
 * How far an import has got: `read` counts the export's data objects, `reconcile` the wallets
 * checked after the last object.
 *
 * @example
 * const onProgress = (p: ImportProgress) => console.error(`${p.phase} ${p.done}/${p.total}, ${p.entries} entries`);
 */
export interface ImportProgress {
  /** `read`: importing data objects; `reconcile`: checking wallets. */
  readonly phase: 'read' | 'reconcile';
  /** Data objects read so far (`read`) or wallets checked (`reconcile`). */
  readonly done: number;
  /** Data objects in the export (`read`) or wallets to check (`reconcile`). */
  readonly total: number;
  /** Revisions of the table read so far. */
  readonly revisions: number;
  /** Entries written so far. */
  readonly entries: number;
  /** Entries found written already so far (a re-run replays them all). */
  readonly replayed: number;
}

/**
 * Options of {@link importQldbExport}.
 *
 * @example
 * const options: ImportQldbExportOptions = {
 *   source: directorySource('./export'),
 *   ledger: createPostgresLedger({ client: pool }),
 *   currencies: [{ code: 'COINS', scale: 2 }],
 * };
 */
export interface ImportQldbExportOptions {
  /** Where the export is: {@link directorySource} or {@link s3Source}. */
  readonly source: ExportSource;
  /** The ledger to import into; not written (and not needed) with `dryRun`. */
  readonly ledger?: LedgerStore;
  /** The service's currencies, limits included: the core rules apply to every entry. */
  readonly currencies: readonly CurrencyConfig[];
  /** The currency the sample's balances are in; the first of `currencies` when absent. */
  readonly currency?: string;
  /** The sample's QLDB table; `Wallet` (its default) when absent. */
  readonly table?: string;
  /** How a sample account id becomes a wallet id; {@link defaultAccountIdRule} when absent. */
  readonly accountIds?: AccountIdRule;
  /** Import into an in-memory ledger instead and report what the import would do. */
  readonly dryRun?: boolean;
  /** Wallets written at once, an integer from 1 to 256 (each wallet's revisions stay in order); 8 when absent. */
  readonly concurrency?: number;
  /** Recompute and check every hash of the export (default `true`). */
  readonly verify?: boolean;
  /**
   * Read and verify the export on a worker thread (default `true`), beside the writes: parsing
   * Ion and hashing cost about as much CPU as the writes themselves. `false` reads on the
   * calling thread.
   */
  readonly worker?: boolean;
  /**
   * How a call the ledger failed (`STORE_UNAVAILABLE`, `OUTCOME_UNKNOWN`, `CONCURRENCY_CONFLICT`)
   * is retried, under the revision's own idempotency key; core's `withRetries` defaults.
   */
  readonly retry?: RetryPolicy;
  /** Called as data objects are read and wallets reconciled. */
  readonly onProgress?: (progress: ImportProgress) => void;
}

/** Errors the core rules give for one revision's content: the revision is refused, the import goes on. */
const REFUSING_CODES = new Set([
  'VALIDATION_ERROR',
  'INVALID_AMOUNT',
  'INSUFFICIENT_FUNDS',
  'BALANCE_LIMIT_EXCEEDED',
  'IDEMPOTENCY_KEY_REUSED',
]);

/** Marks a wallet an import created, so a re-run can tell it from one the studio made. */
const IMPORTED_FROM = 'qldb-export';

interface Refusal {
  readonly code: string;
  readonly reason: string;
}

interface DocumentState {
  /** The wallet, or null when the document's account id was refused (with `refusal`). */
  readonly accountId: string | null;
  readonly refusal: Refusal | null;
  /** The `accountId` value of the document's first revision, as JSON. */
  readonly original: string;
  /** The document's last balance the export gave, in minor units. */
  units: bigint;
  /** The last version taken. */
  version: number;
  /**
   * Why the export's latest balance for the document is not what was imported (a balance no
   * number, an account id changed, a redaction), until a later revision is imported.
   */
  stuck: Refusal | null;
}

interface AccountState {
  /** The sum of its documents' last balances, in minor units. */
  expected: bigint;
  readonly documentIds: string[];
  /** The original account id (as JSON) its documents hold: only the same original merges. */
  readonly original: string;
}

type Task =
  | {
      readonly kind: 'create';
      readonly accountId: string;
      readonly time: Date;
      readonly metadata: Metadata;
      readonly documentId: string;
      readonly version: number;
      /** The revision's place in the journal, to list refusals in journal order. */
      readonly position: number;
    }
  | {
      readonly kind: 'funds';
      readonly accountId: string;
      readonly credit: boolean;
      readonly amount: string;
      readonly time: Date;
      readonly metadata: Metadata;
      readonly documentId: string;
      readonly version: number;
      /** The revision's place in the journal, to list refusals in journal order. */
      readonly position: number;
    };

/** One wallet service per lane, its clock set to the revision being written. */
interface Lane {
  time: Date;
  readonly service: WalletService;
  tail: Promise<void>;
}

/** FNV-1a: a wallet always goes to the same lane, so its revisions are written in order. */
function laneOf(accountId: string, lanes: number): number {
  let hash = 0x811c9dc5;
  for (let i = 0; i < accountId.length; i++) {
    hash = Math.imul(hash ^ accountId.charCodeAt(i), 0x01000193);
  }
  return (hash >>> 0) % lanes;
}

function field(data: IonJson, name: string): IonJson | undefined {
  if (typeof data !== 'object' || data === null || Array.isArray(data) || '$ion' in data) {
    return undefined;
  }
  return Object.hasOwn(data, name) ? (data as Record<string, IonJson>)[name] : undefined;
}

const VERIFIED_RANK = { none: 0, 'hash-chain': 1, full: 2 } as const;

/**
 * A document id as keys and metadata may hold it: QLDB's own ids (22 base62 characters) as they
 * are, anything else an export could hold (non-ASCII, kilobytes long) as its SHA-256.
 */
function documentKey(documentId: string): string {
  if (/^[\x21-\x7e]{1,128}$/.test(documentId)) return documentId;
  return `sha256:${createHash('sha256').update(documentId).digest('hex')}`;
}

/** A string metadata can hold as it is: short, and core's storable text (no U+0000, no lone surrogate). */
function storable(text: string): boolean {
  return text.length <= 256 && isStorableText(text);
}

function checkedConcurrency(value: number | undefined): number {
  if (value === undefined) return 8;
  if (!Number.isInteger(value) || value < 1 || value > 256) {
    throw new TypeError(`concurrency must be an integer from 1 to 256, not ${value}`);
  }
  return value;
}

/**
 * Imports a QLDB journal export of the original serverless wallet sample's `Wallet` table:
 * every document's revisions, in journal order, become its wallet's history. The balance change
 * between two revisions is a credit or a debit at the revision's `txTime`, keyed
 * `qldb:<documentId>:<version>`, so a re-run writes nothing again and an interrupted run picks
 * up where it stopped; a first revision with a balance is an opening credit; a delete debits the
 * document's balance to zero. Balances are converted at the currency's scale (half to even,
 * every rounding listed), account ids the SDK refuses are renamed by `accountIds`, documents of
 * one account are merged into one wallet, and anything the core rules refuse is listed. Then
 * every wallet is reconciled: its balance must equal the export's and its chain must verify.
 *
 * Memory holds the export's data object being read, a few numbers a document and the report's
 * lists; never the whole export.
 *
 * @throws {QldbExportError} when the export cannot be read or a block does not verify
 * @throws {WalletError} `STORE_UNAVAILABLE`, `OUTCOME_UNKNOWN` or `CONCURRENCY_CONFLICT` when the
 *   ledger still fails after `retry`'s attempts: run the import again, it resumes
 * @example
 * const report = await importQldbExport({
 *   source: directorySource('./export'),
 *   ledger: createPostgresLedger({ client: pool }),
 *   currencies: [{ code: 'COINS', scale: 2 }],
 * });
 * console.log(report.wallets, report.entries, report.reconciled);
 */
export async function importQldbExport(options: ImportQldbExportOptions): Promise<ImportReport> {
  const dryRun = options.dryRun ?? false;
  const ledger = dryRun ? createMemoryLedger() : options.ledger;
  if (ledger === undefined) throw new TypeError('importQldbExport needs a ledger unless dryRun');
  const registry = new CurrencyRegistry(options.currencies);
  const currency = registry.get(options.currency ?? registry.codes[0]);
  const table = options.table ?? 'Wallet';
  const rule = options.accountIds ?? defaultAccountIdRule;
  const concurrency = checkedConcurrency(options.concurrency);

  const documents = new Map<string, DocumentState>();
  const accounts = new Map<string, AccountState>();
  const renamedSeen = new Set<string>();
  const rounded: RoundedBalance[] = [];
  const renamed: RenamedAccount[] = [];
  const closed: ClosedDocument[] = [];
  /** Refusals with the revision's place in the journal: lanes finish in any order. */
  const refusals: { position: number; refusal: RefusedRevision }[] = [];
  /** Wallets no revision may be written to, and why (one no import made, one createWallet refused). */
  const blocked = new Map<string, Refusal>();
  const counts = { blocks: 0, revisions: 0, entries: 0, replayed: 0 };
  let verified: ImportReport['verified'] = 'full';

  const lanes: Lane[] = Array.from({ length: concurrency }, () => {
    const lane: Lane = {
      time: new Date(0),
      service: withRetries(
        createWalletService({
          ledger,
          currencies: options.currencies,
          defaultCurrency: currency.code,
          clock: () => lane.time,
        }),
        options.retry,
      ),
      tail: Promise.resolve(),
    };
    return lane;
  });

  const refuse = (
    position: number,
    documentId: string,
    version: number,
    accountId: string | null,
    code: string,
    reason: string,
  ) => refusals.push({ position, refusal: { documentId, version, accountId, code, reason } });

  async function execute(lane: Lane, task: Task): Promise<void> {
    lane.time = task.time;
    const { accountId, documentId, version, position } = task;
    if (task.kind === 'create') {
      try {
        await lane.service.createWallet({ accountId, metadata: task.metadata });
      } catch (error) {
        if (!(error instanceof WalletError)) throw error;
        if (error.code === 'WALLET_ALREADY_EXISTS') {
          const existing = await lane.service.getFunds({ accountId });
          if (existing.metadata?.importedFrom !== IMPORTED_FROM) {
            blocked.set(accountId, {
              code: 'WALLET_NOT_IMPORTED',
              reason: 'the ledger already holds a wallet with this id that no import made',
            });
          }
        } else if (REFUSING_CODES.has(error.code)) {
          blocked.set(accountId, { code: error.code, reason: error.message });
          refuse(position, documentId, version, accountId, error.code, error.message);
        } else {
          throw error;
        }
      }
      return;
    }
    const refusal = blocked.get(accountId);
    if (refusal) {
      refuse(position, documentId, version, accountId, refusal.code, refusal.reason);
      return;
    }
    const request = {
      accountId,
      amount: task.amount,
      currency: currency.code,
      idempotencyKey: `qldb:${documentKey(documentId)}:${version}`,
      metadata: task.metadata,
    };
    try {
      const result = task.credit
        ? await lane.service.addFunds(request)
        : await lane.service.withdrawFunds(request);
      if (result.replayed) counts.replayed++;
      else counts.entries++;
    } catch (error) {
      if (!(error instanceof WalletError) || !REFUSING_CODES.has(error.code)) throw error;
      refuse(position, documentId, version, accountId, error.code, error.message);
    }
  }

  // Tasks waiting or running, bounded so a long export never queues up in memory.
  const limit = concurrency * 64;
  let pending = 0;
  let failure: { error: unknown } | null = null;
  let wake: (() => void) | null = null;

  function enqueue(task: Task): void {
    const lane = lanes[laneOf(task.accountId, lanes.length)]!;
    pending++;
    lane.tail = lane.tail
      .then(() => (failure === null ? execute(lane, task) : undefined))
      .catch((error: unknown) => {
        failure ??= { error };
      })
      .finally(() => {
        pending--;
        wake?.();
      });
  }

  async function room(): Promise<void> {
    while (pending >= limit && failure === null) {
      await new Promise<void>((resolve) => {
        wake = resolve;
      });
      wake = null;
    }
  }

  function entryMetadata(revision: Extract<JournalRevision, { metadata: unknown }>): Metadata {
    const { id, version, txId } = revision.metadata;
    return { qldbDocumentId: documentKey(id), qldbVersion: version, qldbTxId: documentKey(txId) };
  }

  function change(
    revision: Extract<JournalRevision, { metadata: unknown }>,
    accountId: string,
    delta: bigint,
  ): void {
    if (delta === 0n) return;
    enqueue({
      kind: 'funds',
      accountId,
      credit: delta > 0n,
      amount: currency.render(delta > 0n ? delta : -delta),
      time: new Date(revision.metadata.txTime),
      metadata: entryMetadata(revision),
      documentId: revision.metadata.id,
      version: revision.metadata.version,
      // Tasks are made while their revision is taken: it is the last counted.
      position: counts.revisions,
    });
  }

  /** The state of a document first seen in this revision: its wallet created, or its id refused. */
  function firstSeen(
    revision: Extract<JournalRevision, { kind: 'document' }>,
    original: IonJson | undefined,
  ): DocumentState {
    const { id, version, txTime } = revision.metadata;
    const originalJson = JSON.stringify(original ?? null);
    const refused = (refusal: Refusal): DocumentState => ({
      accountId: null,
      refusal,
      original: originalJson,
      units: 0n,
      version,
      stuck: null,
    });
    if (original === undefined || original === null) {
      return refused({ code: 'NO_ACCOUNT_ID', reason: 'the document has no accountId' });
    }
    const mapped: unknown = rule(original);
    if (typeof mapped !== 'string' || !ACCOUNT_ID_PATTERN.test(mapped)) {
      return refused({
        code: 'ACCOUNT_ID_REFUSED',
        reason: `the account id rule gave no usable id for ${shortJson(originalJson)}`,
      });
    }
    const account = accounts.get(mapped);
    if (account && account.original !== originalJson) {
      // Two different originals under one id (a player who took another's renamed id in the
      // sample, or an account map naming one id twice): merging would hand one the other's money.
      return refused({
        code: 'ACCOUNT_ID_COLLISION',
        reason: `${shortJson(originalJson)} maps to ${mapped}, the wallet of ${shortJson(account.original)}`,
      });
    }
    if (mapped !== original) {
      const seen = `${originalJson}\u0000${mapped}`;
      if (!renamedSeen.has(seen)) {
        renamedSeen.add(seen);
        renamed.push({ from: original, to: mapped });
      }
    }
    if (account) {
      account.documentIds.push(id);
    } else {
      accounts.set(mapped, { expected: 0n, documentIds: [id], original: originalJson });
      const metadata: Metadata = { importedFrom: IMPORTED_FROM, qldbDocumentId: documentKey(id) };
      if (typeof original === 'string' && mapped !== original && storable(original)) {
        metadata.qldbAccountId = original;
      }
      enqueue({
        kind: 'create',
        accountId: mapped,
        time: new Date(txTime),
        metadata,
        documentId: id,
        version,
        position: counts.revisions,
      });
    }
    return {
      accountId: mapped,
      refusal: null,
      original: originalJson,
      units: 0n,
      version: -1,
      stuck: null,
    };
  }

  function take(revision: JournalRevision): void {
    if (revision.kind === 'system' || revision.tableName !== table) return;
    const position = ++counts.revisions;
    const { id, version } = revision.metadata;
    let document = documents.get(id);
    if (revision.kind === 'redacted') {
      const reason = 'the revision was redacted: its balance is not in the export';
      refuse(position, id, version, document?.accountId ?? null, 'REDACTED', reason);
      if (document) document.stuck = { code: 'REDACTED', reason: `version ${version}: ${reason}` };
      return;
    }
    if (revision.kind === 'document' && document === undefined) {
      document = firstSeen(revision, field(revision.data, 'accountId'));
      documents.set(id, document);
    }
    // A delete of a document the export never showed (it starts after the insert) closes nothing.
    if (document === undefined) return;
    if (document.accountId === null) {
      refuse(position, id, version, null, document.refusal!.code, document.refusal!.reason);
      // Follow its balance all the same: money left in a document with no wallet is reported.
      if (revision.kind === 'delete') {
        document.units = 0n;
      } else {
        const converted = convertBalance(field(revision.data, 'balance'), currency.scale);
        if (!('code' in converted)) document.units = converted.units;
      }
      return;
    }
    if (version <= document.version) {
      refuse(
        position,
        id,
        version,
        document.accountId,
        'VERSION_OUT_OF_ORDER',
        `version ${document.version} of the document was imported already`,
      );
      return;
    }
    const account = accounts.get(document.accountId)!;
    if (revision.kind === 'delete') {
      document.version = version;
      document.stuck = null;
      closed.push({
        accountId: document.accountId,
        documentId: id,
        version,
        balance: currency.render(document.units),
      });
      account.expected -= document.units;
      change(revision, document.accountId, -document.units);
      document.units = 0n;
      return;
    }
    const originalJson = JSON.stringify(field(revision.data, 'accountId') ?? null);
    if (originalJson !== document.original) {
      const reason = `the document's accountId changed from ${shortJson(document.original)} to ${shortJson(originalJson)}`;
      refuse(position, id, version, document.accountId, 'ACCOUNT_ID_CHANGED', reason);
      document.stuck = { code: 'ACCOUNT_ID_CHANGED', reason: `version ${version}: ${reason}` };
      return;
    }
    document.version = version;
    const converted = convertBalance(field(revision.data, 'balance'), currency.scale);
    if ('code' in converted) {
      refuse(position, id, version, document.accountId, converted.code, converted.reason);
      document.stuck = { code: converted.code, reason: `version ${version}: ${converted.reason}` };
      return;
    }
    document.stuck = null;
    if (!converted.exact) {
      rounded.push({
        accountId: document.accountId,
        documentId: id,
        version,
        from: converted.text,
        to: currency.render(converted.units),
      });
    }
    const delta = converted.units - document.units;
    document.units = converted.units;
    account.expected += delta;
    change(revision, document.accountId, delta);
  }

  let objects = { done: 0, total: 0 };
  const progress = (phase: ImportProgress['phase'], done: number, total: number) =>
    options.onProgress?.({
      phase,
      done,
      total,
      revisions: counts.revisions,
      entries: counts.entries,
      replayed: counts.replayed,
    });

  const blocks: AsyncGenerator<JournalBlock> = readQldbExport(options.source, {
    verify: options.verify ?? true,
    worker: options.worker ?? true,
    onObject: ({ index, count }) => {
      objects = { done: index, total: count };
      progress('read', index, count);
    },
  });
  try {
    for await (const block of blocks) {
      counts.blocks++;
      if (VERIFIED_RANK[block.verified] < VERIFIED_RANK[verified]) verified = block.verified;
      for (const revision of block.revisions) take(revision);
      await room();
      if (failure !== null) break;
    }
  } catch (error) {
    // Stop the lanes before answering: a caller that closes its pool on the error must not have
    // writes still starting behind it.
    failure ??= { error };
  }
  await Promise.all(lanes.map((lane) => lane.tail));
  if (failure !== null) throw (failure as { error: unknown }).error;
  progress('read', objects.total, objects.total);

  // Documents whose latest balance in the export was never imported, and money in no wallet.
  const divergent = new Map<string, string[]>();
  const unimported: UnimportedDocument[] = [];
  for (const [documentId, document] of documents) {
    if (document.accountId === null) {
      if (document.units !== 0n) {
        unimported.push({
          documentId,
          balance: currency.render(document.units),
          code: document.refusal!.code,
        });
      }
    } else if (document.stuck !== null) {
      const reasons = divergent.get(document.accountId) ?? [];
      reasons.push(`document ${documentId} ${document.stuck.reason}`);
      divergent.set(document.accountId, reasons);
    }
  }
  const unreconciled = await reconcile(
    lanes.map((lane) => lane.service),
    accounts,
    divergent,
    currency.code,
    (accountUnits) => currency.render(accountUnits),
    (done) => progress('reconcile', done, accounts.size),
  );
  const merged: MergedAccount[] = [];
  for (const [accountId, account] of accounts) {
    if (account.documentIds.length > 1)
      merged.push({ accountId, documentIds: account.documentIds });
  }
  return {
    dryRun,
    currency: currency.code,
    table,
    verified: counts.blocks === 0 ? (options.verify === false ? 'none' : 'full') : verified,
    blocks: counts.blocks,
    revisions: counts.revisions,
    wallets: accounts.size,
    entries: counts.entries,
    replayed: counts.replayed,
    reconciled: unreconciled.length === 0 && unimported.length === 0,
    unreconciled,
    unimported,
    rounded,
    renamed,
    merged,
    closed,
    refused: refusals.sort((a, b) => a.position - b.position).map((r) => r.refusal),
  };
}

/** JSON text for a reason, cut short. */
function shortJson(json: string): string {
  return json.length > 60 ? `${json.slice(0, 60)}...` : json;
}

/** Checks every wallet's balance against the export's and verifies its chain, a lane each. */
async function reconcile(
  services: WalletService[],
  accounts: Map<string, AccountState>,
  divergent: Map<string, string[]>,
  currency: string,
  render: (units: bigint) => string,
  onChecked: (done: number) => void,
): Promise<UnreconciledWallet[]> {
  const unreconciled: UnreconciledWallet[] = [];
  const ids = accounts.keys();
  let done = 0;
  await Promise.all(
    services.map(async (service) => {
      for (let next = ids.next(); !next.done; next = ids.next()) {
        const accountId = next.value;
        const expected = render(accounts.get(accountId)!.expected);
        let actual: string | null = null;
        let chainOk = false;
        let problems: string[] = [];
        try {
          actual = (await service.getFunds({ accountId })).balances[currency] ?? null;
          const report = await service.verifyWallet({ accountId });
          chainOk = report.ok;
          problems = report.problems;
        } catch (error) {
          if (!(error instanceof WalletError) || error.code !== 'WALLET_NOT_FOUND') throw error;
          problems = ['the ledger holds no such wallet'];
        }
        const stuck = divergent.get(accountId) ?? [];
        if (actual !== expected || !chainOk || stuck.length > 0) {
          unreconciled.push({
            accountId,
            expected,
            actual,
            chainOk,
            problems: [...problems, ...stuck],
          });
        }
        onChecked(++done);
      }
    }),
  );
  unreconciled.sort((a, b) => (a.accountId < b.accountId ? -1 : a.accountId > b.accountId ? 1 : 0));
  return unreconciled;
}
