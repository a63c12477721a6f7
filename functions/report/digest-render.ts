import { readFileSync } from 'node:fs';
import Handlebars from 'handlebars';
import type { DigestView } from './digest.ts';
import { resolveTemplatesDir } from './templates-dir.ts';

/**
 * Renders the email digest with `templates/email/digest.html.hbs` and `digest.txt.hbs`, each
 * in a Handlebars environment of its own: no helpers but the built-in block helpers, strict
 * mode (a field the view lacks is an error), and no partials.
 *
 * The HTML part is built for mail clients: table layout and inline `style` attributes only,
 * no `<style>`, no script, no image. Every value is printed with `{{ }}`, which HTML-escapes;
 * a template with a triple-stash (`{{{ }}}` or `{{& }}`) is refused at load time.
 *
 * The text part is `text/plain`, never interpreted as HTML, so its template is compiled
 * without HTML escaping (an escaped `&lt;` would only garble it); the view's untrusted
 * strings are already capped and have their control characters made visible, so they
 * cannot start a line of their own.
 */

export class DigestTemplateError extends Error {
  override name = 'DigestTemplateError';
}

export interface RenderedDigest {
  subject: string;
  html: string;
  text: string;
}

export interface DigestRenderer {
  renderDigest(view: DigestView): RenderedDigest;
  readonly templatesDir: URL;
}

const UNESCAPED = /\{\{\{|\{\{~?\s*&/;

function compileIn(
  source: string,
  name: string,
  escapeHtml: boolean,
): Handlebars.TemplateDelegate<DigestView> {
  if (UNESCAPED.test(source)) {
    throw new DigestTemplateError(`${name} prints a value unescaped ({{{ }}} or {{& }}); use {{ }}`);
  }
  const env = Handlebars.create();
  return env.compile<DigestView>(source, {
    strict: true,
    knownHelpersOnly: true,
    preventIndent: true,
    noEscape: !escapeHtml,
  });
}

export function createDigestRenderer(templatesDir: URL = resolveTemplatesDir('email')): DigestRenderer {
  const read = (name: string) => readFileSync(new URL(name, templatesDir), 'utf8');
  const html = compileIn(read('digest.html.hbs'), 'digest.html.hbs', true);
  const text = compileIn(read('digest.txt.hbs'), 'digest.txt.hbs', false);
  return {
    templatesDir,
    renderDigest: (view) => ({ subject: view.subject, html: html(view), text: text(view) }),
  };
}
