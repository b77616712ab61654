import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import { afterAll, describe, expect, it } from 'vitest';

// Each runtime is its own subpath: what a Lambda bundles must not carry the Node server.
const workDir = mkdtempSync(join(tmpdir(), 'wallet-http-runtimes-'));
afterAll(() => rmSync(workDir, { recursive: true, force: true }));
const here = dirname(fileURLToPath(import.meta.url));

/** The package paths esbuild read to bundle `source`, resolved from this package. */
async function bundledInputs(source: string): Promise<string[]> {
  const entry = join(here, `entry-${Math.random().toString(36).slice(2)}.ts`);
  writeFileSync(entry, source);
  try {
    const result = await build({
      entryPoints: [entry],
      outfile: join(workDir, 'out.js'),
      bundle: true,
      platform: 'node',
      format: 'esm',
      conditions: ['@wallet/source'],
      metafile: true,
      write: false,
      logLevel: 'silent',
    });
    return Object.keys(result.metafile.inputs);
  } finally {
    rmSync(entry, { force: true });
  }
}

describe('runtime subpaths', () => {
  it('bundles the API and its Lambda handler without @hono/node-server', async () => {
    const inputs = await bundledInputs(
      "export { createWalletApi } from '@wallet/http';\nexport { lambdaHandler } from '@wallet/http/aws-lambda';\n",
    );
    expect(inputs.some((path) => path.includes('hono/dist'))).toBe(true);
    expect(inputs.filter((path) => path.includes('@hono/node-server'))).toEqual([]);
  });

  it('bundles @hono/node-server for @wallet/http/node alone', async () => {
    const inputs = await bundledInputs("export { listen } from '@wallet/http/node';\n");
    expect(inputs.some((path) => path.includes('@hono/node-server'))).toBe(true);
  });
});
