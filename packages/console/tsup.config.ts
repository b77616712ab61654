import { walletBuild } from '../../tsup.shared.js';

export default walletBuild({
  // ESM only: the module finds its assets beside it through import.meta.url.
  format: ['esm'],
  // The browser assets are built into dist/assets by scripts/build.mjs, after this.
  clean: false,
});
