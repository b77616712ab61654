import { walletBuild } from '../../tsup.shared.js';

export default walletBuild({
  entry: ['src/index.ts', 'src/cli.ts'],
  dts: { entry: 'src/index.ts' },
  // The command opens the ledger with whichever of these the user installed; bundling them
  // would ship PGlite's WebAssembly inside the CLI.
  external: ['@wallet/postgres', '@electric-sql/pglite', 'pg'],
});
