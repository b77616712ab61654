import { walletProject } from '../../vitest.shared.js';

export default walletProject('example-local-server', {
  // The server serves the console, whose browser files are built from source first.
  globalSetup: ['test/build-console.ts'],
});
