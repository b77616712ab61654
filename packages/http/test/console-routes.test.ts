import { createMemoryLedger, createWalletService, silentLogger } from '@wallet/core';
import { describe, expect, it } from 'vitest';
import { type ConsoleAssets, createWalletApi } from '../src/index.js';

const ADMIN = 'admin-token-for-console-tests';
const PLAYER = 'player-token-for-console-tests';

function api(console?: ConsoleAssets) {
  const service = createWalletService({
    ledger: createMemoryLedger(),
    currencies: [{ code: 'GEMS', scale: 0 }],
  });
  return createWalletApi({
    service,
    logger: silentLogger,
    tokens: [
      { token: ADMIN, scopes: ['admin'], name: 'support' },
      { token: PLAYER, scopes: ['read', 'debit'], accountId: 'p1' },
    ],
    ...(console ? { console } : {}),
  });
}

const text = (body: string) => new Uint8Array(Buffer.from(body));
const assets: ConsoleAssets = new Map([
  [
    'index.html',
    { body: text('<!doctype html><title>c</title>'), contentType: 'text/html; charset=utf-8' },
  ],
  ['console.js', { body: text('export {};'), contentType: 'text/javascript; charset=utf-8' }],
]);

describe('GET /v1/me', () => {
  it('tells a caller its own name, scopes and account limit, and never the token', async () => {
    const app = api();
    const get = (token?: string) =>
      app.fetch(
        new Request('http://wallet.test/v1/me', {
          headers: token ? { authorization: `Bearer ${token}` } : {},
        }),
      );
    const admin = await get(ADMIN);
    expect(admin.status).toBe(200);
    expect(await admin.json()).toEqual({ name: 'support', scopes: ['admin'], accountId: null });
    const player = await (await get(PLAYER)).text();
    expect(JSON.parse(player)).toEqual({ name: null, scopes: ['read', 'debit'], accountId: 'p1' });
    expect(player).not.toContain(PLAYER);
    expect((await get()).status).toBe(401);
    expect((await get('not-a-configured-token-at-all')).status).toBe(401);
  });
});

describe('the console routes', () => {
  const get = (app: ReturnType<typeof api>, path: string) =>
    app.fetch(new Request(`http://wallet.test${path}`));

  it('serve the page and its files by whole name, with a same-origin-only policy', async () => {
    const app = api(assets);
    const redirect = await get(app, '/console');
    expect(redirect.status).toBe(301);
    expect(redirect.headers.get('location')).toBe('/console/');
    const page = await get(app, '/console/');
    expect(page.status).toBe(200);
    expect(page.headers.get('content-type')).toBe('text/html; charset=utf-8');
    expect(await page.text()).toBe('<!doctype html><title>c</title>');
    const csp = page.headers.get('content-security-policy')!;
    expect(csp).toContain("script-src 'self'");
    expect(csp).toContain("frame-ancestors 'none'");
    expect(csp).not.toMatch(/https?:|unsafe/);
    const script = await get(app, '/console/console.js');
    expect(script.headers.get('content-type')).toBe('text/javascript; charset=utf-8');
    expect(await script.text()).toBe('export {};');
  });

  it('answer 404 for any other name, a traversal included', async () => {
    const app = api(assets);
    for (const path of [
      '/console/other.js',
      '/console/..%2fpackage.json',
      '/console/%2e%2e%2f%2e%2e%2fpackage.json',
      '/console/__proto__',
      '/console/a/console.js',
    ]) {
      expect([path, (await get(app, path)).status]).toEqual([path, 404]);
    }
  });

  it('are absent unless the API is given the console', async () => {
    expect((await get(api(), '/console/')).status).toBe(404);
  });

  it('refuse assets without a page', () => {
    expect(() => api(new Map())).toThrow(TypeError);
  });
});
