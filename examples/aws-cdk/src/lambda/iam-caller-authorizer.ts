import type { Authorizer } from '@wallet/http';
import { checkIamCallers, type IamCaller } from './wallet-config.js';

/** `arn:aws:iam::<account>:role/<path/>name` */
const ROLE_ARN = /^arn:(aws[a-z-]*):iam::(\d{12}):role\/(?:.*\/)?([^/]+)$/;

function matches(caller: IamCaller, userArn: string): boolean {
  if (caller.arn === userArn) return true;
  const role = ROLE_ARN.exec(caller.arn);
  if (!role) return false;
  const [, partition, account, name] = role;
  return userArn.startsWith(`arn:${partition}:sts::${account}:assumed-role/${name}/`);
}

/**
 * Maps the IAM caller API Gateway authenticated (REST API `requestContext.identity.userArn`,
 * present only on methods with IAM authorization) to the scopes configured for it. A caller
 * that signed its request but is not configured gets no scopes: IAM proves who called, this
 * list says what they may do. A caller with `accountId` reaches only that account (`@wallet/http`
 * checks every route that names one) and holds only `read`, `debit`, `transfer` or `exchange`.
 *
 * @throws {TypeError} when {@link checkIamCallers} refuses the list (an unknown scope, or an
 *   account-limited caller with `credit` or `admin`)
 * @example
 * createWalletApi({ service, authorizer: iamCallerAuthorizer([{ arn: 'arn:aws:iam::123456789012:role/game-backend', scopes: ['admin'] }]) });
 */
export function iamCallerAuthorizer(callers: readonly IamCaller[]): Authorizer {
  checkIamCallers(callers, 'iamCallers');
  return ({ lambda }) => {
    const event = lambda?.event;
    const userArn = event && 'httpMethod' in event && event.requestContext.identity?.userArn;
    if (!userArn) return null;
    const caller = callers.find((candidate) => matches(candidate, userArn));
    if (!caller) return null;
    return {
      scopes: caller.scopes,
      accountId: caller.accountId ?? null,
      name: caller.name ?? userArn,
    };
  };
}
