import { walletProject } from '../../vitest.shared.js';

export default walletProject('console', {
  globalSetup: ['test/support/build.ts'],
  // A real Chromium drives the pages: a test takes seconds, not milliseconds.
  testTimeout: 60_000,
});
