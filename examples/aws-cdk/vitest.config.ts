import { walletProject } from '../../vitest.shared.js';

export default walletProject('example-aws-cdk');
