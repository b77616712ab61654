import { walletProject } from '../../vitest.shared.js';

export default walletProject('dynamodb-shared');
