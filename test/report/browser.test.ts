import { mkdir, writeFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CHECKS } from '../../functions/checks/index.ts';
import { toAsff } from '../../functions/report/formats/asff.ts';
import { toJunit } from '../../functions/report/formats/junit.ts';
import { toSarif } from '../../functions/report/formats/sarif.ts';
import { renderClusterReport } from '../../functions/report/render.ts';
import { buildReportView } from '../../functions/report/view-model.ts';
import {
  ChromiumMissingError,
  launchChromium,
  type OpenedPage,
  openReport,
  type PageDocument,
  type PageElement,
  serveHtml,
  type TestBrowser,
} from '../helpers/browser.ts';
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
 * JavaScript and print expanded, and hostile names must stay text. Screenshots go to
 * out/screenshots/ for review.
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
