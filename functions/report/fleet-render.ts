import { readdirSync, readFileSync } from 'node:fs';
import Handlebars from 'handlebars';
import type { FleetReportView } from './fleet-view-model.ts';
import { baseStylesheet, inlineStylesheets, SHARED_TEMPLATES_SET } from './stylesheets.ts';
import { resolveTemplatesDir } from './templates-dir.ts';

/**
 * Renders the fleet report with the templates in `templates/fleet-report/`, in a Handlebars
 * environment of its own: no helpers at all (the view model computes every class and
 * text), strict mode (a field the view lacks is an error), and no partial indentation.
 *
 * Everything in the view is printed with `{{ }}`, which HTML-escapes. The one unescaped
 * insertion is our own stylesheets (the shared base.css and fleet-report.css, each in its
 * `<style>` element), passed as the `@styles` data variable rather than in the view, so no
 * view value can reach them. The page runs no script.
 */

/** The page's policy: no script, no network, inline styles only (the score bars). */
export const FLEET_REPORT_CSP =
  "default-src 'none'; style-src 'unsafe-inline'; base-uri 'none'; form-action 'none'";

export class FleetTemplateError extends Error {
  override name = 'FleetTemplateError';
}

export interface FleetReportRenderer {
  renderFleetReport(view: FleetReportView): string;
  /** Where the templates were loaded from. */
  readonly templatesDir: URL;
}

const COMPILE_OPTIONS = {
  strict: true,
  knownHelpersOnly: true,
  preventIndent: true,
} as const;

const PARTIAL_FILE = /^(fleet-[a-z0-9-]*)\.hbs$/;

/**
 * Loads and compiles the fleet templates from `templatesDir` (a directory URL ending in
 * `/`), by default the `fleet-report` set beside the bundle or in the repository; the
 * shared stylesheet from `sharedDir`, by default the `shared` set found the same way.
 */
export function createFleetReportRenderer(
  templatesDir: URL = resolveTemplatesDir('fleet-report'),
  sharedDir: URL = resolveTemplatesDir(SHARED_TEMPLATES_SET),
): FleetReportRenderer {
  const env = Handlebars.create();
  const read = (name: string) => readFileSync(new URL(name, templatesDir), 'utf8');
  for (const file of readdirSync(new URL('partials/', templatesDir)).sort()) {
    const name = PARTIAL_FILE.exec(file)?.[1];
    if (name) env.registerPartial(name, env.compile(read(`partials/${file}`), COMPILE_OPTIONS));
  }
  // The stylesheets are inserted unescaped inside <style>; none may be able to close it.
  const styles = inlineStylesheets(
    [baseStylesheet(sharedDir), new URL('fleet-report.css', templatesDir)],
    (message) => new FleetTemplateError(message),
  );
  const report = env.compile<FleetReportView>(read('fleet-report.hbs'), COMPILE_OPTIONS);
  return {
    templatesDir,
    renderFleetReport: (view) => report(view, { data: { styles, csp: FLEET_REPORT_CSP } }),
  };
}
