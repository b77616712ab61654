import { decimalToUnits } from './amount.js';
import type { CurrencyRegistry } from './currency.js';
import { GENESIS_HASH, hashEntry } from './hash-chain.js';
import { isCreditType } from './ledger-draft.js';
import type { WalletRecord } from './ports.js';
import { ENTRY_TYPES, type JournalEntry, type VerificationReport } from './types.js';

const ENTRY_TYPE_SET: ReadonlySet<string> = new Set(ENTRY_TYPES);

/** The most problems a report lists; a journal broken everywhere would otherwise fill memory. */
export const MAX_REPORTED_PROBLEMS = 100;

/**
 * Checks a wallet's journal from its entries alone, in ascending order: consecutive sequences
 * from 1, each `prevHash` equal to the previous `hash`, each hash recomputed, each balance
 * continuing the last one of its currency, and the last balances, sequence and hash equal to
 * the wallet's. Every broken rule becomes one sentence in `problems`.
 *
 * @example
 * const report = verifyJournal(wallet, entries, currencies);
 * if (!report.ok) console.error(report.problems);
 */
export function verifyJournal(
  wallet: WalletRecord,
  entries: readonly JournalEntry[],
  currencies: CurrencyRegistry,
): VerificationReport {
  const verifier = new JournalVerifier(wallet.accountId, currencies);
  for (const entry of entries) verifier.add(entry);
  return verifier.finish(wallet);
}

/**
 * {@link verifyJournal} one entry at a time, so a journal can be checked page by page in
 * memory bounded by one page: it keeps only the last hash, the running balances and at most
 * {@link MAX_REPORTED_PROBLEMS} problems.
 *
 * @example
 * const verifier = new JournalVerifier('p1', currencies);
 * for await (const page of pages) for (const entry of page) verifier.add(entry);
 * const report = verifier.finish(wallet);
 */
export class JournalVerifier {
  readonly #accountId: string;
  readonly #currencies: CurrencyRegistry;
  readonly #balances = new Map<string, bigint>();
  readonly #problems: string[] = [];
  #unlisted = 0;
  #count = 0;
  #prevHash = GENESIS_HASH;

  constructor(accountId: string, currencies: CurrencyRegistry) {
    this.#accountId = accountId;
    this.#currencies = currencies;
  }

  /** How many entries were added so far. */
  get entries(): number {
    return this.#count;
  }

  /** Checks the next entry of the journal, in ascending order. */
  add(entry: JournalEntry): void {
    this.#count++;
    const index = this.#count;
    const where = `entry ${index} (sequence ${entry.sequence})`;
    if (entry.sequence !== index) {
      this.#problem(`${where}: expected sequence ${index}; entries are missing or out of order`);
    }
    if (entry.accountId !== this.#accountId) {
      this.#problem(`${where}: belongs to ${entry.accountId}, not ${this.#accountId}`);
    }
    if (entry.prevHash !== this.#prevHash) {
      this.#problem(`${where}: prevHash does not match the previous entry's hash`);
    }
    if (hashEntry(entry) !== entry.hash) {
      this.#problem(`${where}: hash does not match its contents`);
    }
    checkAmounts(entry, where, this.#balances, this.#currencies, this.#report);
    this.#prevHash = entry.hash;
  }

  /** The report, once every entry was added, checked against the wallet as stored. */
  finish(wallet: WalletRecord): VerificationReport {
    checkHead(wallet, this.#count, this.#prevHash, this.#balances, this.#currencies, this.#report);
    const problems = [...this.#problems];
    if (this.#unlisted > 0) problems.push(`... and ${this.#unlisted} more problems`);
    return { ok: problems.length === 0, entries: this.#count, headHash: this.#prevHash, problems };
  }

  #problem(problem: string): void {
    if (this.#problems.length < MAX_REPORTED_PROBLEMS) this.#problems.push(problem);
    else this.#unlisted++;
  }

  readonly #report = (problem: string): void => this.#problem(problem);
}

function checkAmounts(
  entry: JournalEntry,
  where: string,
  balances: Map<string, bigint>,
  currencies: CurrencyRegistry,
  report: (problem: string) => void,
): void {
  if (!currencies.has(entry.currency)) {
    report(`${where}: currency ${entry.currency} is not configured`);
    return;
  }
  if (!ENTRY_TYPE_SET.has(entry.type)) {
    report(`${where}: unknown type ${entry.type}`);
    return;
  }
  const currency = currencies.get(entry.currency);
  const amount = exact(entry.amount, currency.scale);
  const before = exact(entry.balanceBefore, currency.scale);
  const after = exact(entry.balanceAfter, currency.scale);
  if (amount === undefined || before === undefined || after === undefined) {
    report(`${where}: amounts are not decimals rendered at scale ${currency.scale}`);
    return;
  }
  if (amount <= 0n) report(`${where}: amount must be greater than 0`);
  const last = balances.get(entry.currency) ?? 0n;
  if (before !== last) {
    report(
      `${where}: balanceBefore ${entry.balanceBefore} does not continue the last ${entry.currency} balance ${currency.render(last)}`,
    );
  }
  const expected = isCreditType(entry.type) ? before + amount : before - amount;
  if (after !== expected) {
    report(
      `${where}: balanceAfter ${entry.balanceAfter} is not balanceBefore ${isCreditType(entry.type) ? '+' : '-'} amount`,
    );
  }
  balances.set(entry.currency, after);
}

/** Minor units of a decimal only when it is rendered exactly as the SDK renders it. */
function exact(text: string, scale: number): bigint | undefined {
  const units = typeof text === 'string' ? decimalToUnits(text, scale) : undefined;
  if (units === undefined) return undefined;
  const fraction = text.split('.')[1] ?? '';
  return fraction.length === scale ? units : undefined;
}

function checkHead(
  wallet: WalletRecord,
  entries: number,
  headHash: string,
  balances: Map<string, bigint>,
  currencies: CurrencyRegistry,
  report: (problem: string) => void,
): void {
  if (wallet.sequence !== entries) {
    report(`wallet: its sequence is ${wallet.sequence} but the journal has ${entries} entries`);
  }
  if (wallet.headHash !== headHash) {
    report('wallet: its head hash does not match the last entry');
  }
  const codes = new Set([...Object.keys(wallet.balances), ...balances.keys()]);
  for (const code of codes) {
    if (!currencies.has(code)) continue;
    const currency = currencies.get(code);
    const stored = wallet.balances[code] ?? '0';
    const held = decimalToUnits(stored, currency.scale);
    const journal = balances.get(code) ?? 0n;
    if (held !== journal) {
      report(
        `wallet: its ${code} balance ${stored} differs from the journal's ${currency.render(journal)}`,
      );
    }
  }
}
