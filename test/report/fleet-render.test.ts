import { execFile } from 'node:child_process';
import { cp, mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { promisify } from 'node:util';
import { build } from 'esbuild';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FleetManifest } from '../../functions/core/fleet.ts';
import { createFleetReportRenderer, FLEET_REPORT_CSP } from '../../functions/report/fleet-render.ts';
import { buildFleetReportView } from '../../functions/report/fleet-view-model.ts';
import {
  resolveTemplatesDir,
  TemplatesNotFoundError,
  templateRoots,
} from '../../functions/report/templates-dir.ts';

const REPO = fileURLToPath(new URL('../../', import.meta.url));
const run = promisify(execFile);

const HOSTILE: FleetManifest = {
  schemaVersion: 1,
  scanId: '20261123T020000Z-abc123',
  startedAt: '2026-11-23T02:00:00.000Z',
  finishedAt: '2026-11-23T02:10:00.000Z',
  clusters: [
    {
      cluster: { accountId: '111111111111', region: 'eu-west-1', name: '<img src=x onerror=alert(1)>' },
      clusterKey: '111111111111/eu-west-1/_x',
      outcome: 'unreachable',
      reason: '</td><script>alert("reason")</script>',
    },
  ],
  skipped: [{ accountId: '222222222222', region: 'eu-west-1', reason: '<b>denied</b>' }],
};

describe('the fleet report renderer', () => {
  it('loads the templates from the repository when run from source', () => {
    const renderer = createFleetReportRenderer();
    expect(renderer.templatesDir.href).toBe(pathToFileURL(path.join(REPO, 'templates/fleet-report/')).href);
  });

  it('renders a whole page, escaping everything that came from AWS or a cluster', () => {
    const html = createFleetReportRenderer().renderFleetReport(buildFleetReportView(HOSTILE, []));

    expect(html.startsWith('<!doctype html>')).toBe(true);
    // Attribute values are HTML-escaped; the browser reads the entities back as quotes.
    expect(html).toContain(`content="${FLEET_REPORT_CSP.replaceAll("'", '&#x27;')}"`);
    expect(html).toContain('&lt;img src&#x3D;x onerror&#x3D;alert(1)&gt;');
    expect(html).toContain('&lt;/td&gt;&lt;script&gt;alert(&quot;reason&quot;)&lt;/script&gt;');
    expect(html).toContain('&lt;b&gt;denied&lt;/b&gt;');
    expect(html).not.toMatch(/<script|<img|<b>denied/);
  });

  it('fails loudly on a view that lacks a field (strict templates)', () => {
    const view = buildFleetReportView(HOSTILE, []) as unknown as Record<string, unknown>;
    delete view.totals;
    expect(() => createFleetReportRenderer().renderFleetReport(view as never)).toThrow(/not defined/);
  });
});

describe('finding the templates', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(path.join(tmpdir(), 'wk-templates-'));
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('prefers templates/ beside the bundle file, then the repository layout', async () => {
    const bundleDir = path.join(dir, 'bundle');
    await mkdir(path.join(bundleDir, 'templates', 'fleet-report'), { recursive: true });
    const bundleFile = pathToFileURL(path.join(bundleDir, 'index.mjs'));

    expect(templateRoots(bundleFile).map((root) => root.href)).toEqual([
      pathToFileURL(path.join(bundleDir, 'templates/')).href,
      pathToFileURL(path.join(dir, '..', 'templates/')).href,
    ]);
    expect(resolveTemplatesDir('fleet-report', templateRoots(bundleFile)).href).toBe(
      pathToFileURL(path.join(bundleDir, 'templates/fleet-report/')).href,
    );
    expect(() => resolveTemplatesDir('cluster-report', templateRoots(bundleFile))).toThrow(
      TemplatesNotFoundError,
    );
    expect(() => resolveTemplatesDir('../etc')).toThrow(TemplatesNotFoundError);
  });

  it('renders from <bundle dir>/templates/ when bundled with esbuild the way the CDK bundles a handler', async () => {
    const out = path.join(dir, 'lambda');
    const entry = path.join(dir, 'entry.ts');
    await writeFile(
      entry,
      [
        `import { createFleetReportRenderer } from ${JSON.stringify(path.join(REPO, 'functions/report/fleet-render.ts'))};`,
        `import { buildFleetReportView } from ${JSON.stringify(path.join(REPO, 'functions/report/fleet-view-model.ts'))};`,
        'const renderer = createFleetReportRenderer();',
        `const html = renderer.renderFleetReport(buildFleetReportView(${JSON.stringify(HOSTILE)}, []));`,
        'console.log(JSON.stringify({ dir: renderer.templatesDir.href, ok: html.includes("Fleet scan") }));',
      ].join('\n'),
    );
    await build({
      entryPoints: [entry],
      outfile: path.join(out, 'index.mjs'),
      bundle: true,
      platform: 'node',
      format: 'esm',
      target: 'node24',
      banner: {
        js: "import { createRequire } from 'module';const require = createRequire(import.meta.url);",
      },
      logLevel: 'silent',
    });
    // The CDK's afterBundling hook: `cp -r templates <bundle dir>/templates`.
    await cp(path.join(REPO, 'templates'), path.join(out, 'templates'), { recursive: true });

    const { stdout } = await run(process.execPath, [path.join(out, 'index.mjs')], { cwd: dir });

    expect(JSON.parse(stdout)).toEqual({
      dir: pathToFileURL(path.join(out, 'templates/fleet-report/')).href,
      ok: true,
    });
  });
});
