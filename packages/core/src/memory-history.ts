import { selectEntries } from './memory-ledger.js';
import type { HistoryStore } from './ports.js';
import type { JournalEntry } from './types.js';

/**
 * A {@link HistoryStore} in process memory: the reference for the history conformance suite.
 * Entries are kept per wallet in sequence order whatever order they arrive in.
 *
 * @example
 * const history = createMemoryHistory();
 * await history.putEntries(entries);
 */
export function createMemoryHistory(): HistoryStore {
  const journals = new Map<string, JournalEntry[]>();

  function put(entry: JournalEntry): void {
    let journal = journals.get(entry.accountId);
    if (!journal) {
      journal = [];
      journals.set(entry.accountId, journal);
    }
    let index = journal.length;
    while (index > 0 && journal[index - 1]!.sequence > entry.sequence) index--;
    if (journal[index - 1]?.sequence === entry.sequence) return;
    journal.splice(index, 0, Object.freeze(structuredClone(entry)));
  }

  return {
    async putEntries(entries) {
      for (const entry of entries) put(entry);
    },
    async queryEntries(query) {
      return selectEntries(journals.get(query.accountId) ?? [], query);
    },
  };
}
