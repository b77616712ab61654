import { walletBuild } from '../../tsup.shared.js';

export default walletBuild({
  entry: { index: 'src/index.ts', 'testing/index': 'src/testing/index.ts' },
});
