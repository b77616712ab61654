import { defineConfig } from 'tsup';

export default defineConfig({
  entry: ['src/index.ts', 'src/cli.ts'],
  format: ['esm', 'cjs'],
  dts: { entry: 'src/index.ts' },
  clean: true,
  sourcemap: true,
  target: 'node20',
  // The command opens the ledger with whichever of these the user installed; bundling them
  // would ship PGlite's WebAssembly inside the CLI.
  external: ['@wallet/postgres', '@electric-sql/pglite', 'pg'],
});
