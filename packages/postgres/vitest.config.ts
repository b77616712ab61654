import { walletProject } from '../../vitest.shared.js';

// PGlite takes seconds to start when test files run in parallel on a small machine.
export default walletProject('postgres', { hookTimeout: 60_000 });
