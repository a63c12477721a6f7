import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CHECKS } from '../../functions/checks/index.ts';
import { EMAIL_PREVIEW_HTML } from '../../functions/cli/demo-fleet.ts';
import { main } from '../../functions/cli/main.ts';
import type { FleetClusterEntry, FleetManifest } from '../../functions/core/fleet.ts';
import { createFleetReportRenderer } from '../../functions/report/fleet-render.ts';
import { buildFleetReportView } from '../../functions/report/fleet-view-model.ts';
import { toAsff } from '../../functions/report/formats/asff.ts';
import { toJunit } from '../../functions/report/formats/junit.ts';
import { toSarif } from '../../functions/report/formats/sarif.ts';
import { renderClusterReport } from '../../functions/report/render.ts';
import { buildReportView } from '../../functions/report/view-model.ts';
import { readFleetHistory } from '../../functions/scan/fleet-history.ts';
import { FileResultsStore } from '../../functions/store/file-results-store.ts';
import {
  ChromiumMissingError,
  launchChromium,
  noProblems,
  type OpenedPage,
  openReport,
  type PageDocument,
  type PageElement,
  serveHtml,
  type TestBrowser,
} from '../helpers/browser.ts';
import { captureStreams } from '../helpers/streams.ts';
import {
  type DemoScans,
  demoScans,
  HOSTILE_CONTAINER,
  HOSTILE_NAMESPACE,
  HOSTILE_POD,
} from './demo-scans.ts';

/**
 * The cluster report of a real scan of the demo cluster (with a previous scan to compare
 * with), opened in headless Chromium: it must load with no console error and no request to
 * anything but itself, its filters and search must work, it must stay readable without
 * JavaScript and print expanded, and hostile names must stay text. The fleet report and the
 * email preview of the demo fleet (`npm start`'s path) are opened the same way. Screenshots go
 * to out/screenshots/ for review.
 */

// Globals of the page, used inside page.evaluate callbacks (see PageElement).
declare const document: PageDocument;
declare const window: { injected?: boolean };
declare const location: { hash: string };
declare const DOMParser: new () => { parseFromString(text: string, type: string): PageDocument };

const SHOTS = fileURLToPath(new URL('../../out/screenshots/', import.meta.url));

/** The machine may be busy: give the page time to react. */
const POLL = { timeout: 15_000 };

let chromium: TestBrowser;
let scans: DemoScans;
let html: string;
let server: { url: string; close(): Promise<void> };
let opened: OpenedPage;

/** The filterable units currently shown, by kind. */
async function visibleUnits(page: Page, selector = '[data-unit]') {
  return page.$$eval(selector, (elements) =>
    elements
      .filter((element) => (element as unknown as PageElement).offsetParent !== null)
      .map((element) => ({
        unit: element.getAttribute('data-unit'),
        id: element.id,
        sev: element.getAttribute('data-sev'),
        resp: element.getAttribute('data-resp'),
        fw: element.getAttribute('data-fw') ?? '',
        ns: element.getAttribute('data-ns') ?? '',
        text: (element.textContent ?? '').toLowerCase(),
      })),
  );
}

async function status(page: Page): Promise<string> {
  return (await page.locator('#filters output').textContent()) ?? '';
}

beforeAll(async () => {
  await mkdir(SHOTS, { recursive: true });
  scans = await demoScans();
  html = renderClusterReport(
    buildReportView(
      scans.current,
      CHECKS,
      {},
      { diff: scans.diff, completeIn: ['result.json', 'findings.csv'] },
    ),
  );
  await writeFile(`${SHOTS}cluster-report-demo.html`, html);
  chromium = await launchChromium();
  server = await serveHtml(html);
  opened = await openReport(chromium.browser, server.url);
}, 120_000);

afterAll(async () => {
  await opened?.context.close();
  await server?.close();
  await chromium?.close();
});

describe('the browser test setup', () => {
  it('fails, never skips, when Chromium is missing, and says how to install it', async () => {
    await expect(launchChromium('/nonexistent/chromium')).rejects.toThrow(ChromiumMissingError);
    await expect(launchChromium('/nonexistent/chromium')).rejects.toThrow('apt-get install -y chromium');
  });
});

