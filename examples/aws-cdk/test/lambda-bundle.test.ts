import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { buildSync, type Metafile } from 'esbuild';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { lambdaBuildOptions } from '../src/lambda-bundle.js';

// The API bundle as the stack deploys it (issue 17), written inside the example so that the AWS
// SDK it leaves to the Lambda runtime resolves from the example's node_modules.
const cache = join(import.meta.dirname, '..', 'node_modules', '.cache');
let dir: string;
let outfile: string;
let metafile: Metafile;

beforeAll(() => {
  mkdirSync(cache, { recursive: true });
  dir = mkdtempSync(join(cache, 'api-bundle-'));
  outfile = join(dir, 'index.mjs');
  metafile = buildSync({ ...lambdaBuildOptions('api', outfile), metafile: true }).metafile!;
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('the API Lambda bundle', () => {
  it('is at most 250 KB', () => {
    expect(readFileSync(outfile).length).toBeLessThanOrEqual(250 * 1024);
  });

  it('leaves the AWS SDK to the runtime: it imports @aws-sdk clients and carries none', () => {
    const inputs = Object.keys(metafile.inputs);
    expect(inputs.filter((input) => /\/@(aws-sdk|smithy)\//.test(input))).toEqual([]);
    const imports = Object.values(metafile.outputs).flatMap((output) => output.imports);
    expect(imports).toContainEqual(
      expect.objectContaining({ path: '@aws-sdk/client-dynamodb', external: true }),
    );
  });

  it("carries neither zod's classic API nor @hono/zod-openapi", () => {
    const inputs = Object.keys(metafile.inputs);
    expect(
      inputs.filter((input) => /zod\/v4\/classic|zod-openapi|zod-to-openapi/.test(input)),
    ).toEqual([]);
  });

  it('loads in a fresh Node and exports the handler', () => {
    const script = `const m = await import(${JSON.stringify(outfile)}); process.stdout.write(typeof m.handler);`;
    const out = execFileSync(process.execPath, ['--input-type=module', '-e', script], {
      encoding: 'utf8',
      env: { ...process.env, NODE_NO_WARNINGS: '1' },
    });
    expect(out).toBe('function');
  });
});
