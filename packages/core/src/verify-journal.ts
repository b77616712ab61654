import { decimalToUnits } from './amount.js';
import type { CurrencyRegistry } from './currency.js';
import { GENESIS_HASH, hashEntry } from './hash-chain.js';
import { isCreditType } from './ledger-draft.js';
import type { WalletRecord } from './ports.js';
import { ENTRY_TYPES, type JournalEntry, type VerificationReport } from './types.js';

const ENTRY_TYPE_SET: ReadonlySet<string> = new Set(ENTRY_TYPES);

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
  const problems: string[] = [];
  const balances = new Map<string, bigint>();
  let prevHash = GENESIS_HASH;
  entries.forEach((entry, index) => {
    const where = `entry ${index + 1} (sequence ${entry.sequence})`;
    const expectedSequence = index + 1;
    if (entry.sequence !== expectedSequence) {
      problems.push(
        `${where}: expected sequence ${expectedSequence}; entries are missing or out of order`,
      );
    }
    if (entry.accountId !== wallet.accountId) {
      problems.push(`${where}: belongs to ${entry.accountId}, not ${wallet.accountId}`);
    }
    if (entry.prevHash !== prevHash) {
      problems.push(`${where}: prevHash does not match the previous entry's hash`);
    }
    if (hashEntry(entry) !== entry.hash) {
      problems.push(`${where}: hash does not match its contents`);
    }
    checkAmounts(entry, where, balances, currencies, problems);
    prevHash = entry.hash;
  });
  checkHead(wallet, entries, prevHash, balances, currencies, problems);
  return { ok: problems.length === 0, entries: entries.length, headHash: prevHash, problems };
}

function checkAmounts(
  entry: JournalEntry,
  where: string,
  balances: Map<string, bigint>,
  currencies: CurrencyRegistry,
  problems: string[],
): void {
  if (!currencies.has(entry.currency)) {
    problems.push(`${where}: currency ${entry.currency} is not configured`);
    return;
  }
  if (!ENTRY_TYPE_SET.has(entry.type)) {
    problems.push(`${where}: unknown type ${entry.type}`);
    return;
  }
  const currency = currencies.get(entry.currency);
  const amount = exact(entry.amount, currency.scale);
  const before = exact(entry.balanceBefore, currency.scale);
  const after = exact(entry.balanceAfter, currency.scale);
  if (amount === undefined || before === undefined || after === undefined) {
    problems.push(`${where}: amounts are not decimals rendered at scale ${currency.scale}`);
    return;
  }
  if (amount <= 0n) problems.push(`${where}: amount must be greater than 0`);
  const last = balances.get(entry.currency) ?? 0n;
  if (before !== last) {
    problems.push(
      `${where}: balanceBefore ${entry.balanceBefore} does not continue the last ${entry.currency} balance ${currency.render(last)}`,
    );
  }
  const expected = isCreditType(entry.type) ? before + amount : before - amount;
  if (after !== expected) {
    problems.push(
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
  entries: readonly JournalEntry[],
  headHash: string,
  balances: Map<string, bigint>,
  currencies: CurrencyRegistry,
  problems: string[],
): void {
  if (wallet.sequence !== entries.length) {
    problems.push(
      `wallet: its sequence is ${wallet.sequence} but the journal has ${entries.length} entries`,
    );
  }
  if (wallet.headHash !== headHash) {
    problems.push('wallet: its head hash does not match the last entry');
  }
  const codes = new Set([...Object.keys(wallet.balances), ...balances.keys()]);
  for (const code of codes) {
    if (!currencies.has(code)) continue;
    const currency = currencies.get(code);
    const stored = wallet.balances[code] ?? '0';
    const held = decimalToUnits(stored, currency.scale);
    const journal = balances.get(code) ?? 0n;
    if (held !== journal) {
      problems.push(
        `wallet: its ${code} balance ${stored} differs from the journal's ${currency.render(journal)}`,
      );
    }
  }
}
