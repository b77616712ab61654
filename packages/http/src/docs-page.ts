import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import type { Logger } from '@wallet/core';
import type { Context, Hono } from 'hono';
import type { WalletApiEnv } from './context.js';
import { ApiError } from './errors.js';
import { pageHeaders } from './page-headers.js';

// `GET /docs`: Swagger UI over the API's own `/openapi.json`, every byte of it served by this
// process. The page loads nothing from another origin, so it works on a network without the
// internet and cannot be changed by a CDN; its Content-Security-Policy says so to the browser.

/**
 * The files of `swagger-ui-dist` that `GET /docs` serves, each under `/docs/<name>`. Nothing
 * else of that directory is ever read: a request names one of these or is 404. A bundle that
 * places the files itself (see {@link DocsPageOptions.assetsDir}) copies exactly these.
 *
 * @example
 * import { copyFileSync } from 'node:fs';
 * for (const name of DOCS_ASSET_FILES) copyFileSync(join(from, name), join(bundleDir, 'swagger-ui', name));
 */
export const DOCS_ASSET_FILES = [
  'swagger-ui-bundle.js',
  'swagger-ui.css',
  'index.css',
  'favicon-32x32.png',
  'favicon-16x16.png',
] as const;

/**
 * How `GET /docs` finds its files. Pass `docs: false` to `createWalletApi` to turn the page off.
 *
 * @example
 * createWalletApi({ service, tokens, docs: { assetsDir: join(import.meta.dirname, 'swagger-ui') } });
 */
export interface DocsPageOptions {
  /**
   * A directory holding {@link DOCS_ASSET_FILES}. Default: the installed `swagger-ui-dist`
   * package, resolved from this module. When the files are not there, `/docs` answers 404.
   */
  assetsDir?: string;
}

/** What the docs routes need from the API being built. */
interface DocsRoutesConfig extends DocsPageOptions {
  /** The OpenAPI document's title, for the page's (the document is built on first use). */
  title: () => string;
  logger: Logger;
}

/** A file `/docs/<name>` serves, held in memory once read. */
interface Asset {
  body: Uint8Array<ArrayBuffer>;
  contentType: string;
  /** A digest of `body`: the `?v=` the page asks for, so a changed file gets a new URL. */
  version: string;
}

/** The script that starts Swagger UI, served as `/docs/init.js`. */
const INIT_SCRIPT_NAME = 'init.js';

// A file rather than an inline <script>, so the page's CSP can hold scripts to 'self' with no
// 'unsafe-inline' and no hash to keep in step. The document's URL is taken relative to this
// script's own URL (…/docs/init.js), not the page's, so it is right at /docs and at /docs/ and
// under a path prefix such as an API Gateway stage.
const INIT_SCRIPT = `(function () {
  'use strict';
  var documentUrl = new URL('../openapi.json', document.currentScript.src).href;
  window.ui = window.SwaggerUIBundle({
    url: documentUrl,
    dom_id: '#swagger-ui',
    deepLinking: true,
    // Swagger UI otherwise sends the document to validator.swagger.io for a badge.
    validatorUrl: null,
    presets: [window.SwaggerUIBundle.presets.apis],
    layout: 'BaseLayout',
  });
})();
`;

const CONTENT_TYPES: Readonly<Record<string, string>> = {
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.png': 'image/png',
};

// Swagger UI sets style attributes from script, so styles need 'unsafe-inline'; scripts stay
// 'self' only.
const SECURITY_HEADERS = pageHeaders({ inlineStyles: true });

/** A year: the URLs of the files carry their digest, so a cached copy is never stale. */
const IMMUTABLE = 'public, max-age=31536000, immutable';

/**
 * Registers `GET /docs`, `GET /docs/` and `GET /docs/<file>` on the app. Public, like
 * `/openapi.json`, which the page reads. The files are looked for on the first request, not
 * here, so an API whose bundle lacks them still starts; `/docs` is then a 404 `NOT_FOUND`.
 *
 * @example
 * registerDocsRoutes(app, { title: () => 'Wallet API', logger: jsonLogger });
 */
export function registerDocsRoutes(app: Hono<WalletApiEnv>, config: DocsRoutesConfig): void {
  const assets = memoize(() => loadAssets(config));

  const page = async (c: Context<WalletApiEnv>) => {
    const found = await available(assets());
    // Relative URLs, so that the page works under any path prefix: at /docs they resolve
    // against the parent, at /docs/ against /docs/ itself.
    const base = c.req.path.endsWith('/') ? '' : 'docs/';
    return c.html(pageHtml(config.title(), base, found), 200, {
      ...SECURITY_HEADERS,
      'Cache-Control': 'no-cache',
    });
  };
  app.get('/docs', page);
  app.get('/docs/', page);
  app.get('/docs/:name', async (c) => {
    const found = await available(assets());
    // A lookup by whole name in a closed map: the name never becomes part of a path.
    const asset = found.get(c.req.param('name'));
    if (!asset) return c.notFound();
    return c.body(asset.body, 200, {
      ...SECURITY_HEADERS,
      'Content-Type': asset.contentType,
      // Only the URL the page itself names may be cached for good; any other copy revalidates.
      'Cache-Control': c.req.query('v') === asset.version ? IMMUTABLE : 'no-cache',
    });
  });
}

