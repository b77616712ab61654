import { mkdtempSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import * as esmCore from '@wallet/core';
import { silentLogger } from '@wallet/core';
import { TransactionTooLargeError } from '@wallet/core/adapter';
import { build } from 'esbuild';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createWalletApi } from '../src/index.js';

// Two copies of @wallet/core in one process, as when an app's ESM code and a CJS dependency
// each load their own build: the API here is built on the ESM source, the service on a CJS
// bundle of the same source made for this test. Their classes are distinct objects.

const coreSource = join(dirname(fileURLToPath(import.meta.url)), '../../core/src/index.ts');
let workDir: string;
let cjsCore: typeof esmCore;

beforeAll(async () => {
  workDir = mkdtempSync(join(tmpdir(), 'wallet-core-cjs-'));
  const outfile = join(workDir, 'core.cjs');
  await build({
    entryPoints: [coreSource],
    outfile,
    bundle: true,
    format: 'cjs',
    platform: 'node',
    logLevel: 'silent',
  });
  cjsCore = createRequire(import.meta.url)(outfile) as typeof esmCore;
});

afterAll(() => rmSync(workDir, { recursive: true, force: true }));

const ADMIN = 'two-copies-admin-token';

function apiOverCjsService() {
  const service = cjsCore.createWalletService({
    ledger: cjsCore.createMemoryLedger(),
    currencies: [{ code: 'GEMS', scale: 0 }],
  });
  const api = createWalletApi({
    service: service as unknown as esmCore.WalletService,
    tokens: [{ token: ADMIN, scopes: ['admin'] }],
    logger: silentLogger,
  });
  const call = async (path: string, json?: unknown) => {
    const response = await api.fetch(
      new Request(`http://wallet.test${path}`, {
        method: json === undefined ? 'GET' : 'POST',
        headers: { authorization: `Bearer ${ADMIN}`, 'content-type': 'application/json' },
        ...(json === undefined ? {} : { body: JSON.stringify(json) }),
      }),
    );
    return { status: response.status, body: (await response.json()) as { error?: unknown } };
  };
  return { service, call };
}

describe('errors across two copies of @wallet/core (ESM and CJS)', () => {
  it('are distinct classes, so a plain prototype check would miss them', () => {
    expect(cjsCore.WalletError).not.toBe(esmCore.WalletError);
    const error = new cjsCore.InsufficientFundsError({
      accountId: 'p1',
      currency: 'GEMS',
      balance: '0',
      requested: '5',
    });
    expect(Object.getPrototypeOf(error)).not.toBe(esmCore.InsufficientFundsError.prototype);
  });

  it('isWalletError and instanceof WalletError recognise the other copy’s errors, by code', () => {
    const error = new cjsCore.WalletNotFoundError('p1');
    expect(esmCore.isWalletError(error)).toBe(true);
    expect(esmCore.isWalletError(error, 'WALLET_NOT_FOUND')).toBe(true);
    expect(esmCore.isWalletError(error, 'INSUFFICIENT_FUNDS')).toBe(false);
    expect(error instanceof esmCore.WalletError).toBe(true);
    const esmError = new esmCore.ValidationError('x');
    expect(cjsCore.isWalletError(esmError, 'VALIDATION_ERROR')).toBe(true);
    expect(esmError instanceof cjsCore.WalletError).toBe(true);
    // Look-alikes are not wallet errors: the brand is needed, and a known code.
    expect(esmCore.isWalletError({ code: 'WALLET_NOT_FOUND' })).toBe(false);
    expect(esmCore.isWalletError(new Error('WALLET_NOT_FOUND'))).toBe(false);
  });

  it('the HTTP API answers the other copy’s business errors with their statuses, never a 500', async () => {
    const { service, call } = apiOverCjsService();
    await service.createWallet({ accountId: 'p1' });
    const cases: [string, unknown, number, string][] = [
      ['/v1/wallets/nobody', undefined, 404, 'WALLET_NOT_FOUND'],
      ['/v1/wallets', { accountId: 'p1' }, 409, 'WALLET_ALREADY_EXISTS'],
      ['/v1/wallets/p1/withdraw-funds', { amount: '5' }, 422, 'INSUFFICIENT_FUNDS'],
      ['/v1/wallets/p1/add-funds', { amount: '1.5' }, 400, 'INVALID_AMOUNT'],
      ['/v1/wallets/p1/add-funds', { amount: '1', currency: 'GOLD' }, 400, 'UNKNOWN_CURRENCY'],
    ];
    for (const [path, json, status, code] of cases) {
      const reply = await call(path, json);
      expect([path, reply.status, reply.body.error]).toEqual([
        path,
        status,
        expect.objectContaining({ code }),
      ]);
    }
  });

  it('the other copy’s coalescer splits a batch refused as too large by this copy’s error', async () => {
    let calls = 0;
    const inner = cjsCore.createMemoryLedger();
    const ledger: esmCore.LedgerStore = {
      ...inner,
      transact(transaction) {
        calls++;
        if (transaction.accountIds.length > 1) {
          return Promise.reject(new TransactionTooLargeError(10, 5));
        }
        return inner.transact(transaction);
      },
    };
    const service = cjsCore.createWalletService({
      ledger: ledger as never,
      currencies: [{ code: 'GEMS', scale: 0 }],
      coalesce: true,
    });
    await service.createWallet({ accountId: 'a' });
    await service.createWallet({ accountId: 'b' });
    const results = await Promise.all([
      service.addFunds({ accountId: 'a', amount: '1' }),
      service.addFunds({ accountId: 'b', amount: '1' }),
    ]);
    expect(results.map((r) => r.currentBalance)).toEqual(['1', '1']);
    expect(calls).toBeGreaterThan(3);
  });
});
