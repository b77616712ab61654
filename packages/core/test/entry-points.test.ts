import * as root from '@wallet/core';
import * as adapter from '@wallet/core/adapter';
import * as testing from '@wallet/core/testing';
import { describe, expect, it } from 'vitest';

// Each entry point serves one audience: `@wallet/core` applications, `@wallet/core/adapter`
// ledger and history store authors, `@wallet/core/testing` tests.

describe('the entry points of @wallet/core', () => {
  it('a memory ledger an application gets carries no tamper hooks, and the root exports none', () => {
    const ledger = root.createMemoryLedger();
    expect(Object.keys(ledger).filter((name) => name.startsWith('tamper'))).toEqual([]);
    expect(Object.keys(root).filter((name) => name.startsWith('tamper'))).toEqual([]);
    expect(Object.keys(testing).sort()).toEqual(['tamperJournal', 'tamperWallet']);
  });

  it('what only a store uses comes from @wallet/core/adapter, not the root', () => {
    for (const name of [
      'MAX_RECORDS_PER_OPERATION',
      'TransactionTooLargeError',
      'retryTransaction',
      'retryReporter',
    ]) {
      expect([name, name in root, name in adapter]).toEqual([name, false, true]);
    }
  });
});
