import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseTokensFile, readConfig } from '../src/config.js';
import { ADMIN_TOKEN, call, killAll, start, startFails, stop } from './support.js';

const READER = 'dashboard-token-0123456789';
const STORE = 'store-token-0123456789abcdef';
const PLAYER = 'player-one-token-0123456789';
const OPS = 'ops-token-0123456789abcdef';

let dir: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'wallet-tokens-'));
});
afterAll(() => {
  killAll();
  rmSync(dir, { recursive: true, force: true });
});

let files = 0;
/** Writes `content` (JSON unless a string) to a fresh file and returns its path. */
function tokensFile(content: unknown): string {
  const path = join(dir, `tokens-${++files}.json`);
  writeFileSync(path, typeof content === 'string' ? content : JSON.stringify(content, null, 2));
  return path;
}

const dataDir = () => join(dir, `data-${++files}`);

describe('WALLET_TOKENS_FILE on the running server', () => {
  it("serves the file's tokens with their scopes next to WALLET_API_TOKEN, and prints none of them", async () => {
    const file = tokensFile([
      { token: READER, scopes: ['read'], name: 'dashboard' },
      { token: STORE, scopes: ['read', 'credit'], name: 'store' },
      { token: PLAYER, scopes: ['read', 'debit'], accountId: 'player-1', name: 'player-1 session' },
    ]);
    const server = await start({ WALLET_TOKENS_FILE: file, WALLET_DATA_DIR: dataDir() });
    const { url } = server;
    expect(server.output()).toContain('admin token: the value of WALLET_API_TOKEN');
    expect(server.output()).toContain(`tokens from ${file}`);
    expect(server.output()).toContain('player-1 session: read, debit, limited to player-1');

    // The admin token has every right.
    for (const accountId of ['player-1', 'player-2']) {
      expect((await call(url, 'POST', '/v1/wallets', { body: { accountId } })).status).toBe(201);
      expect(
        (
          await call(url, 'POST', `/v1/wallets/${accountId}/add-funds`, {
            body: { amount: '50' },
          })
        ).status,
      ).toBe(200);
    }

    // read: reads, and nothing else.
    expect((await call(url, 'GET', '/v1/wallets/player-2', { token: READER })).status).toBe(200);
    const readerCredit = await call(url, 'POST', '/v1/wallets/player-1/add-funds', {
      body: { amount: '1' },
      token: READER,
    });
    expect(readerCredit.status).toBe(403);
    expect(readerCredit.body.error.code).toBe('FORBIDDEN');
    expect(
      (await call(url, 'POST', '/v1/wallets', { body: { accountId: 'p-3' }, token: READER }))
        .status,
    ).toBe(403);

    // credit: mints.
    const credited = await call(url, 'POST', '/v1/wallets/player-1/add-funds', {
      body: { amount: '100' },
      token: STORE,
    });
    expect(credited).toMatchObject({ status: 200, body: { currentBalance: '150' } });

    // An account-limited token: its own wallet only, and never credit.
    const own = await call(url, 'GET', '/v1/wallets/player-1', { token: PLAYER });
    expect(own).toMatchObject({ status: 200, body: { accountId: 'player-1' } });
    const other = await call(url, 'GET', '/v1/wallets/player-2', { token: PLAYER });
    expect(other.status).toBe(403);
    expect(other.body.error.code).toBe('FORBIDDEN');
    const spent = await call(url, 'POST', '/v1/wallets/player-1/withdraw-funds', {
      body: { amount: '30' },
      token: PLAYER,
    });
    expect(spent).toMatchObject({ status: 200, body: { currentBalance: '120' } });
    expect(
      (
        await call(url, 'POST', '/v1/wallets/player-2/withdraw-funds', {
          body: { amount: '1' },
          token: PLAYER,
        })
      ).status,
    ).toBe(403);
    expect(
      (
        await call(url, 'POST', '/v1/wallets/player-1/add-funds', {
          body: { amount: '1' },
          token: PLAYER,
        })
      ).status,
    ).toBe(403);

    // A token in no list is 401.
    expect(
      (await call(url, 'GET', '/v1/wallets/player-1', { token: 'not-a-configured-token-0123' }))
        .status,
    ).toBe(401);

    expect(await stop(server.child)).toBe(0);
    for (const token of [ADMIN_TOKEN, READER, STORE, PLAYER]) {
      expect(server.output()).not.toContain(token);
    }
  }, 120_000);

  it('with only the file, generates no admin token, says so, and serves the file tokens', async () => {
    const file = tokensFile([{ token: OPS, scopes: ['admin'], name: 'ops' }]);
    const server = await start({
      WALLET_API_TOKEN: undefined,
      WALLET_TOKENS_FILE: file,
      WALLET_DATA_DIR: dataDir(),
    });
    expect(server.output()).toContain('admin token: none');
    expect(server.output()).toContain('ops: admin');
    expect(server.output()).toContain('-H "authorization: Bearer $WALLET_TOKEN"');
    expect(server.output()).not.toMatch(/wallet_[A-Za-z0-9_-]{32}/);
    expect(
      (await call(server.url, 'POST', '/v1/wallets', { body: { accountId: 'p' }, token: OPS }))
        .status,
    ).toBe(201);
    expect(await stop(server.child)).toBe(0);
    expect(server.output()).not.toContain(OPS);
  }, 120_000);

  it('refuses to start on a bad tokens file: one line naming the file and entry, exit 1, no token, no database', async () => {
    const cases: {
      content: unknown;
      expected: RegExp;
      env?: Record<string, string | undefined>;
    }[] = [
      {
        // Not JSON (a trailing comma); V8's own message would quote the token.
        content: `[{"token": "${READER}", "scopes": ["read"],}]`,
        expected: /is not valid JSON/,
      },
      {
        content: [
          { token: STORE, scopes: ['credit'] },
          { token: READER, scopes: ['reed'] },
        ],
        expected:
          /entry 1: scopes\[0\] is not one of read, credit, debit, transfer, exchange, admin/,
      },
      {
        // A misspelt accountId must not leave a player's token unlimited.
        content: [{ token: PLAYER, scopes: ['read'], account: 'player-1' }],
        expected: /entry 0: has unknown field "account"/,
      },
      {
        // Refused by createWalletApi: an account-limited token may not mint currency.
        content: [
          { token: READER, scopes: ['read'] },
          { token: PLAYER, scopes: ['read', 'credit'], accountId: 'player-1' },
        ],
        expected: /entry 1: .*credit/,
      },
      {
        // Refused by createWalletApi: too short.
        content: [{ token: 'short-token', scopes: ['read'] }],
        expected: /entry 0: token must be at least 16 characters/,
      },
      {
        content: [{ token: ADMIN_TOKEN, scopes: ['read'] }],
        expected: /entry 0 has the same token as WALLET_API_TOKEN/,
      },
      { content: { token: READER, scopes: ['read'] }, expected: /must be a JSON array/ },
      { content: [], expected: /lists no tokens/ },
    ];
    const secrets = [READER, STORE, PLAYER, ADMIN_TOKEN, 'short-token'];
    await Promise.all(
      cases.map(async ({ content, expected }) => {
        const file = tokensFile(content);
        const data = dataDir();
        const result = await startFails({ WALLET_TOKENS_FILE: file, WALLET_DATA_DIR: data });
        expect(result.code, result.output).toBe(1);
        expect(result.stdout).toBe('');
        const lines = result.output.trim().split('\n');
        expect(lines, result.output).toHaveLength(1);
        expect(lines[0]).toMatch(/^wallet API: cannot start: /);
        expect(lines[0]).toContain(`WALLET_TOKENS_FILE ${file}`);
        expect(lines[0]).toMatch(expected);
        for (const secret of secrets) expect(lines[0]).not.toContain(secret);
        expect(existsSync(data)).toBe(false);
      }),
    );
    const missing = join(dir, 'missing.json');
    const result = await startFails({ WALLET_TOKENS_FILE: missing, WALLET_DATA_DIR: dataDir() });
    expect(result.code).toBe(1);
    expect(result.output.trim()).toBe(
      `wallet API: cannot start: WALLET_TOKENS_FILE ${missing}: cannot read it (ENOENT)`,
    );
  }, 120_000);

  it('refuses a short WALLET_API_TOKEN without printing it', async () => {
    const result = await startFails({
      WALLET_API_TOKEN: 'too-short-tkn',
      WALLET_DATA_DIR: dataDir(),
    });
    expect(result.code).toBe(1);
    expect(result.output.trim()).toMatch(
      /^wallet API: cannot start: the tokens were refused: WALLET_API_TOKEN: token must be at least 16 characters/,
    );
    expect(result.output).not.toContain('too-short-tkn');
  }, 60_000);
});

