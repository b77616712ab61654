import type { Hono } from 'hono';
import type { WalletApiEnv } from './context.js';
import { pageHeaders } from './page-headers.js';

/**
 * The files of the operators' console, by name, as `@wallet/console`'s `consoleAssets()` reads
 * them; any map of that shape serves (a bundle may embed the files).
 *
 * @example
 * import { consoleAssets } from '@wallet/console';
 * const assets: ConsoleAssets = consoleAssets();
 */
export type ConsoleAssets = ReadonlyMap<
  string,
  {
    /** The file's bytes, sent as they are. */
    body: Uint8Array<ArrayBuffer>;
    /** The `Content-Type` the file is served with. */
    contentType: string;
  }
>;

// The console loads only its own files and calls only this API: nothing inline at all.
const HEADERS = {
  ...pageHeaders({ inlineStyles: false }),
  // The files change with the package, and are small: revalidate rather than cache for good.
  'Cache-Control': 'no-cache',
} as const;

/**
 * Registers the console: `GET /console` (a redirect to `/console/`), `GET /console/` (its
 * page) and `GET /console/<file>` for the files in `assets` alone, looked up by whole name. The
 * page is public, like `/docs`; everything it shows comes from `/v1` calls made with the token
 * the operator types in.
 *
 * @example
 * registerConsoleRoutes(app, consoleAssets());
 */
export function registerConsoleRoutes(app: Hono<WalletApiEnv>, assets: ConsoleAssets): void {
  const index = assets.get('index.html');
  if (!index) throw new TypeError('the console assets hold no index.html');
  app.get('/console', (c) => c.redirect('/console/', 301));
  app.get('/console/', (c) =>
    c.body(index.body, 200, { ...HEADERS, 'Content-Type': index.contentType }),
  );
  app.get('/console/:name', (c) => {
    const asset = assets.get(c.req.param('name'));
    if (!asset) return c.notFound();
    return c.body(asset.body, 200, { ...HEADERS, 'Content-Type': asset.contentType });
  });
}
