import { existsSync } from 'node:fs';

/**
 * Where the Handlebars templates are. In a Lambda bundle the CDK bundling copies the
 * repository's `templates/` next to the bundle file (`<bundle dir>/templates/`), and every
 * module of the bundle shares the bundle's `import.meta.url`; run from source, this file
 * sits in `functions/report/`, two levels below the repository's `templates/`. The first
 * candidate that holds the requested set wins.
 */

export class TemplatesNotFoundError extends Error {
  override name = 'TemplatesNotFoundError';
}

/** The template roots to try, in order: beside the bundle, then the repository's. */
export function templateRoots(base: string | URL = import.meta.url): URL[] {
  return [new URL('./templates/', base), new URL('../../templates/', base)];
}

/**
 * Like `resolveTemplatesDir`, but never throws: when no root has the set, the repository's
 * place is returned and reading a template there reports what is missing. For module-level
 * defaults, which must not fail at import.
 */
export function findTemplatesDir(set: string, roots: readonly URL[] = templateRoots()): URL {
  try {
    return resolveTemplatesDir(set, roots);
  } catch {
    return new URL(`${set}/`, roots.at(-1) ?? new URL('../../templates/', import.meta.url));
  }
}

/**
 * The directory URL (ending in `/`) of one template set, e.g. `fleet-report`, found under
 * the first root that has it. Throws TemplatesNotFoundError naming every place it looked.
 */
export function resolveTemplatesDir(set: string, roots: readonly URL[] = templateRoots()): URL {
  if (!/^[a-z][a-z0-9-]*$/.test(set))
    throw new TemplatesNotFoundError(`invalid template set name ${JSON.stringify(set)}`);
  for (const root of roots) {
    const dir = new URL(`${set}/`, root);
    if (existsSync(dir)) return dir;
  }
  throw new TemplatesNotFoundError(
    `the ${set} templates are in none of ${roots.map((root) => new URL(`${set}/`, root).pathname).join(', ')}; ` +
      'a Lambda bundle needs templates/ copied next to its entry file',
  );
}
