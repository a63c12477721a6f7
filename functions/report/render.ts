import { createHash } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import Handlebars from 'handlebars';
import { baseStylesheet, inlineStylesheets, SHARED_TEMPLATES_SET } from './stylesheets.ts';
import { resolveTemplatesDir } from './templates-dir.ts';
import { barWidth, severityClass, statusClass, toneClass } from './text.ts';
import type { ReportView } from './view-model.ts';

/**
 * Renders the cluster report with the templates in `templates/cluster-report/`, in a
 * Handlebars environment of its own: only the helpers below, strict mode (a field the view
 * lacks is an error, not an empty string), no helper calls the compiler does not know, and
 * no partial indentation (it would shift the text of `<pre>` blocks).
 *
 * Everything in a view is printed with `{{ }}`, which HTML-escapes. The two unescaped
 * insertions are our own files, the stylesheets (`@styles`: the shared base.css and
 * report.css, each in its `<style>` element) and the filter script (`@script`), passed as
 * data variables rather than in the view, so no view value can reach them. The Content-Security-Policy allows exactly that script, by its SHA-256 hash computed
 * here from the bytes inserted; no other script, and nothing from the network, can run.
 */

/** The cluster report's templates in the repository (a bundle finds its own copy, see below). */
export const DEFAULT_TEMPLATES_DIR = new URL('../../templates/cluster-report/', import.meta.url);

export class TemplateError extends Error {
  override name = 'TemplateError';
}

/** CSS classes for the closed vocabularies (anything else gets an `unknown` class) and bar widths. */
const HELPERS = { severityClass, statusClass, toneClass, barWidth } as const;

const COMPILE_OPTIONS = {
  strict: true,
  knownHelpersOnly: true,
  knownHelpers: Object.fromEntries(Object.keys(HELPERS).map((name) => [name, true])),
  preventIndent: true,
} as const;

const PARTIAL_FILE = /^([a-z][a-z0-9-]*)\.hbs$/;

export interface ReportRenderer {
  renderClusterReport(view: ReportView): string;
  /** The page's Content-Security-Policy (the same for every report of this renderer). */
  readonly contentSecurityPolicy: string;
}

/** `'sha256-…'`: a CSP source that allows exactly one inline script. */
export function scriptHashSource(script: string): string {
  return `'sha256-${createHash('sha256').update(script, 'utf8').digest('base64')}'`;
}

export function contentSecurityPolicy(script: string): string {
  return [
    "default-src 'none'",
    `script-src ${scriptHashSource(script)}`,
    // The score bars set their width inline.
    "style-src 'unsafe-inline'",
    // The script writes no markup; Trusted Types make sure nothing else can either.
    "require-trusted-types-for 'script'",
    "trusted-types 'none'",
    "base-uri 'none'",
    "form-action 'none'",
  ].join('; ');
}

/**
 * Loads and compiles the templates in `templatesDir` (a directory URL ending in `/`); by
 * default `templates/cluster-report/` beside a Lambda bundle, else in the repository. The
 * shared stylesheet comes from `sharedDir`, by default `templates/shared/` found the same way.
 */
export function createReportRenderer(
  templatesDir: URL = resolveTemplatesDir('cluster-report'),
  sharedDir: URL = resolveTemplatesDir(SHARED_TEMPLATES_SET),
): ReportRenderer {
  const env = Handlebars.create();
  for (const [name, helper] of Object.entries(HELPERS)) env.registerHelper(name, helper);

  const read = (name: string) => readFileSync(new URL(name, templatesDir), 'utf8');
  const partialsDir = new URL('partials/', templatesDir);
  for (const file of readdirSync(partialsDir).sort()) {
    const name = PARTIAL_FILE.exec(file)?.[1];
    if (name) env.registerPartial(name, env.compile(read(`partials/${file}`), COMPILE_OPTIONS));
  }

  // The stylesheets are inserted unescaped inside <style>; none may be able to close it.
  const styles = inlineStylesheets(
    [baseStylesheet(sharedDir), new URL('report.css', templatesDir)],
    (message) => new TemplateError(message),
  );
  const script = read('report.js');
  // Likewise for the script inside <script>: no `</script`, and no `<!--` (which changes how
  // the HTML parser ends the element).
  if (/<\/script|<!--/i.test(script)) {
    throw new TemplateError('report.js may not contain "</script" or "<!--"');
  }
  const csp = contentSecurityPolicy(script);
  const report = env.compile<ReportView>(read('report.hbs'), COMPILE_OPTIONS);

  return {
    renderClusterReport: (view) => report(view, { data: { styles, script, csp } }),
    contentSecurityPolicy: csp,
  };
}

let defaultRenderer: ReportRenderer | undefined;

/** Renders one cluster's report with the bundled templates, loaded once per process. */
export function renderClusterReport(view: ReportView): string {
  defaultRenderer ??= createReportRenderer();
  return defaultRenderer.renderClusterReport(view);
}