describe('the demo cluster report in Chromium', { timeout: 120_000 }, () => {
  it('loads with no console error, no request but itself, no dialog, and runs its one script', async () => {
    const { page, problems } = opened;
    expect(problems).toEqual({
      consoleErrors: [],
      pageErrors: [],
      foreignRequests: [],
      failedRequests: [],
      dialogs: [],
    });
    // The script ran (the CSP hash admitted it): it showed the filter bar and counted the items.
    await page.locator('#filters').waitFor({ state: 'visible', timeout: 30_000 });
    expect(await status(page)).toMatch(/^\d+ items$/);
    await page.screenshot({ path: `${SHOTS}cluster-report-top.png` });
  });

  it('refuses any other script: the CSP blocks an injected inline script', async () => {
    const { context, page, problems } = await openReport(chromium.browser, server.url);
    try {
      await page
        .addScriptTag({ content: 'window.injected = true; alert("injected")' })
        .catch(() => undefined);
      expect(
        await page.evaluate(() => (window as unknown as { injected?: boolean }).injected),
      ).toBeUndefined();
      expect(problems.dialogs).toEqual([]);
      expect(problems.consoleErrors.join('\n')).toMatch(/Content Security Policy|TrustedScript/);
    } finally {
      await context.close();
    }
  });

  it('shows what changed since the previous scan, "no longer evaluated" apart from resolved', async () => {
    const { page } = opened;
    const section = page.locator('#changes');
    await section.scrollIntoViewIfNeeded();
    const groups = await section.locator('[data-group]').evaluateAll((elements) =>
      elements.map((element) => ({
        title: element.querySelector('h3')?.textContent?.replace(/\s+/g, ' ').trim(),
        rows: element.querySelectorAll('tbody tr').length,
        text: element.textContent ?? '',
      })),
    );
    const { counts } = scans.diff;
    expect(groups.map((group) => group.title)).toEqual([
      `New failures ${counts.newFailures}`,
      `Waivers expired ${counts.waiverExpired}`,
      `No longer evaluated ${counts.noLongerEvaluated}`,
      `Resolved ${counts.resolved}`,
      `Newly waived ${counts.newlyWaived}`,
    ]);
    const [added, expired, blind, resolved, waived] = groups;
    expect(added?.text).toContain(HOSTILE_POD);
    expect(expired?.text).toContain('legacy-reporting');
    expect(expired?.text).toContain('Waiver w-legacy expired (2026-11-22).');
    expect(blind?.text).toContain('networkpolicies.networking.k8s.io is forbidden');
    expect(resolved?.text).toContain('old-batch');
    expect(resolved?.text).not.toContain('networkpolicies');
    expect(waived?.text).toContain('hello-world');
    expect(await section.locator('.lede').first().textContent()).toContain(
      `+${counts.newFailures} new failures, \u2212${counts.resolved} resolved, ${counts.noLongerEvaluated} no longer evaluated`,
    );
    // The sticky filter bar would cover part of an element screenshot: let it scroll away.
    await page.evaluate(() => {
      (document.getElementById('filters') as PageElement).style.position = 'static';
    });
    await section.screenshot({ path: `${SHOTS}cluster-report-changes.png` });
    await page.evaluate(() => {
      (document.getElementById('filters') as PageElement).style.position = '';
    });
  });

  it('filters by severity, owner, framework and namespace, and searches', async () => {
    const { page } = opened;
    const all = await visibleUnits(page);
    const total = all.length;
    expect(await status(page)).toBe(`${total} items`);

    await page.selectOption('select[name="severity"]', 'critical');
    const critical = await visibleUnits(page);
    expect(critical.length).toBeGreaterThan(0);
    expect(critical.length).toBeLessThan(total);
    expect(new Set(critical.map((unit) => unit.sev))).toEqual(new Set(['critical']));
    expect(await status(page)).toBe(`Showing ${critical.length} of ${total} items`);

    await page.selectOption('select[name="severity"]', '');
    await page.selectOption('select[name="responsibility"]', 'shared');
    const shared = await visibleUnits(page);
    expect(shared.length).toBeGreaterThan(0);
    expect(new Set(shared.map((unit) => unit.resp))).toEqual(new Set(['shared']));
    // Sections and groups left empty are hidden with their units.
    expect(await page.locator('#section-customer [data-group]:visible').count()).toBe(0);

    await page.selectOption('select[name="responsibility"]', '');
    await page.selectOption('select[name="framework"]', 'fw:pss-baseline');
    const pss = await visibleUnits(page);
    expect(pss.length).toBeGreaterThan(0);
    for (const unit of pss) expect(unit.fw.split(' ')).toContain('fw:pss-baseline');

    await page.selectOption('select[name="framework"]', '');
    await page.selectOption('select[name="namespace"]', 'ns:legacy');
    const legacy = await visibleUnits(page);
    expect(legacy.length).toBeGreaterThan(0);
    for (const unit of legacy) expect(unit.ns.split(' ')).toContain('ns:legacy');
    // Inside a check, only the rows of that namespace stay, and the check opens.
    const rows = await page.$$eval('[data-row]', (elements) =>
      elements
        .filter((e) => (e as unknown as PageElement).offsetParent !== null)
        .map((e) => e.getAttribute('data-ns')),
    );
    expect(rows.length).toBeGreaterThan(0);
    expect(new Set(rows)).toEqual(new Set(['ns:legacy']));
    // Sections with nothing left to show are hidden (here: AWS-managed).
    expect(await page.locator('#section-aws').isVisible()).toBe(false);
    await page.locator('details.check:visible').first().scrollIntoViewIfNeeded();
    await page.screenshot({ path: `${SHOTS}cluster-report-filtered.png` });

    await page.selectOption('select[name="namespace"]', '');
    await page.fill('input[name="q"]', 'nightly-export');
    await expect.poll(() => status(page), POLL).toMatch(/^Showing \d+ of/);
    const found = await visibleUnits(page);
    expect(found.length).toBeGreaterThan(0);
    expect(found.length).toBeLessThan(total);
    for (const unit of found) expect(unit.text).toContain('nightly-export');
    await page.locator('[data-unit]:visible').first().scrollIntoViewIfNeeded();
    await page.screenshot({ path: `${SHOTS}cluster-report-search.png` });

    await page.fill('input[name="q"]', 'no-such-thing-anywhere');
    await expect.poll(() => status(page), POLL).toBe(`Showing 0 of ${total} items`);

    await page.click('#filters button[type="reset"]');
    await expect.poll(() => status(page), POLL).toBe(`${total} items`);
    expect(await visibleUnits(page)).toHaveLength(total);
  });

  it('renders hostile names as text: no dialog, no injected element', async () => {
    const { page, problems } = opened;
    expect(html).not.toContain(HOSTILE_POD);
    expect(html).not.toContain(HOSTILE_CONTAINER);
    expect(html).not.toContain(HOSTILE_NAMESPACE);
    expect(await page.locator(`text=${HOSTILE_POD}`).count()).toBeGreaterThan(0);
    expect(await page.locator('img, svg, iframe, object, embed').count()).toBe(0);
    expect(await page.locator('script').count()).toBe(1);
    // The hostile namespace is a filter option like any other, and selecting it works.
    const option = page.locator('select[name="namespace"] option', { hasText: HOSTILE_NAMESPACE });
    await page.selectOption('select[name="namespace"]', (await option.getAttribute('value')) ?? '');
    const units = await visibleUnits(page);
    expect(units.length).toBeGreaterThan(0);
    for (const unit of units) expect(unit.text).toContain(HOSTILE_NAMESPACE.toLowerCase());
    await page.click('#filters button[type="reset"]');
    expect(problems.dialogs).toEqual([]);
  });

  it('is fully readable without JavaScript: no filter bar, every check in the page and openable', async () => {
    const { context, page, problems } = await openReport(chromium.browser, server.url, {
      javaScriptEnabled: false,
    });
    try {
      expect(await page.locator('#filters').isVisible()).toBe(false);
      expect(await page.locator('[data-unit]').count()).toBe(
        await opened.page.locator('[data-unit]').count(),
      );
      const first = page.locator('details.check').first();
      await first.locator('summary').click();
      expect(await first.locator('.check-body').isVisible()).toBe(true);
      expect(problems.consoleErrors).toEqual([]);
      await page.screenshot({ path: `${SHOTS}cluster-report-no-js.png` });
    } finally {
      await context.close();
    }
  });

  it('prints every check expanded, without the filter bar', async () => {
    const { context, page } = await openReport(chromium.browser, server.url);
    try {
      const collapsed = page.locator('details.check:not([open])');
      expect(await collapsed.count()).toBeGreaterThan(0);
      expect(await collapsed.first().locator('.check-body').isVisible()).toBe(false);
      await page.emulateMedia({ media: 'print' });
      expect(await collapsed.first().locator('.check-body').isVisible()).toBe(true);
      expect(await page.locator('#filters').isVisible()).toBe(false);
      await page.screenshot({ path: `${SHOTS}cluster-report-print.png` });
      await page.pdf({ path: `${SHOTS}cluster-report.pdf`, format: 'A4' });
    } finally {
      await context.close();
    }
  });

  it('opens a collapsed check when a link points at it', async () => {
    const { page } = opened;
    const id = await page.locator('details.check:not([open])').first().getAttribute('id');
    const target = page.locator(`[id="${id}"]`);
    await page.evaluate((hash) => {
      location.hash = hash;
    }, `#${id}`);
    await expect
      .poll(() => target.evaluate((element) => (element as unknown as PageElement).open), POLL)
      .toBe(true);
  });

  it('writes machine formats a real XML parser and JSON accept, hostile names included', async () => {
    // A blank page: the report's own Trusted Types policy rightly refuses DOMParser strings.
    const context = await chromium.browser.newContext();
    const page = await context.newPage();
    const junit = toJunit(scans.current, CHECKS);
    const parsed = await page.evaluate((xml) => {
      const doc = new DOMParser().parseFromString(xml, 'application/xml');
      return {
        error: doc.getElementsByTagName('parsererror')[0]?.textContent ?? null,
        suites: doc.getElementsByTagName('testsuite').length,
        cases: doc.getElementsByTagName('testcase').length,
        names: Array.from(doc.getElementsByTagName('testcase')).map((c) => c.getAttribute('name') ?? ''),
      };
    }, junit);
    expect(parsed.error).toBeNull();
    expect(parsed.suites).toBe(scans.current.checks.length);
    expect(parsed.cases).toBe(scans.current.findings.length);
    expect(parsed.names.some((name) => name.includes(HOSTILE_POD))).toBe(true);
    expect(() => JSON.parse(toSarif(scans.current, CHECKS))).not.toThrow();
    expect(() => JSON.parse(toAsff(scans.current, CHECKS, { diff: scans.diff }))).not.toThrow();
    await context.close();
  });
});

