// Builds the browser assets into dist/assets/: one minified ES module, the page and its style.
// No CDN and no network at run time: everything the page loads is in that folder.
import { copyFile, mkdir } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const out = join(root, 'dist', 'assets');
await mkdir(out, { recursive: true });
await build({
  entryPoints: [join(root, 'src', 'app', 'console.ts')],
  outfile: join(out, 'console.js'),
  bundle: true,
  format: 'esm',
  minify: true,
  target: 'es2022',
  logLevel: 'warning',
});
for (const file of ['index.html', 'console.css']) {
  await copyFile(join(root, 'src', 'app', file), join(out, file));
}
