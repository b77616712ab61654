import { walletBuild } from '../../tsup.shared.js';

export default walletBuild({
  entry: { index: 'src/index.ts', adapter: 'src/adapter.ts', testing: 'src/testing.ts' },
  // The entry points share one copy of every module in the CommonJS build too (tsup splits only
  // the ES module build by default): the errors `@wallet/core/adapter` throws must be the very
  // classes `@wallet/core` exports, so `instanceof ConcurrencyConflictError` holds, and
  // `@wallet/core/testing` must find the tamper hooks the root's `createMemoryLedger` registered.
  splitting: true,
});
