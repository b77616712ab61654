import { walletProject } from '../../vitest.shared.js';

export default walletProject('cli', {
  // Every test runs the built command; it is built once, before them (see the setup file).
  globalSetup: ['test/support/build.ts'],
  // A test runs the command several times, each a new process (PGlite starts in about 0.5 s).
  testTimeout: 60_000,
});