/** The assets, or the 404 that says why there are none. */
async function available(
  loading: Promise<ReadonlyMap<string, Asset> | undefined>,
): Promise<ReadonlyMap<string, Asset>> {
  const found = await loading;
  if (found) return found;
  throw new ApiError(
    404,
    'NOT_FOUND',
    'the API reference (/docs) is not available: its swagger-ui-dist files were not found (a bundle without node_modules?); /openapi.json is',
  );
}

/**
 * Reads every asset once. Any failure (no `swagger-ui-dist` in a bundle without
 * `node_modules`, a file missing from `assetsDir`) leaves the page off and is logged once,
 * never thrown: the API must serve without its reference.
 */
async function loadAssets(
  config: DocsRoutesConfig,
): Promise<ReadonlyMap<string, Asset> | undefined> {
  const dir = config.assetsDir ?? swaggerUiDistDir();
  try {
    if (dir === undefined) throw new Error('cannot resolve swagger-ui-dist from @wallet/http');
    const assets = new Map<string, Asset>();
    for (const name of DOCS_ASSET_FILES) {
      assets.set(name, asset(name, await readFile(join(dir, name))));
    }
    assets.set(INIT_SCRIPT_NAME, asset(INIT_SCRIPT_NAME, Buffer.from(INIT_SCRIPT)));
    return assets;
  } catch (error) {
    config.logger.warn({
      message: 'the API reference at /docs is off: its swagger-ui-dist files were not found',
      assetsDir: dir ?? null,
      error: error instanceof Error ? error.message : String(error),
    });
    return undefined;
  }
}

function asset(name: string, bytes: Buffer): Asset {
  const extension = name.slice(name.lastIndexOf('.'));
  return {
    body: new Uint8Array(bytes),
    contentType: CONTENT_TYPES[extension] ?? 'application/octet-stream',
    version: createHash('sha256').update(bytes).digest('hex').slice(0, 16),
  };
}

/**
 * The directory of the installed `swagger-ui-dist`, or undefined when it cannot be resolved.
 * Resolved at run time through `createRequire`, which a bundler leaves alone: a bundle never
 * inlines two megabytes of assets, and finds them in its own `node_modules` when it ships them.
 */
function swaggerUiDistDir(): string | undefined {
  // An ES module bundled to CommonJS (esbuild's default for a NodejsFunction) has an empty
  // `import.meta`; the bundle's own `__filename` then says where to look.
  const from =
    typeof import.meta.url === 'string'
      ? import.meta.url
      : typeof __filename === 'string'
        ? __filename
        : undefined;
  if (from === undefined) return undefined;
  try {
    return dirname(createRequire(from).resolve('swagger-ui-dist/package.json'));
  } catch {
    return undefined;
  }
}

function pageHtml(title: string, base: string, assets: ReadonlyMap<string, Asset>): string {
  const url = (name: string) => `${base}${name}?v=${assets.get(name)?.version ?? ''}`;
  const documentUrl = base === '' ? '../openapi.json' : 'openapi.json';
  return `<!doctype html>
<html lang="en">
  <head>
    <meta charset="utf-8">
    <meta name="viewport" content="width=device-width, initial-scale=1">
    <title>${escapeHtml(title)}: reference</title>
    <link rel="stylesheet" href="${url('swagger-ui.css')}">
    <link rel="stylesheet" href="${url('index.css')}">
    <link rel="icon" type="image/png" sizes="32x32" href="${url('favicon-32x32.png')}">
    <link rel="icon" type="image/png" sizes="16x16" href="${url('favicon-16x16.png')}">
  </head>
  <body>
    <noscript>This reference needs JavaScript. The contract itself is <a href="${documentUrl}">openapi.json</a>.</noscript>
    <div id="swagger-ui"></div>
    <script src="${url('swagger-ui-bundle.js')}"></script>
    <script src="${url(INIT_SCRIPT_NAME)}"></script>
  </body>
</html>
`;
}

function escapeHtml(text: string): string {
  return text.replace(
    /[&<>"']/g,
    (char) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[char]!,
  );
}

/** Calls `load` on first use only; every later call shares its promise. */
function memoize<T>(load: () => Promise<T>): () => Promise<T> {
  let loading: Promise<T> | undefined;
  return () => {
    loading ??= load();
    return loading;
  };
}
