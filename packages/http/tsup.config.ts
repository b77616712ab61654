import { walletBuild } from '../../tsup.shared.js';

export default walletBuild({
  entry: { index: 'src/index.ts', node: 'src/node.ts', 'aws-lambda': 'src/aws-lambda.ts' },
  esbuildOptions(options) {
    // The CommonJS build has no `import.meta`, and esbuild says so once per use. Expected: the
    // one use (where `GET /docs` resolves swagger-ui-dist) falls back to `__filename` there.
    // tsup's `shims` would fix the CommonJS build but break the ES module one when a bundler
    // turns it into CommonJS (its `__filename` shim calls fileURLToPath(undefined) at load).
    options.logOverride = { ...options.logOverride, 'empty-import-meta': 'silent' };
  },
});
