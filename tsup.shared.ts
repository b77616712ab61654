import { defineConfig, type Options } from 'tsup';

/**
 * The build every publishable package shares: ESM and CJS with type declarations per format,
 * for Node 20. A package passes its entry points when it has more than `src/index.ts`.
 *
 * @example
 * export default walletBuild({ entry: { index: 'src/index.ts', 'testing/index': 'src/testing/index.ts' } });
 */
export function walletBuild(overrides: Options = {}) {
  return defineConfig({
    entry: ['src/index.ts'],
    format: ['esm', 'cjs'],
    dts: true,
    clean: true,
    sourcemap: true,
    target: 'node20',
    ...overrides,
  });
}
