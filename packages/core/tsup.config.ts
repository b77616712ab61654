import { walletBuild } from '../../tsup.shared.js';

export default walletBuild({
  entry: { index: 'src/index.ts', adapter: 'src/adapter.ts' },
  // Both entry points share one copy of every module in the CommonJS build too (tsup splits only
  // the ES module build by default): the errors `@wallet/core/adapter` throws must be the very
  // classes `@wallet/core` exports, so `instanceof ConcurrencyConflictError` holds.
  splitting: true,
});
