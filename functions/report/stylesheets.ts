import { readFileSync } from 'node:fs';
import { resolveTemplatesDir } from './templates-dir.ts';

/**
 * The reports' stylesheets, inlined into the page: `templates/shared/base.css`, the rules
 * both reports share, then the report's own. Each becomes a `<style>` element of its own, in
 * that order, so a report's rules override the shared ones as if they followed them in one
 * stylesheet.
 */

/** The template set that holds the shared stylesheet (beside a bundle, else in the repository). */
export const SHARED_TEMPLATES_SET = 'shared';

/** The shared stylesheet, in the `shared` template set. */
export const BASE_STYLESHEET = 'base.css';

/** The shared stylesheet's URL, in `sharedDir` (a directory URL ending in `/`). */
export function baseStylesheet(sharedDir: URL = resolveTemplatesDir(SHARED_TEMPLATES_SET)): URL {
  return new URL(BASE_STYLESHEET, sharedDir);
}

/**
 * Reads `files` and returns them as consecutive `<style>` elements, for unescaped insertion
 * in a template. A stylesheet must not contain `<`: it could close its element, so one that
 * does is refused with the error `fail` makes.
 */
export function inlineStylesheets(files: readonly URL[], fail: (message: string) => Error): string {
  return files
    .map((file) => {
      const css = readFileSync(file, 'utf8');
      if (css.includes('<')) throw fail(`${file.pathname.split('/').at(-1)} may not contain "<"`);
      return `<style>${css}</style>`;
    })
    .join('\n');
}
