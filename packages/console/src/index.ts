import { readdirSync, readFileSync } from 'node:fs';
import { extname } from 'node:path';
import { fileURLToPath } from 'node:url';

/** One file of the console, ready to serve. */
export interface ConsoleAsset {
  /** The file's bytes, as the build wrote them. */
  body: Uint8Array<ArrayBuffer>;
  /** The `Content-Type` to serve the file with, from its extension (UTF-8 text). */
  contentType: string;
}

const CONTENT_TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
};

/** Where the build puts the page, its script and its style (the same from src/ and dist/). */
const ASSETS = new URL('../dist/assets/', import.meta.url);

/**
 * The console's files by name (`index.html`, `console.js`, `console.css`), read once from the
 * package: pass them to `createWalletApi({ console: consoleAssets() })` to serve the console at
 * `/console/`. Only these names are ever served.
 *
 * @throws {Error} when the package's assets were not built (`pnpm --filter @wallet/console build`)
 * @example
 * import { consoleAssets } from '@wallet/console';
 * const api = createWalletApi({ service, tokens, console: consoleAssets() });
 */
export function consoleAssets(directory: URL = ASSETS): ReadonlyMap<string, ConsoleAsset> {
  let names: string[];
  try {
    names = readdirSync(directory);
  } catch (error) {
    throw new Error(
      `the console's assets are missing from ${fileURLToPath(directory)}: run "pnpm --filter @wallet/console build"`,
      { cause: error },
    );
  }
  const assets = new Map<string, ConsoleAsset>();
  for (const name of names) {
    const contentType = CONTENT_TYPES[extname(name)];
    if (contentType === undefined) continue;
    assets.set(name, { body: new Uint8Array(readFileSync(new URL(name, directory))), contentType });
  }
  return assets;
}
