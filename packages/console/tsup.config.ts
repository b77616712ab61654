import { walletBuild } from '../../tsup.shared.js';

export default walletBuild({
  // The CommonJS build finds its assets through tsup's import.meta.url shim.
  shims: true,
  // The browser assets are built into dist/assets by scripts/build.mjs, after this.
  clean: false,
});
