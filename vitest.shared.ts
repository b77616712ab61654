import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { defineProject, type UserWorkspaceConfig } from 'vitest/config';

const root = import.meta.dirname;

/**
 * Every workspace package name mapped to its TypeScript source, so tests run against `src`
 * and never against a stale build. Subpath exports (`@wallet/qldb/testing`) map too.
 */
function sourceAliases(): { find: string; replacement: string }[] {
  const aliases: { find: string; replacement: string }[] = [];
  for (const dir of readdirSync(join(root, 'packages'))) {
    const manifestPath = join(root, 'packages', dir, 'package.json');
    if (!existsSync(manifestPath)) continue;
    const manifest = JSON.parse(readFileSync(manifestPath, 'utf8'));
    for (const [subpath, target] of Object.entries<Record<string, unknown>>(
      manifest.exports ?? {},
    )) {
      const source = typeof target === 'object' ? target['@wallet/source'] : undefined;
      if (typeof source !== 'string') continue;
      aliases.push({
        find: `${manifest.name}${subpath.slice(1)}`,
        replacement: join(root, 'packages', dir, source),
      });
    }
  }
  // Longest first, so `@wallet/qldb/testing` wins over `@wallet/qldb`.
  return aliases.sort((a, b) => b.find.length - a.find.length);
}

/**
 * The vitest project config of one workspace package.
 *
 * A timeout here catches a hang, not a slow test (speed is the benches' job): CI runs every
 * project at once on two cores, where a test that takes 3 s alone has taken over 5 s, vitest's
 * default. A package may still set its own.
 *
 * @example
 * export default walletProject('core');
 */
export function walletProject(name: string, test: UserWorkspaceConfig['test'] = {}) {
  return defineProject({
    resolve: { alias: sourceAliases() },
    test: {
      name,
      include: ['test/**/*.test.ts'],
      testTimeout: 30_000,
      hookTimeout: 60_000,
      ...test,
    },
  });
}
