import { createHash } from 'node:crypto';
import { cpSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import Handlebars from 'handlebars';
import { describe, expect, it } from 'vitest';
import {
  createReportRenderer,
  DEFAULT_TEMPLATES_DIR,
  renderClusterReport,
  TemplateError,
} from '../../functions/report/render.ts';
import type { ReportView } from '../../functions/report/view-model.ts';
import { buildReportView } from '../../functions/report/view-model.ts';
import { sampleCatalog, sampleResult, XSS_LABEL, XSS_MESSAGE, XSS_RESOURCE } from './sample-result.ts';

const templatesDir = DEFAULT_TEMPLATES_DIR;
const SCRIPT = readFileSync(new URL('report.js', templatesDir), 'utf8');
const SCRIPT_BLOCK = `<script>${SCRIPT}</script>`;

/** The page without our own inline script, for asserting that nothing else is executable. */
function withoutOurScript(html: string): string {
  expect(html.split(SCRIPT_BLOCK)).toHaveLength(2);
  return html.replace(SCRIPT_BLOCK, '');
}

function sampleView(): ReportView {
  return buildReportView(sampleResult(), sampleCatalog());
}

function templateFiles(): Array<{ name: string; text: string }> {
  const dir = new URL('.', templatesDir);
  const files = readdirSync(dir, { recursive: true, encoding: 'utf8' }).filter((name) =>
    name.endsWith('.hbs'),
  );
  return files.sort().map((name) => ({ name, text: readFileSync(new URL(name, dir), 'utf8') }));
}

describe('renderClusterReport', () => {
  const html = renderClusterReport(sampleView());

  it('renders the whole report', () => {
    expect(html).toMatch(/^<!doctype html>/);
    expect(html).toContain('<h1>prod-eu-1</h1>');
    expect(html).toContain('AWS-managed (inherited)');
    expect(html).toContain('No container runs privileged');
    expect(html).toContain('Showing 100 of 250: 150 more in result.json.');
    expect(html).toContain('How the scores are computed');
    expect(html).toContain('w-old-hostpath');
    expect(html.trimEnd()).toMatch(/<\/html>$/);
  });

  it('escapes everything that came from the cluster', () => {
    const escaped = Handlebars.Utils.escapeExpression;

    for (const hostile of [XSS_RESOURCE, XSS_MESSAGE, XSS_LABEL]) {
      expect(html).not.toContain(hostile);
      expect(html).toContain(escaped(hostile));
    }
    expect(html).toContain('default/&lt;img src&#x3D;x onerror&#x3D;alert(1)&gt;');
    expect(html).toContain('&lt;script&gt;alert(1)&lt;/script&gt;');
    expect(html).toContain('&quot;&gt;&lt;svg onload&#x3D;alert(1)&gt;');
    const rest = withoutOurScript(html);
    expect(rest).not.toMatch(/<(img|svg|script|iframe|object|embed)\b/i);
    expect(rest).not.toMatch(/\son\w+\s*=/i);
  });

  it('loads nothing from outside the document', () => {
    expect(withoutOurScript(html)).not.toMatch(/<script/i);
    expect(html).not.toMatch(/<link/i);
    expect(html).not.toMatch(/\ssrc\s*=/i);
    expect(html).not.toMatch(/src\s*=\s*["']?\s*(https?:)?\/\//i);
    expect(html).not.toMatch(/@import|url\(/i);
    expect(SCRIPT).not.toMatch(
      /fetch|XMLHttpRequest|import\(|innerHTML|outerHTML|insertAdjacentHTML|eval|Function\(/,
    );
    expect(html).toContain('<meta name="referrer" content="no-referrer">');
  });

  it('allows exactly its own inline script, by hash, and never unsafe-inline scripts', () => {
    const meta = /<meta http-equiv="Content-Security-Policy" content="([^"]*)">/.exec(html)?.[1] ?? '';
    const csp = meta.replace(/&#x27;/g, "'").replace(/&#x3D;/g, '=');
    const hash = createHash('sha256').update(SCRIPT, 'utf8').digest('base64');

    expect(csp).toBe(
      `default-src 'none'; script-src 'sha256-${hash}'; style-src 'unsafe-inline'; ` +
        "require-trusted-types-for 'script'; trusted-types 'none'; base-uri 'none'; form-action 'none'",
    );
    expect(createReportRenderer().contentSecurityPolicy).toBe(csp);
    expect(csp.split('script-src')[1]?.split(';')[0]).not.toContain('unsafe');
    expect(html.match(/<script\b/g)).toHaveLength(1);
    expect(html.trimEnd()).toMatch(/<\/script>\s*<\/body>\s*<\/html>$/);
  });

  it('is readable without the script: the filter bar starts hidden, every check is in the page', () => {
    expect(html).toMatch(/<form class="filters" id="filters"[^>]* hidden>/);
    for (const id of [
      'pod-no-privileged-containers',
      'image-tag-pinned',
      'kubelet-anonymous-auth-disabled',
    ]) {
      expect(html).toContain(`id="check-${id}"`);
    }
  });

  it('marks every filterable unit with its severity, owner, frameworks and namespaces', () => {
    expect(html).toContain(
      '<details class="check st-fail sev-critical" id="check-pod-no-privileged-containers" data-unit="check" ' +
        'data-sev="critical" data-resp="customer" data-fw="fw:pss-baseline fw:cis-eks-1.8.0" ' +
        'data-ns="ns:default ns:%22%3E%3Csvg%20onload%3Dalert(1)%3E" open>',
    );
    expect(html).toContain('<tr data-row data-ns="ns:shop">');
    expect(html).toContain(
      '<option value="ns:%22%3E%3Csvg%20onload%3Dalert(1)%3E">&quot;&gt;&lt;svg onload&#x3D;alert(1)&gt;</option>',
    );
    expect(html).toContain('<option value="cluster">(cluster-scoped resources)</option>');
  });

  it('collapses every check of a big report, and says where the rest is', () => {
    const big = renderClusterReport(
      buildReportView(
        sampleResult(),
        sampleCatalog(),
        { expandUpTo: 10 },
        { completeIn: ['result.json', 'findings.csv'] },
      ),
    );
    expect(big).not.toMatch(/<details[^>]* open>/);
    expect(big).toContain('Showing 100 of 250: 150 more in result.json and findings.csv.');
  });

  it('links only to in-page anchors and https documentation', () => {
    const hrefs = [...html.matchAll(/href="([^"]*)"/g)].map((match) => match[1] ?? '');

    expect(hrefs.length).toBeGreaterThan(0);
    for (const href of hrefs) expect(href).toMatch(/^(#[a-z0-9-]+|https:\/\/[^\s"<>]+)$/);
    expect(hrefs).toContain('https://docs.aws.amazon.com/eks/latest/userguide/control-plane-logs.html');
    expect(html).not.toContain('javascript:');
  });

  it('inlines the stylesheet', () => {
    const css = readFileSync(new URL('report.css', templatesDir), 'utf8');
    expect(html).toContain(`<style>${css}</style>`);
    expect(css).toContain('@media print');
  });

  it('keeps remediation snippets verbatim, without partial indentation', () => {
    expect(html).toContain(
      '<pre><code>aws eks update-cluster-config --name prod-eu-1 \\\n  --logging &#x27;{&quot;clusterLogging&quot;',
    );
  });

  it('renders a result with no checks at all', () => {
    const empty = sampleResult([]);
    empty.gaps = [];
    empty.waivers = { applied: [], expired: [], unused: [] };

    const page = renderClusterReport(buildReportView(empty, []));

    expect(page).toContain('No check failed in this scan.');
    expect(page.match(/No checks in this area\./g)).toHaveLength(3);
    expect(page).toContain('No waivers are configured for this cluster.');
    expect(page).toContain('Everything the checks need was read.');
  });

  it('throws when the view lacks a field a template prints', () => {
    const missingName = sampleView();
    delete (missingName.cluster as Partial<ReportView['cluster']>).name;
    const missingTitle = sampleView();
    const first = missingTitle.summary.topFailing[0];
    if (first) delete (first as Partial<typeof first>).title;

    expect(() => renderClusterReport(missingName)).toThrow(/"name" not defined/);
    expect(() => renderClusterReport(missingTitle)).toThrow(/"title" not defined/);
  });
});

describe('templates', () => {
  it('print with {{ }} only, but for our stylesheet', () => {
    const unescaped = templateFiles().flatMap(({ name, text }) =>
      [...text.matchAll(/\{\{\{[^}]*\}\}\}|\{\{~?\s*&[^}]*\}\}/g)].map((match) => `${name}: ${match[0]}`),
    );

    expect(unescaped).toEqual(['report.hbs: {{{@styles}}}', 'report.hbs: {{{@script}}}']);
  });

  it('use only the built-in block helpers if, unless and each', () => {
    const blocks = new Set(
      templateFiles().flatMap(({ text }) =>
        [...text.matchAll(/\{\{~?#\s*([^\s}]+)/g)].map((match) => match[1]),
      ),
    );
    expect([...blocks].sort()).toEqual(['each', 'if', 'unless']);
  });

  it('have every partial the report uses', () => {
    const partials = new Set(
      readdirSync(new URL('partials/', templatesDir)).map((file) => file.replace(/\.hbs$/, '')),
    );
    const used = new Set(
      templateFiles().flatMap(({ text }) => [...text.matchAll(/\{\{>\s*([\w-]+)/g)].map((match) => match[1])),
    );
    expect([...used].filter((name) => name !== undefined && !partials.has(name))).toEqual([]);
  });

  it('refuse a stylesheet that could close its <style> element', () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'watchkeeper-templates-'));
    try {
      cpSync(new URL('.', templatesDir), dir, { recursive: true });
      writeFileSync(path.join(dir, 'report.css'), 'body{}</style><script>alert(1)</script>');

      expect(() => createReportRenderer(pathToFileURL(`${dir}/`))).toThrow(TemplateError);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('refuse a script that could close its <script> element', () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'watchkeeper-templates-'));
    try {
      cpSync(new URL('.', templatesDir), dir, { recursive: true });
      writeFileSync(path.join(dir, 'report.js'), 'const x = "</script><script>alert(1)";');

      expect(() => createReportRenderer(pathToFileURL(`${dir}/`))).toThrow(TemplateError);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('reject a helper the renderer does not know', () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'watchkeeper-templates-'));
    try {
      cpSync(new URL('.', templatesDir), dir, { recursive: true });
      writeFileSync(path.join(dir, 'report.hbs'), '<p>{{lookup cluster "name"}} {{unknownHelper title}}</p>');

      expect(() => createReportRenderer(pathToFileURL(`${dir}/`)).renderClusterReport(sampleView())).toThrow(
        /unknown helper unknownHelper/,
      );
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
