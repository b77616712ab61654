import { walletBuild } from '../../tsup.shared.js';

export default walletBuild({
  entry: ['src/main.ts'],
  // A command, not a library: one ESM file with no type declarations.
  format: ['esm'],
  dts: false,
  // The workspace's packages are built in from their source; the rest (PGlite's WebAssembly,
  // pg, commander, the Parquet writer) are this package's dependencies.
  noExternal: [/^@wallet\//],
  esbuildOptions(options) {
    options.conditions = ['@wallet/source'];
  },
});
