/**
 * The example's Lambda bundles (issue 17): each function built exactly as the stack deploys it
 * (`lambdaBuildOptions`, minified ESM for Node 22), its size as deployed and gzip-compressed,
 * the packages that make up most of it (esbuild's metafile, bytes in the output), and its
 * module load time: a fresh `node` process importing the bundle, timed from inside that process
 * (what a Lambda cold start spends loading the code, before the handler runs), median of
 * BUNDLE_LOADS runs (default 15). Baseline for the load time: the same fresh process importing
 * an empty module. The bar (issue 17): the API bundle at most 250 KB. The AWS SDK, which the
 * Lambda runtime provides, is in no bundle (`RUNTIME_MODULES`): a bundle's load time counts
 * loading the SDK from the example's node_modules, as a cold start loads the runtime's.
 *
 * Run: `pnpm --filter example-aws-cdk bench` (or `pnpm bench` with the rest). Exits non-zero
 * when a bar fails.
 */

import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { cpus } from 'node:os';
import { join, resolve } from 'node:path';
import { gzipSync } from 'node:zlib';
import { buildSync, type Metafile } from 'esbuild';
import { type LambdaName, lambdaBuildOptions } from '../src/lambda-bundle.js';

const LOADS = Number(process.env.BUNDLE_LOADS ?? 15);
const API_BAR_BYTES = 250 * 1024;
const FUNCTIONS: LambdaName[] = ['api', 'transformer', 'firehose-journal', 'digest-publisher'];

/** Milliseconds a fresh Node spends importing `file`, timed inside that process; the median. */
function loadTime(file: string): number {
  const script = `const t = performance.now(); await import(${JSON.stringify(file)}); process.stdout.write(String(performance.now() - t));`;
  const times: number[] = [];
  for (let i = 0; i < LOADS; i++) {
    // NODE_NO_WARNINGS: the AWS SDK warns about Node 20 on every load, which is not the bundle's work.
    const out = execFileSync(process.execPath, ['--input-type=module', '-e', script], {
      encoding: 'utf8',
      env: { ...process.env, NODE_NO_WARNINGS: '1' },
    });
    times.push(Number(out));
  }
  times.sort((a, b) => a - b);
  return times[Math.floor(times.length / 2)]!;
}

/** The packages that make up the bundle, by bytes in the output, largest first. */
function packagesOf(metafile: Metafile, outfile: string): [string, number][] {
  const output = Object.entries(metafile.outputs).find(([path]) => resolve(path) === outfile)?.[1];
  const sizes = new Map<string, number>();
  for (const [input, { bytesInOutput }] of Object.entries(output?.inputs ?? {})) {
    const match = /node_modules\/(?:\.pnpm\/[^/]+\/node_modules\/)?((?:@[^/]+\/)?[^/]+)/.exec(
      input,
    );
    const workspace = /(?:^|\/)packages\/([^/]+)\//.exec(input);
    const name = match?.[1] ?? (workspace ? `@wallet/${workspace[1]}` : 'the example');
    sizes.set(name, (sizes.get(name) ?? 0) + bytesInOutput);
  }
  return [...sizes].sort((a, b) => b[1] - a[1]);
}

const kb = (bytes: number) => `${(bytes / 1024).toFixed(1)} KB`;

function main(): void {
  // Inside the example, so a bundle finds the modules it leaves to the Lambda runtime (the AWS
  // SDK) in the example's node_modules, as it finds them in the runtime's on Lambda.
  const cache = join(import.meta.dirname, '..', 'node_modules', '.cache');
  mkdirSync(cache, { recursive: true });
  const dir = mkdtempSync(join(cache, 'wallet-bundles-'));
  try {
    const empty = join(dir, 'empty.mjs');
    writeFileSync(empty, 'export {};\n');
    const baseline = loadTime(empty);
    const rows: string[] = [];
    const makeup: string[] = [];
    let failed = false;
    for (const name of FUNCTIONS) {
      const outfile = join(dir, name, 'index.mjs');
      const result = buildSync({ ...lambdaBuildOptions(name, outfile), metafile: true });
      const bytes = readFileSync(outfile);
      const load = loadTime(outfile);
      const bar = name === 'api' ? `≤ ${kb(API_BAR_BYTES)}` : '';
      const verdict = name === 'api' ? (bytes.length <= API_BAR_BYTES ? 'pass' : '**fail**') : '';
      if (verdict === '**fail**') failed = true;
      rows.push(
        `| ${name} | ${kb(bytes.length)} | ${kb(gzipSync(bytes).length)} | ${load.toFixed(1)} ms | ${(load - baseline).toFixed(1)} ms | ${bar} | ${verdict} |`,
      );
      const top = packagesOf(result.metafile!, outfile)
        .slice(0, 6)
        .map(([pkg, size]) => `${pkg} ${kb(size)} (${Math.round((100 * size) / bytes.length)} %)`);
      makeup.push(`- **${name}**: ${top.join(', ')}`);
    }
    console.log(
      `${new Date().toISOString().slice(0, 10)}, ${cpus().length} cores (${cpus()[0]?.model}), Node ${process.version}; load times the median of ${LOADS} fresh processes; an empty module loads in ${baseline.toFixed(1)} ms`,
    );
    console.log('');
    console.log('| function | bundle | gzip | module load | vs an empty module | bar | |');
    console.log('|---|---:|---:|---:|---:|---:|---|');
    for (const row of rows) console.log(row);
    console.log('');
    console.log('What each bundle is made of (bytes in the output):');
    for (const line of makeup) console.log(line);
    if (failed) process.exitCode = 1;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

main();
