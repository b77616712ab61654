import { execFile } from 'node:child_process';
import {
  copyFileSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { request as httpRequest } from 'node:http';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { createMemoryLedger, createWalletService, silentLogger } from '@wallet/core';
import { httpApiEvent, lambdaContext, restApiEvent } from '@wallet/testing';
import { build } from 'esbuild';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { lambdaHandler } from '../src/aws-lambda.js';
import {
  createWalletApi,
  DOCS_ASSET_FILES,
  type WalletApi,
  type WalletApiOptions,
} from '../src/index.js';
import { listen, type RunningServer } from '../src/node.js';
import { API_TOKENS, CURRENCIES, memoryLogger, TOKENS } from './support.js';

const ORIGIN = 'http://wallet.test';
const DIST_DIR = dirname(createRequire(import.meta.url).resolve('swagger-ui-dist/package.json'));

/** The API over a fresh in-memory ledger, called through its `fetch`. */
function buildApi(options: Partial<WalletApiOptions> = {}) {
  const service = createWalletService({ ledger: createMemoryLedger(), currencies: CURRENCIES });
  const logger = memoryLogger();
  const api = createWalletApi({ service, tokens: API_TOKENS, logger, ...options });
  return { api, logger, get: (path: string, init?: RequestInit) => get(api, path, init) };
}

async function get(api: Pick<WalletApi, 'fetch'>, path: string, init: RequestInit = {}) {
  const response = await api.fetch(new Request(new URL(path, ORIGIN), init));
  const bytes = new Uint8Array(await response.arrayBuffer());
  const text = new TextDecoder().decode(bytes);
  let json: { error?: { code: string; message: string } } | undefined;
  try {
    json = JSON.parse(text);
  } catch {
    json = undefined;
  }
  return { status: response.status, headers: response.headers, bytes, text, json };
}

/** Every `src` and `href` of a page, resolved against the page's URL. */
function references(html: string, pageUrl: string): URL[] {
  return [...html.matchAll(/\b(?:src|href)="([^"]*)"/g)].map(
    (match) => new URL(match[1] ?? '', pageUrl),
  );
}

const CONTENT_TYPES: Record<string, RegExp> = {
  css: /^text\/css; charset=utf-8$/,
  js: /^text\/javascript; charset=utf-8$/,
  png: /^image\/png$/,
  json: /^application\/json\b/,
};

function expectedType(url: URL): RegExp {
  const type = CONTENT_TYPES[url.pathname.slice(url.pathname.lastIndexOf('.') + 1)];
  if (!type) throw new Error(`the page references ${url.pathname}, of no known type`);
  return type;
}

/** The CSP header as a map of directive to its sources. */
function policy(header: string | null): Map<string, string[]> {
  return new Map(
    (header ?? '')
      .split(';')
      .map((part) => part.trim().split(/\s+/))
      .filter((words) => words[0])
      .map(([name, ...sources]) => [name as string, sources]),
  );
}

const PAGES = ['/docs', '/docs/'] as const;

