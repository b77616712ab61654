import { walletBuild } from '../../tsup.shared.js';

export default walletBuild();
