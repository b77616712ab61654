// The API reference's TypeDoc plugin (typedoc.json `plugin`), for a workspace of packages:
// - names each entry point's module after the package export it is (`@wallet/core`,
//   `@wallet/qldb/testing`) instead of its path, gives a package's main module the package.json
//   description when its entry file has no module comment, and warns about an entry point that
//   no package.json `exports` lists under `@wallet/source`;
// - checks `notExported` for our own packages. TypeDoc's check skips every type of a package
//   other than the project's, and the project here is the private root, so a workspace type that
//   a public signature uses but no entry point exports would otherwise pass unnoticed.
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { Application, Comment, Converter, makeRecursiveVisitor, ReflectionKind } from 'typedoc';

/** @param {string} file */
function packageOf(file) {
  for (let dir = dirname(file); dir !== dirname(dir); dir = dirname(dir)) {
    const manifest = join(dir, 'package.json');
    if (existsSync(manifest)) return { dir, json: JSON.parse(readFileSync(manifest, 'utf8')) };
  }
  return undefined;
}

/** @param {import('typedoc').Application} app */
export function load(app) {
  app.converter.on(Converter.EVENT_CREATE_DECLARATION, (context, reflection) => {
    if (!reflection.kindOf(ReflectionKind.Module)) return;
    const file = context.getSymbolFromReflection(reflection)?.declarations?.[0]?.getSourceFile();
    const pkg = file && packageOf(file.fileName);
    const entry = pkg && `./${relative(pkg.dir, file.fileName).split('\\').join('/')}`;
    const subpath = Object.entries(pkg?.json.exports ?? {}).find(
      ([, target]) => target?.['@wallet/source'] === entry,
    )?.[0];
    if (subpath === undefined) {
      app.logger.warn(
        `${file?.fileName ?? reflection.name} is not a public entry point: no package.json exports it`,
      );
      return;
    }
    reflection.name = pkg.json.name + subpath.slice(1);
    if (subpath === '.' && !reflection.comment && pkg.json.description) {
      reflection.comment = new Comment([{ kind: 'text', text: pkg.json.description }]);
    }
  });

  app.on(Application.EVENT_VALIDATE_PROJECT, (project) => {
    if (!app.options.getValue('validation').notExported) return;
    const packages = new Set(app.options.getValue('packagesRequiringDocumentation'));
    const warned = new Set();
    for (const owner of Object.values(project.reflections)) {
      const visitor = makeRecursiveVisitor({
        reference(type) {
          if (type.reflection || type.externalUrl || type.isIntentionallyBroken()) return;
          // TypeDoc's own check covers the project's package; this one, the others.
          if (!type.symbolId || !packages.has(type.package)) return;
          if (type.package === project.packageName) return;
          const key = type.symbolId.getStableKey();
          if (warned.has(key)) return;
          warned.add(key);
          app.logger.validationWarning(
            `${type.qualifiedName}, defined in ${type.package}/${type.symbolId.packagePath}, is ` +
              `referenced by ${owner.getFriendlyFullName()} but no entry point exports it`,
          );
        },
      });
      owner.type?.visit(visitor);
      owner.default?.visit(visitor);
    }
  });
}
