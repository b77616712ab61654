import type { IonJson } from './types.js';

/**
 * A balance the import had to round to the currency's scale (a float's binary error, a
 * fraction of a cent).
 *
 * @example
 * const r: RoundedBalance = { accountId: 'bob', documentId: 'DocBob000000000000002', version: 2, from: '0.30000000000000004', to: '0.30' };
 */
export interface RoundedBalance {
  /** The wallet the document was imported into. */
  readonly accountId: string;
  /** The QLDB document id. */
  readonly documentId: string;
  /** The revision's version. */
  readonly version: number;
  /** The balance as the export held it (Ion text). */
  readonly from: string;
  /** The balance imported, at the currency's scale. */
  readonly to: string;
}

/**
 * A sample `accountId` the SDK would refuse, and the wallet id it was imported under.
 *
 * @example
 * const r: RenamedAccount = { from: 'player 1', to: 'player_1.6b0ad8c5' };
 */
export interface RenamedAccount {
  /** The original value (a string, or a tagged Ion number, or any other JSON-safe Ion value). */
  readonly from: IonJson;
  /** The wallet id used. */
  readonly to: string;
}

/**
 * Several QLDB documents held one account (the sample could insert two under a race): their
 * balances were added up in one wallet.
 *
 * @example
 * const m: MergedAccount = { accountId: 'alice', documentIds: ['DocA', 'DocB'] };
 */
export interface MergedAccount {
  /** The wallet they were merged into. */
  readonly accountId: string;
  /** Every document of the account, in the order the journal first wrote them. */
  readonly documentIds: string[];
}

/**
 * A document deleted in QLDB: its balance was debited to zero at the delete's time, the
 * wallet kept with its history.
 *
 * @example
 * const c: ClosedDocument = { accountId: 'bob', documentId: 'DocBob000000000000002', version: 3, balance: '0.30' };
 */
export interface ClosedDocument {
  /** The wallet the document was imported into. */
  readonly accountId: string;
  /** The deleted document. */
  readonly documentId: string;
  /** The delete's version. */
  readonly version: number;
  /** The document's balance before the delete, debited by the import. */
  readonly balance: string;
}

/**
 * Why a revision was not imported:
 * - `NO_ACCOUNT_ID`: the document has no `accountId`;
 * - `ACCOUNT_ID_REFUSED`: the account id rule gave no id the SDK accepts;
 * - `ACCOUNT_ID_COLLISION`: the id is the wallet of another original account id (never merged);
 * - `ACCOUNT_ID_CHANGED`: the revision names another `accountId` than the document's first;
 * - `VERSION_OUT_OF_ORDER`: the document's version repeats or goes back;
 * - `NOT_A_NUMBER`: the balance is absent, not a number, `nan` or infinite;
 * - `INVALID_AMOUNT`: the balance has more than 18 integer digits (or the core refused the amount);
 * - `REDACTED`: the revision was redacted, so its balance is not in the export;
 * - `WALLET_NOT_IMPORTED`: the ledger already holds a wallet with the id that no import made;
 * - another `WalletError` code (`BALANCE_LIMIT_EXCEEDED`, `INSUFFICIENT_FUNDS`, ...): the core
 *   rules refused the wallet, the credit or the debit.
 *
 * @example
 * const r: RefusedRevision = { documentId: 'DocX', version: 4, accountId: 'carol', code: 'BALANCE_LIMIT_EXCEEDED', reason: '...' };
 */
export interface RefusedRevision {
  /** The QLDB document id. */
  readonly documentId: string;
  /** The revision's version. */
  readonly version: number;
  /** The wallet it was meant for; null when no id could be given. */
  readonly accountId: string | null;
  /** A code from the list above. */
  readonly code: string;
  /** One sentence on why. */
  readonly reason: string;
}

/**
 * A document whose money is in no wallet: its account id was refused (`NO_ACCOUNT_ID`,
 * `ACCOUNT_ID_REFUSED`, `ACCOUNT_ID_COLLISION`) and its last balance in the export is not zero.
 *
 * @example
 * const u: UnimportedDocument = { documentId: 'DocX', balance: '12.00', code: 'ACCOUNT_ID_COLLISION' };
 */
export interface UnimportedDocument {
  /** The QLDB document id. */
  readonly documentId: string;
  /** Its last balance in the export, at the currency's scale. */
  readonly balance: string;
  /** Why it has no wallet (the code its revisions were refused with). */
  readonly code: string;
}

/**
 * A wallet whose balance after the import is not the export's, whose chain does not verify, or
 * one of whose documents ends on a balance that could not be imported.
 *
 * @example
 * const u: UnreconciledWallet = { accountId: 'carol', expected: '100.00', actual: '40.00', chainOk: true, problems: [] };
 */
export interface UnreconciledWallet {
  /** The wallet. */
  readonly accountId: string;
  /** The sum of its documents' last balances in the export, at the currency's scale. */
  readonly expected: string;
  /** Its balance in the ledger; null when the ledger holds no such wallet. */
  readonly actual: string | null;
  /** Whether its hash chain verified. */
  readonly chainOk: boolean;
  /**
   * What `verifyWallet` found wrong with the chain, then each document whose latest balance in
   * the export was not imported, with why (`document DocX version 4: balance nan is not a
   * finite number`).
   */
  readonly problems: string[];
}

/**
 * What an import did (or, with `dryRun`, would do), for the operator and for the record. The
 * lists hold every case, none cut short.
 *
 * @example
 * const report = await importQldbExport({ source, ledger, currencies });
 * if (!report.reconciled) console.error(report.unreconciled);
 */
export interface ImportReport {
  /** True when nothing was written (the import ran on an in-memory ledger). */
  readonly dryRun: boolean;
  /** The currency every balance was imported in. */
  readonly currency: string;
  /** The QLDB table read. */
  readonly table: string;
  /**
   * The weakest check any block got: `'full'` (every hash recomputed), `'hash-chain'` (a JSON
   * export: revision hashes cannot be recomputed), `'none'` (`verify: false`).
   */
  readonly verified: 'full' | 'hash-chain' | 'none';
  /** Journal blocks read. */
  readonly blocks: number;
  /** Revisions of the table read (inserts, updates, deletes, redactions). */
  readonly revisions: number;
  /** Wallets the export maps to. */
  readonly wallets: number;
  /** Journal entries this run wrote (a wallet's creation not counted). */
  readonly entries: number;
  /**
   * Entries found written already under their revision's key: by an earlier run (a re-run
   * writes none again), or by an attempt of this run whose answer the ledger lost.
   */
  readonly replayed: number;
  /**
   * True when every wallet holds the export's balance (every document's latest balance
   * imported), every chain verifies, and no document with money was left without a wallet.
   */
  readonly reconciled: boolean;
  /** The wallets that did not reconcile. */
  readonly unreconciled: UnreconciledWallet[];
  /** The documents with money that no wallet holds. */
  readonly unimported: UnimportedDocument[];
  /** Every balance rounded to the currency's scale. */
  readonly rounded: RoundedBalance[];
  /** Every account id imported under another id. */
  readonly renamed: RenamedAccount[];
  /** Every account held by more than one document. */
  readonly merged: MergedAccount[];
  /** Every document deleted in QLDB. */
  readonly closed: ClosedDocument[];
  /** Every revision not imported, with why. */
  readonly refused: RefusedRevision[];
}