describe('GET /docs: the interactive reference of /openapi.json', () => {
  const { get } = buildApi();

  it.each(PAGES)('%s answers an HTML page that starts Swagger UI', async (path) => {
    const page = await get(path);
    expect(page.status).toBe(200);
    expect(page.headers.get('content-type')).toMatch(/^text\/html; charset=utf-8$/i);
    expect(page.text).toContain('<div id="swagger-ui"></div>');
    expect(page.text).toContain('<title>Wallet API: reference</title>');
    const scripts = [...page.text.matchAll(/<script\b([^>]*)>([\s\S]*?)<\/script>/g)];
    expect(scripts.map((script) => script[1])).toEqual([
      expect.stringMatching(/ src="[^"]*swagger-ui-bundle\.js\?v=[0-9a-f]{16}"/),
      expect.stringMatching(/ src="[^"]*init\.js\?v=[0-9a-f]{16}"/),
    ]);
    // No inline script: the CSP's script-src 'self' would refuse it.
    expect(scripts.map((script) => script[2]?.trim())).toEqual(['', '']);
  });

  it("takes its title from the document's, escaped as HTML", async () => {
    const titled = buildApi({ openApi: { title: 'Acme <Wallet> & "Co"' } });
    const page = await titled.get('/docs');
    expect(page.text).toContain(
      '<title>Acme &lt;Wallet&gt; &amp; &quot;Co&quot;: reference</title>',
    );
  });

  it.each(PAGES)(
    '%s references only URLs of its own origin, and names no other origin anywhere',
    async (path) => {
      const page = await get(path);
      expect(page.text).not.toMatch(/https?:\/\//i);
      expect(page.text).not.toMatch(/(?:src|href)="\/\//);
      const refs = references(page.text, `${ORIGIN}${path}`);
      expect(refs.length).toBeGreaterThan(0);
      for (const url of refs) expect(url.origin).toBe(ORIGIN);
    },
  );

  it.each(PAGES)(
    'every file %s references answers 200 with its content type, under /docs/ or the document itself',
    async (path) => {
      const page = await get(path);
      const served: string[] = [];
      for (const url of references(page.text, `${ORIGIN}${path}`)) {
        const file = await get(url.href);
        expect([url.pathname, file.status]).toEqual([url.pathname, 200]);
        expect(file.headers.get('content-type')).toMatch(expectedType(url));
        expect(file.bytes.byteLength).toBeGreaterThan(0);
        served.push(url.pathname);
      }
      expect(served.sort()).toEqual(
        [
          ...DOCS_ASSET_FILES.map((name) => `/docs/${name}`),
          '/docs/init.js',
          '/openapi.json',
        ].sort(),
      );
    },
  );

  it("serves swagger-ui's files byte for byte from the installed swagger-ui-dist", async () => {
    for (const name of DOCS_ASSET_FILES) {
      const file = await get(`/docs/${name}`);
      expect([name, file.status]).toEqual([name, 200]);
      expect(Buffer.from(file.bytes).equals(readFileSync(join(DIST_DIR, name)))).toBe(true);
    }
  });

  it("starts Swagger UI on the API's own /openapi.json, found relative to the script's own URL", async () => {
    const page = await get('/docs');
    const init = references(page.text, `${ORIGIN}/docs`).find((url) =>
      url.pathname.endsWith('/init.js'),
    );
    const script = await get(init!.href);
    expect(script.text).toContain("new URL('../openapi.json', document.currentScript.src)");
    // What that expression gives in the browser, here and under a path prefix (an API stage).
    expect(new URL('../openapi.json', init!.href).href).toBe(`${ORIGIN}/openapi.json`);
    expect(new URL('../openapi.json', 'https://x.example/prod/docs/init.js?v=1').pathname).toBe(
      '/prod/openapi.json',
    );
    // Swagger UI would otherwise send the document to validator.swagger.io.
    expect(script.text).toContain('validatorUrl: null');
  });

  it('caches the files for a year under the versioned URL the page names, and revalidates anything else', async () => {
    for (const path of PAGES) {
      expect((await get(path)).headers.get('cache-control')).toBe('no-cache');
    }
    const page = await get('/docs/');
    for (const url of references(page.text, `${ORIGIN}/docs/`)) {
      if (!url.pathname.startsWith('/docs/')) continue;
      const versioned = await get(url.href);
      expect([url.pathname, versioned.headers.get('cache-control')]).toEqual([
        url.pathname,
        'public, max-age=31536000, immutable',
      ]);
      for (const other of [url.pathname, `${url.pathname}?v=0000000000000000`]) {
        const unversioned = await get(other);
        expect([other, unversioned.status, unversioned.headers.get('cache-control')]).toEqual([
          other,
          200,
          'no-cache',
        ]);
      }
    }
  });

  it('sends a Content-Security-Policy that allows scripts, styles, images and calls from its own origin only', async () => {
    for (const path of [...PAGES, '/docs/init.js', '/docs/swagger-ui-bundle.js']) {
      const reply = await get(path);
      const csp = policy(reply.headers.get('content-security-policy'));
      expect(csp.get('default-src')).toEqual(["'self'"]);
      expect(csp.get('script-src')).toEqual(["'self'"]);
      // Swagger UI sets style attributes from script; its stylesheet's icons are data: URIs.
      expect(csp.get('style-src')).toEqual(["'self'", "'unsafe-inline'"]);
      expect(csp.get('img-src')).toEqual(["'self'", 'data:']);
      expect(csp.get('connect-src')).toEqual(["'self'"]);
      expect(csp.get('frame-ancestors')).toEqual(["'none'"]);
      // No host, scheme or wildcard anywhere; 'unsafe-inline' for styles only; no 'unsafe-eval'.
      for (const [directive, sources] of csp) {
        for (const source of sources) {
          const allowed = directive === 'img-src' ? ["'self'", 'data:'] : ["'self'", "'none'"];
          if (directive === 'style-src') allowed.push("'unsafe-inline'");
          expect([directive, allowed.includes(source)]).toEqual([directive, true]);
        }
      }
      expect(reply.headers.get('x-content-type-options')).toBe('nosniff');
    }
  });

  it('serves only its fixed list of files: traversal, encoded traversal and unknown names are 404 NOT_FOUND', async () => {
    for (const path of [
      '/docs/..%2f..%2fpackage.json',
      '/docs/..%2fpackage.json',
      '/docs/%2e%2e%2f%2e%2e%2fpackage.json',
      '/docs/..%5c..%5cpackage.json',
      '/docs/%2e%2e',
      '/docs/..%2f..%2fsrc%2fwallet-api.ts',
      '/docs/%2fetc%2fpasswd',
      '/docs/package.json',
      '/docs/index.html',
      '/docs/swagger-initializer.js',
      '/docs/swagger-ui-bundle.js.map',
      '/docs/swagger-ui.js',
      '/docs/oauth2-redirect.html',
      '/docs/absolute-path.js',
      '/docs/LICENSE',
      '/docs/SWAGGER-UI.CSS',
      '/docs/swagger-ui.css%00.png',
      '/docs/swagger-ui.css%2f',
      '/docs/swagger-ui.css/x',
      '/docs/__proto__',
      '/docs/constructor',
      '/docs/hasOwnProperty',
      '/docs/docs/swagger-ui.css',
    ]) {
      const reply = await get(path);
      expect([path, reply.status, reply.json?.error?.code]).toEqual([path, 404, 'NOT_FOUND']);
      expect(reply.text).not.toContain('swagger-ui-dist');
      expect(reply.headers.get('content-type')).toMatch(/^application\/json/);
    }
  });

  it('is readable exactly when /openapi.json is: with no token, an unknown one, a player one, and on an API with no credentials', async () => {
    const closed = buildApi({ tokens: [], logger: silentLogger });
    const callers: [string, ReturnType<typeof buildApi>['get'], Record<string, string>][] = [
      ['no token', get, {}],
      ['an unknown token', get, { authorization: 'Bearer not-a-configured-token-at-all' }],
      ['a malformed header', get, { authorization: 'Basic abc' }],
      ['a player token', get, { authorization: `Bearer ${TOKENS.player}` }],
      ['an admin token', get, { authorization: `Bearer ${TOKENS.admin}` }],
      ['no credentials configured', closed.get, {}],
    ];
    for (const [caller, call, headers] of callers) {
      const document = await call('/openapi.json', { headers });
      for (const path of [...PAGES, '/docs/swagger-ui-bundle.js']) {
        const reply = await call(path, { headers });
        expect([caller, path, reply.status]).toEqual([caller, path, document.status]);
      }
      expect(document.status).toBe(200);
    }
  });

  it('answers HEAD like GET, and another method with 405 and an Allow header', async () => {
    const head = await get('/docs/swagger-ui.css', { method: 'HEAD' });
    expect(head.status).toBe(200);
    expect(head.headers.get('content-type')).toMatch(CONTENT_TYPES.css!);
    expect(head.bytes.byteLength).toBe(0);
    const post = await get('/docs', { method: 'POST' });
    expect([post.status, post.json?.error?.code]).toEqual([405, 'METHOD_NOT_ALLOWED']);
    expect(post.headers.get('allow')).toMatch(/GET/);
  });
});

describe('GET /docs over a real socket', () => {
  let server: RunningServer;
  beforeAll(async () => {
    server = await listen(buildApi().api, { port: 0 });
  });
  afterAll(() => server.close());

  /** A GET with the path sent exactly as written, as a hostile client would. */
  function raw(path: string): Promise<{ status: number; body: string }> {
    return new Promise((resolve, reject) => {
      const req = httpRequest({ host: '127.0.0.1', port: server.port, path }, (res) => {
        let body = '';
        res.setEncoding('utf8');
        res.on('data', (chunk: string) => {
          body += chunk;
        });
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
      });
      req.on('error', reject);
      req.end();
    });
  }

  it('answers the page, and 404 for a traversal however the path is spelled', async () => {
    expect((await raw('/docs')).status).toBe(200);
    for (const path of [
      '/docs/../package.json',
      '/docs/../../package.json',
      '/docs/..%2fpackage.json',
      '/docs/%2e%2e/package.json',
      '/docs//etc/passwd',
    ]) {
      const reply = await raw(path);
      expect([path, reply.status]).toEqual([path, 404]);
      expect(reply.body).not.toContain('swagger-ui-dist');
    }
  });
});

describe('GET /docs through the Lambda handler', () => {
  const { api } = buildApi();

  it.each([
    ['REST API (v1)', restApiEvent],
    ['HTTP API (v2)', httpApiEvent],
  ] as const)(
    '%s: the page and scripts answer as text, the icons as base64 of their bytes',
    async (_name, event) => {
      const page = await lambdaHandler(api)(
        event({ method: 'GET', path: '/docs' }),
        lambdaContext(),
      );
      expect([page.statusCode, page.isBase64Encoded]).toEqual([200, false]);
      expect(page.body).toContain('<div id="swagger-ui"></div>');
      const script = await lambdaHandler(api)(
        event({ method: 'GET', path: '/docs/init.js' }),
        lambdaContext(),
      );
      expect([script.statusCode, script.isBase64Encoded]).toEqual([200, false]);
      const icon = await lambdaHandler(api)(
        event({ method: 'GET', path: '/docs/favicon-32x32.png' }),
        lambdaContext(),
      );
      expect([icon.statusCode, icon.isBase64Encoded]).toEqual([200, true]);
      expect(
        Buffer.from(icon.body, 'base64').equals(readFileSync(join(DIST_DIR, 'favicon-32x32.png'))),
      ).toBe(true);
    },
  );
});

describe('docs: false', () => {
  it('makes /docs and its files 404 NOT_FOUND like any unknown path, and changes nothing else', async () => {
    const { get } = buildApi({ docs: false });
    for (const path of [...PAGES, '/docs/swagger-ui-bundle.js', '/docs/init.js']) {
      const reply = await get(path);
      expect([path, reply.status, reply.json?.error?.code]).toEqual([path, 404, 'NOT_FOUND']);
      expect(reply.json?.error?.message).toMatch(/^no route matches GET \/docs/);
    }
    expect((await get('/openapi.json')).status).toBe(200);
    expect((await get('/healthz')).status).toBe(200);
  });
});

describe('when the swagger-ui-dist files cannot be found', () => {
  let workDir: string;
  beforeAll(() => {
    workDir = mkdtempSync(join(tmpdir(), 'wallet-docs-'));
  });
  afterAll(() => rmSync(workDir, { recursive: true, force: true }));

  function dirWith(label: string, names: readonly string[]): string {
    const dir = join(workDir, label);
    mkdirSync(dir);
    for (const name of names) copyFileSync(join(DIST_DIR, name), join(dir, name));
    return dir;
  }

  it('the API starts, /docs is a JSON 404 NOT_FOUND that says why, never a 500, and the miss is logged once', async () => {
    const { get, logger } = buildApi({ docs: { assetsDir: dirWith('empty', []) } });
    for (const path of [...PAGES, '/docs/swagger-ui-bundle.js', '/docs/init.js', '/docs']) {
      const reply = await get(path);
      expect([path, reply.status, reply.json?.error?.code]).toEqual([path, 404, 'NOT_FOUND']);
      expect(reply.headers.get('content-type')).toMatch(/^application\/json/);
      expect(reply.json?.error?.message).toMatch(/\/docs\) is not available.*swagger-ui-dist/);
      expect(reply.text).not.toMatch(/\bat .*\.ts:\d+/); // no stack
    }
    expect((await get('/openapi.json')).status).toBe(200);
    expect((await get('/healthz')).status).toBe(200);
    const warnings = logger.records.filter((record) => record.level === 'warn');
    expect(warnings).toEqual([
      expect.objectContaining({
        message: expect.stringMatching(/\/docs is off/),
        assetsDir: expect.any(String),
      }),
    ]);
    expect(logger.records.filter((record) => record.level === 'error')).toEqual([]);
  });

  it('a directory missing one of the files is the same 404, never a page with a broken asset', async () => {
    const { get } = buildApi({
      docs: { assetsDir: dirWith('partial', DOCS_ASSET_FILES.slice(1)) },
    });
    for (const path of [...PAGES, '/docs/swagger-ui.css']) {
      const reply = await get(path);
      expect([path, reply.status, reply.json?.error?.code]).toEqual([path, 404, 'NOT_FOUND']);
    }
  });

  it('a directory holding exactly DOCS_ASSET_FILES serves the page and every file', async () => {
    const { get } = buildApi({ docs: { assetsDir: dirWith('copied', DOCS_ASSET_FILES) } });
    const page = await get('/docs/');
    expect(page.status).toBe(200);
    for (const url of references(page.text, `${ORIGIN}/docs/`)) {
      expect([url.pathname, (await get(url.href)).status]).toEqual([url.pathname, 200]);
    }
  });
});

describe('in a bundle, as deployed to Lambda', () => {
  // The package's source bundled by esbuild, as a Lambda bundler does, and run in a child
  // process: swagger-ui-dist is resolved at run time, so the bundle finds it only in a
  // node_modules beside it. A child, because this process's NODE_PATH (set by the package
  // manager's bin shims) would find the workspace's copy from anywhere, and Lambda has none.
  const here = dirname(fileURLToPath(import.meta.url));
  let workDir: string;
  beforeAll(() => {
    workDir = mkdtempSync(join(tmpdir(), 'wallet-docs-bundle-'));
  });
  afterAll(() => rmSync(workDir, { recursive: true, force: true }));

  async function bundle(dir: string, format: 'esm' | 'cjs'): Promise<string> {
    mkdirSync(dir, { recursive: true });
    const entry = join(dir, 'entry.ts');
    writeFileSync(
      entry,
      `export { createWalletApi } from ${JSON.stringify(join(here, '../src/index.ts'))};
export { createMemoryLedger, createWalletService, silentLogger } from ${JSON.stringify(join(here, '../../core/src/index.ts'))};
`,
    );
    const outfile = join(dir, format === 'esm' ? 'index.mjs' : 'index.cjs');
    await build({
      entryPoints: [entry],
      outfile,
      bundle: true,
      platform: 'node',
      target: 'node20',
      format,
      conditions: ['@wallet/source'],
      logLevel: 'silent',
      // CommonJS dependencies inside an ES module bundle still call `require`.
      ...(format === 'esm'
        ? {
            banner: {
              js: "import { createRequire as __bundleRequire } from 'node:module'; const require = __bundleRequire(import.meta.url);",
            },
          }
        : {}),
    });
    return outfile;
  }

  /** Loads the bundle in a fresh Node with no NODE_PATH and answers `paths` through its API. */
  async function run(
    bundlePath: string,
    paths: readonly string[],
  ): Promise<Record<string, { status: number; type: string | null; code?: string }>> {
    const script = join(workDir, 'run.mjs');
    writeFileSync(
      script,
      `import { createRequire } from 'node:module';
import { pathToFileURL } from 'node:url';
const [bundlePath, pathsJson] = process.argv.slice(2);
const m = bundlePath.endsWith('.mjs')
  ? await import(pathToFileURL(bundlePath).href)
  : createRequire(import.meta.url)(bundlePath);
const service = m.createWalletService({ ledger: m.createMemoryLedger(), currencies: [{ code: 'GOLD', scale: 2 }] });
const api = m.createWalletApi({ service, tokens: [], logger: m.silentLogger });
const out = {};
for (const path of JSON.parse(pathsJson)) {
  const response = await api.fetch(new Request('http://wallet.test' + path));
  const text = await response.text();
  let code;
  try { code = JSON.parse(text).error?.code; } catch {}
  out[path] = { status: response.status, type: response.headers.get('content-type'), code };
}
process.stdout.write(JSON.stringify(out));
`,
    );
    const { NODE_PATH: _ignored, ...env } = process.env;
    const { stdout } = await promisify(execFile)(
      process.execPath,
      [script, bundlePath, JSON.stringify(paths)],
      { env, cwd: dirname(bundlePath) },
    );
    return JSON.parse(stdout);
  }

  const PATHS = [
    ...PAGES,
    ...DOCS_ASSET_FILES.map((name) => `/docs/${name}`),
    '/docs/init.js',
    '/openapi.json',
  ];

  it.each(['esm', 'cjs'] as const)(
    'a %s bundle without node_modules starts, and answers /docs and its files with the JSON 404',
    async (format) => {
      const replies = await run(await bundle(join(workDir, `bare-${format}`), format), PATHS);
      for (const path of PATHS) {
        const expected =
          path === '/openapi.json'
            ? { status: 200, type: expect.stringMatching(/^application\/json/) }
            : { status: 404, type: expect.stringMatching(/^application\/json/), code: 'NOT_FOUND' };
        expect([path, replies[path]]).toEqual([path, expected]);
      }
    },
  );

  it.each(['esm', 'cjs'] as const)(
    'a %s bundle with swagger-ui-dist in its node_modules serves the page and its files',
    async (format) => {
      const dir = join(workDir, `shipped-${format}`);
      mkdirSync(join(dir, 'node_modules'), { recursive: true });
      symlinkSync(DIST_DIR, join(dir, 'node_modules', 'swagger-ui-dist'), 'dir');
      const replies = await run(await bundle(dir, format), PATHS);
      for (const path of PATHS) {
        expect([path, replies[path]?.status]).toEqual([path, 200]);
      }
      expect(replies['/docs/swagger-ui-bundle.js']?.type).toMatch(CONTENT_TYPES.js!);
    },
  );
});
