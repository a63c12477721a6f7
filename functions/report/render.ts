import { readdirSync, readFileSync } from 'node:fs';
import Handlebars from 'handlebars';
import { SEVERITIES, STATUSES } from '../core/model.ts';
import type { ReportView } from './view-model.ts';

/**
 * Renders report views with the templates in `templates/`, in a Handlebars environment of
 * its own: only the helpers below, strict mode (a field the view lacks is an error, not an
 * empty string), no helper calls the compiler does not know, and no partial indentation
 * (it would shift the text of `<pre>` blocks).
 *
 * Everything in a view is printed with `{{ }}`, which HTML-escapes. The one unescaped
 * insertion is our own stylesheet, passed as the `@styles` data variable rather than in
 * the view, so no view value can reach it.
 */

export const DEFAULT_TEMPLATES_DIR = new URL('../../templates/', import.meta.url);

export class TemplateError extends Error {
  override name = 'TemplateError';
}

function includes<T extends string>(list: readonly T[], value: unknown): value is T {
  return typeof value === 'string' && (list as readonly string[]).includes(value);
}

/** CSS classes for the closed vocabularies; anything else gets the `unknown` class. */
const HELPERS = {
  severityClass: (severity: unknown): string =>
    includes(SEVERITIES, severity) ? `sev-${severity}` : 'sev-unknown',
  statusClass: (status: unknown): string =>
    includes(STATUSES, status) ? `st-${status.replace('_', '-')}` : 'st-unknown',
  toneClass: (tone: unknown): string =>
    includes(['good', 'fair', 'poor', 'none'] as const, tone) ? `tone-${tone}` : 'tone-none',
  /** A CSS width for a 0..100 score; an absent score draws an empty bar. */
  barWidth: (value: unknown): string =>
    typeof value === 'number' && Number.isFinite(value) ? `${Math.min(100, Math.max(0, value))}%` : '0%',
} as const;

const COMPILE_OPTIONS = {
  strict: true,
  knownHelpersOnly: true,
  knownHelpers: Object.fromEntries(Object.keys(HELPERS).map((name) => [name, true])),
  preventIndent: true,
} as const;

const PARTIAL_FILE = /^([a-z][a-z0-9-]*)\.hbs$/;

export interface ReportRenderer {
  renderClusterReport(view: ReportView): string;
}

/** Loads and compiles the templates in `templatesDir` (a directory URL ending in `/`). */
export function createReportRenderer(templatesDir: URL = DEFAULT_TEMPLATES_DIR): ReportRenderer {
  const env = Handlebars.create();
  for (const [name, helper] of Object.entries(HELPERS)) env.registerHelper(name, helper);

  const read = (name: string) => readFileSync(new URL(name, templatesDir), 'utf8');
  const partialsDir = new URL('partials/', templatesDir);
  for (const file of readdirSync(partialsDir).sort()) {
    const name = PARTIAL_FILE.exec(file)?.[1];
    if (name) env.registerPartial(name, env.compile(read(`partials/${file}`), COMPILE_OPTIONS));
  }

  const styles = read('report.css');
  // The stylesheet is inserted unescaped inside <style>; it must not be able to close it.
  if (styles.includes('<')) throw new TemplateError('report.css may not contain "<"');
  const report = env.compile<ReportView>(read('report.hbs'), COMPILE_OPTIONS);

  return {
    renderClusterReport: (view) => report(view, { data: { styles } }),
  };
}

let defaultRenderer: ReportRenderer | undefined;

/** Renders one cluster's report with the bundled templates, loaded once per process. */
export function renderClusterReport(view: ReportView): string {
  defaultRenderer ??= createReportRenderer();
  return defaultRenderer.renderClusterReport(view);
}