/** A cluster name and a reason that try to break out of the fleet page's markup. */
const HOSTILE_CLUSTER = '"><img src=x onerror=alert(5)>';
const HOSTILE_REASON = '</td><script>alert(6)</script>';

describe('the demo fleet report and email preview in Chromium', { timeout: 120_000 }, () => {
  let out: string;
  let fleetHtml: string;
  let fleet: OpenedPage;
  let fleetServer: { url: string; close(): Promise<void> };

  beforeAll(async () => {
    // Two runs of `npm start`'s path: two fleet scans in the store, so the trend has two points.
    out = await mkdtemp(join(tmpdir(), 'wk-fleet-browser-'));
    for (let run = 0; run < 2; run++) {
      const streams = captureStreams();
      expect(await main(['scan', '--demo', '--out', out, '--quiet'], streams), streams.stderr.text).toBe(0);
    }
    // The demo's last manifest plus two clusters with hostile names, rendered like the report Lambda does.
    const store = new FileResultsStore({ root: join(out, 'store') });
    const [scanId] = await store.listScanIds({ limit: 1 });
    const manifest = (await store.getManifest(scanId ?? '')) as FleetManifest;
    const [first] = manifest.clusters;
    const hostile: FleetManifest = {
      ...manifest,
      clusters: [
        ...manifest.clusters,
        {
          ...(first as FleetClusterEntry),
          cluster: { ...first?.cluster, name: HOSTILE_CLUSTER },
          clusterKey: 'x/y/z',
        },
        {
          cluster: { accountId: '999999999999', region: 'eu-west-1', name: `${HOSTILE_CLUSTER}-2` },
          clusterKey: '999999999999/eu-west-1/h2',
          outcome: 'unreachable',
          reason: HOSTILE_REASON,
        },
      ],
    };
    const history = await readFleetHistory(store, manifest.scanId, { maxPoints: 29 });
    fleetHtml = createFleetReportRenderer().renderFleetReport(
      buildFleetReportView(hostile, CHECKS, { history: history.points }),
    );
    await writeFile(`${SHOTS}fleet-report-demo.html`, fleetHtml);
    fleetServer = await serveHtml(fleetHtml);
    fleet = await openReport(chromium.browser, fleetServer.url, { viewport: { width: 1280, height: 1400 } });
  }, 120_000);

  afterAll(async () => {
    await fleet?.context.close();
    await fleetServer?.close();
    await rm(out, { recursive: true, force: true });
  });

  it('loads with no console error, no request but itself, no dialog and no script', async () => {
    expect(fleet.problems).toEqual({
      consoleErrors: [],
      pageErrors: [],
      foreignRequests: [],
      failedRequests: [],
      dialogs: [],
    });
    expect(await fleet.page.locator('script, img, iframe, object, embed').count()).toBe(0);
    await fleet.page.screenshot({ path: `${SHOTS}fleet-report-top.png` });
  });

  it('shows the clusters × areas heat map: one row per cluster, one coloured cell per area', async () => {
    const { page } = fleet;
    const heat = page.locator('table.heat');
    expect(await heat.locator('thead th').allTextContents()).toEqual([
      'Cluster',
      'EKS',
      'Nodes',
      'RBAC',
      'Pods',
      'Images',
      'Workloads',
      'Network',
      'Namespaces',
    ]);
    const rows = await heat.locator('tbody tr').evaluateAll((elements) =>
      elements.map((row) => ({
        name: row.querySelector('.cluster-name')?.textContent ?? '',
        cells: Array.from((row as unknown as PageElement).querySelectorAll('td')).map((cell) => ({
          text: cell.textContent ?? '',
          heat: cell.getAttribute('class') ?? '',
          title: cell.getAttribute('title') ?? '',
        })),
      })),
    );
    expect(rows.map((row) => row.name).sort()).toEqual(
      ['demo-payments-prod', 'demo-web-staging', HOSTILE_CLUSTER, `${HOSTILE_CLUSTER}-2`].sort(),
    );
    for (const row of rows) expect(row.cells).toHaveLength(8);
    const prod = rows.find((row) => row.name === 'demo-payments-prod');
    expect(prod?.cells.map((cell) => cell.heat)).toContain('heat-cell heat-critical');
    expect(prod?.cells.every((cell) => /^\d+\*?$/.test(cell.text))).toBe(true);
    // The unreachable cluster has no data, and says so rather than showing zeros.
    const unreachable = rows.find((row) => row.name === `${HOSTILE_CLUSTER}-2`);
    expect(unreachable?.cells.map((cell) => cell.text)).toEqual(Array(8).fill('—'));
    expect(unreachable?.cells[0]?.title).toBe(`EKS on ${HOSTILE_CLUSTER}-2: no data (unreachable)`);
    await heat.screenshot({ path: `${SHOTS}fleet-report-heatmap.png` });
  });

  it('draws the trend as two inline SVG charts with one point per fleet scan', async () => {
    const { page } = fleet;
    const charts = page.locator('section:has(#trend) svg');
    expect(await charts.count()).toBe(2);
    for (const chart of await charts.all()) {
      const box = await chart.boundingBox();
      expect(box?.width).toBeGreaterThan(300);
      expect(box?.height).toBeGreaterThan(80);
    }
    expect(await page.locator('section:has(#trend) circle.dot').count()).toBe(2);
    expect(await page.locator('section:has(#trend) polyline.line').count()).toBe(1);
    expect(await page.locator('section:has(#trend) g.bar').count()).toBe(2);
    expect(await page.locator('section:has(#trend) .lede').textContent()).toMatch(
      /^The last 2 fleet scans, /,
    );
    expect(await page.locator('section:has(#trend) details tbody tr').count()).toBe(2);
    await page.locator('section:has(#trend)').screenshot({ path: `${SHOTS}fleet-report-trend.png` });
  });

  it('renders hostile cluster names and reasons as text', async () => {
    const { page, problems } = fleet;
    expect(fleetHtml).not.toContain(HOSTILE_CLUSTER);
    expect(fleetHtml).not.toContain(HOSTILE_REASON);
    expect(await page.locator('.cluster-name', { hasText: HOSTILE_CLUSTER }).count()).toBeGreaterThan(1);
    expect(await page.locator('.reason', { hasText: HOSTILE_REASON }).count()).toBeGreaterThan(0);
    expect(problems.dialogs).toEqual([]);
  });

  it('shows the email preview the digest code wrote: table layout, no script, image or request', async () => {
    const server = await serveHtml(await readFile(join(out, EMAIL_PREVIEW_HTML), 'utf8'));
    const email = await openReport(chromium.browser, server.url, { viewport: { width: 800, height: 900 } });
    try {
      expect(noProblems(email.problems), JSON.stringify(email.problems)).toBe(true);
      expect(await email.page.locator('script, img, style, link').count()).toBe(0);
      expect(await email.page.locator('table').count()).toBeGreaterThan(1);
      expect(await email.page.locator('a').getAttribute('href')).toMatch(
        /^https:\/\/watchkeeper\.example\.com\/scans\/\d{8}T\d{6}Z-[0-9a-f]{6}\/report$/,
      );
      expect(await email.page.locator('body').textContent()).toContain('demo-web-staging');
      await email.page.screenshot({ path: `${SHOTS}email-preview.png`, fullPage: true });
    } finally {
      await email.context.close();
      await server.close();
    }
  });
});