describe('readConfig and parseTokensFile', () => {
  it('reads a tokens file, keeping its order and fields', () => {
    const file = tokensFile([
      { token: READER, scopes: ['read'], name: 'dashboard' },
      { token: PLAYER, scopes: ['read', 'transfer', 'exchange'], accountId: 'player-1' },
    ]);
    const config = readConfig({ WALLET_TOKENS_FILE: file, WALLET_API_TOKEN: ADMIN_TOKEN });
    expect(config).toMatchObject({
      token: ADMIN_TOKEN,
      tokenGenerated: false,
      tokensFile: file,
      tokens: [
        { token: READER, scopes: ['read'], name: 'dashboard' },
        { token: PLAYER, scopes: ['read', 'transfer', 'exchange'], accountId: 'player-1' },
      ],
    });
    expect(config.tokens[0]).not.toHaveProperty('accountId');
  });

  it('generates an admin token only when neither WALLET_API_TOKEN nor WALLET_TOKENS_FILE is set', () => {
    const file = tokensFile([{ token: OPS, scopes: ['admin'] }]);
    expect(readConfig({ WALLET_TOKENS_FILE: file })).toMatchObject({
      token: undefined,
      tokenGenerated: false,
    });
    expect(readConfig({ WALLET_API_TOKEN: `  ${ADMIN_TOKEN} ` })).toMatchObject({
      token: ADMIN_TOKEN,
      tokenGenerated: false,
      tokens: [],
      tokensFile: undefined,
    });
    expect(readConfig({}).tokenGenerated).toBe(true);
  });

  it('resolves a relative path from INIT_CWD, where pnpm ran', () => {
    tokensFile([{ token: OPS, scopes: ['admin'] }]);
    const name = `tokens-${files}.json`;
    expect(readConfig({ WALLET_TOKENS_FILE: name, INIT_CWD: dir }).tokensFile).toBe(
      join(dir, name),
    );
  });

  it('names the entry and field of each problem, never a value', () => {
    const problems: [unknown, RegExp][] = [
      ['nope', /tokens\.json: is not valid JSON/],
      [[null], /entry 0: must be an object/],
      [[[READER]], /entry 0: must be an object/],
      [[{ scopes: ['read'] }], /entry 0: token must be a non-empty string/],
      [[{ token: 42, scopes: ['read'] }], /entry 0: token must be a non-empty string/],
      [[{ token: READER }], /entry 0: scopes must be a non-empty array/],
      [[{ token: READER, scopes: [] }], /entry 0: scopes must be a non-empty array/],
      [[{ token: READER, scopes: 'read' }], /entry 0: scopes must be a non-empty array/],
      [[{ token: READER, scopes: ['read', STORE] }], /entry 0: scopes\[1\] is not one of/],
      [[{ token: READER, scopes: ['read'], accountId: '' }], /entry 0: accountId must be/],
      [[{ token: READER, scopes: ['read'], accountId: 7 }], /entry 0: accountId must be/],
      [[{ token: READER, scopes: ['read'], name: 7 }], /entry 0: name must be a string/],
      [
        [{ token: READER, scopes: ['read'], Scopes: ['admin'], tokn: 'x' }],
        /entry 0: has unknown fields "Scopes", "tokn"/,
      ],
      [
        [
          { token: READER, scopes: ['read'] },
          { token: STORE, scopes: ['credit'] },
          { token: READER, scopes: ['admin'] },
        ],
        /entry 2: has the same token as entry 0/,
      ],
    ];
    for (const [content, expected] of problems) {
      const text = typeof content === 'string' ? content : JSON.stringify(content);
      let message = '';
      try {
        parseTokensFile(text, '/etc/wallet/tokens.json');
      } catch (error) {
        message = (error as Error).message;
      }
      expect(message, text).toMatch(/^WALLET_TOKENS_FILE \/etc\/wallet\/tokens\.json: /);
      expect(message, text).toMatch(expected);
      for (const secret of [READER, STORE]) expect(message).not.toContain(secret);
    }
  });

  it('gives the line and column of a JSON syntax error without quoting the text', () => {
    const text = `[\n  {"token": "${READER}", "scopes": ["read"]}\n  {"token": "${STORE}"}\n]`;
    expect(() => parseTokensFile(text, 'tokens.json')).toThrow(
      /^WALLET_TOKENS_FILE tokens\.json: is not valid JSON \(line 3, column 3\)$/,
    );
  });

  it('accepts a file that starts with a byte order mark', () => {
    expect(parseTokensFile(`\uFEFF[{"token":"${OPS}","scopes":["admin"]}]`, 't.json')).toEqual([
      { token: OPS, scopes: ['admin'] },
    ]);
  });
});
