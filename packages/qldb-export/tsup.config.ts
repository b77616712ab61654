import { walletBuild } from '../../tsup.shared.js';

export default walletBuild({
  // The worker that `readQldbExport({ worker: true })` starts, loaded by its path beside the
  // entry (so the CommonJS build needs `import.meta.url`'s shim).
  entry: { index: 'src/index.ts', 'read-worker': 'src/read-worker.ts' },
  shims: true,
  dts: { entry: 'src/index.ts' },
});
