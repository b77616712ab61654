import { SCOPES } from '@wallet/http';
import { restApiEvent } from '@wallet/testing';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { iamCallerAuthorizer } from '../src/lambda/iam-caller-authorizer.js';
import {
  ACCOUNT_LIMITED_SCOPES,
  IAM_CALLER_SCOPES,
  type IamCaller,
  readWalletConfig,
} from '../src/lambda/wallet-config.js';

const BACKEND = 'arn:aws:iam::123456789012:role/game-backend';
const PLAYER_ROLE = 'arn:aws:iam::123456789012:role/player-session';
const PLAYER_SESSION = 'arn:aws:sts::123456789012:assumed-role/player-session/player-1';

const environment = (callers: unknown) => ({
  LEDGER_TABLE: 'ledger',
  HISTORY_TABLE: 'history',
  WALLET_CURRENCIES: '[{"code":"GOLD","scale":2}]',
  WALLET_IAM_CALLERS: JSON.stringify(callers),
});

describe('the API Lambda reading its IAM callers', () => {
  afterEach(() => {
    vi.unstubAllEnvs();
    vi.resetModules();
  });

  it('knows the six scopes, and read, debit, transfer and exchange for an account-limited caller', () => {
    expect(IAM_CALLER_SCOPES).toEqual(['read', 'credit', 'debit', 'transfer', 'exchange', 'admin']);
    expect(IAM_CALLER_SCOPES).toEqual(SCOPES);
    expect(ACCOUNT_LIMITED_SCOPES).toEqual(['read', 'debit', 'transfer', 'exchange']);
    const callers: IamCaller[] = [
      { arn: BACKEND, scopes: [...IAM_CALLER_SCOPES] },
      { arn: PLAYER_ROLE, scopes: [...ACCOUNT_LIMITED_SCOPES], accountId: 'player-1' },
    ];
    expect(readWalletConfig(environment(callers)).iamCallers).toEqual(callers);
  });

  it.each(['credit', 'admin'] as const)(
    'refuses to start when a caller limited to one account holds %s',
    (scope) => {
      const callers = [{ arn: PLAYER_ROLE, scopes: ['read', scope], accountId: 'player-1' }];
      expect(() => readWalletConfig(environment(callers))).toThrow(
        `WALLET_IAM_CALLERS[0] (${PLAYER_ROLE}) is limited to account player-1, so it may hold only read, debit, transfer, exchange, not ${scope}`,
      );
    },
  );

  it('refuses to start on an unknown scope, a caller that is not a list, or an empty account id', () => {
    expect(() => readWalletConfig(environment([{ arn: BACKEND, scopes: ['write'] }]))).toThrow(
      /WALLET_IAM_CALLERS\[0\] \(.+\)\.scopes must list some of read, credit, debit, transfer, exchange, admin; got \["write"\]/,
    );
    expect(() => readWalletConfig(environment({ arn: BACKEND, scopes: ['read'] }))).toThrow(
      'WALLET_IAM_CALLERS must be an array of IAM callers',
    );
    expect(() =>
      readWalletConfig(environment([{ arn: BACKEND, scopes: ['read'], accountId: '' }])),
    ).toThrow(/accountId must be a non-empty string/);
  });

  it('answers every request with an error instead of serving, when its callers are refused', async () => {
    for (const [name, value] of Object.entries(
      environment([{ arn: PLAYER_ROLE, scopes: ['credit'], accountId: 'player-1' }]),
    )) {
      vi.stubEnv(name, value);
    }
    const { handler } = await import('../src/lambda/api.js');
    const event = restApiEvent({ method: 'GET', path: '/healthz' });
    await expect(handler(event, undefined as never)).rejects.toThrow(/is limited to account/);
    await expect(handler(event, undefined as never)).rejects.toThrow(/is limited to account/);
  });
});

describe('the IAM caller authorizer', () => {
  const authorize = (callers: IamCaller[], userArn?: string) =>
    iamCallerAuthorizer(callers)({
      request: new Request('https://wallet.example/v1/transfers'),
      lambda: {
        event: restApiEvent(
          { method: 'POST', path: '/v1/transfers' },
          userArn === undefined ? {} : { userArn },
        ),
      },
    });

  it("gives a role's sessions its scopes and account", async () => {
    const player: IamCaller = {
      arn: PLAYER_ROLE,
      scopes: ['read', 'transfer', 'exchange'],
      accountId: 'player-1',
    };
    expect(await authorize([player], PLAYER_SESSION)).toEqual({
      scopes: ['read', 'transfer', 'exchange'],
      accountId: 'player-1',
      name: PLAYER_SESSION,
    });
    expect(await authorize([player], 'arn:aws:iam::123456789012:user/someone-else')).toBeNull();
    expect(await authorize([player])).toBeNull();
  });

  it('refuses to be built with an account-limited caller holding credit', () => {
    expect(() =>
      iamCallerAuthorizer([{ arn: PLAYER_ROLE, scopes: ['credit'], accountId: 'player-1' }]),
    ).toThrow(/iamCallers\[0\] .+ is limited to account player-1/);
  });
});
