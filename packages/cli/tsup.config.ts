import { walletBuild } from '../../tsup.shared.js';

export default walletBuild({
  // The second entry is the worker `wallet import-qldb-export` reads the export on, which
  // `@wallet/qldb-export` starts from `read-worker.js` beside its own code.
  entry: { main: 'src/main.ts', 'read-worker': '../qldb-export/src/read-worker.ts' },
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
