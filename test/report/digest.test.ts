import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { describe, expect, it } from 'vitest';
import type { FleetClusterEntry, FleetManifest } from '../../functions/core/fleet.ts';
import type { Severity, Status } from '../../functions/core/model.ts';
import { buildDigest, type DigestCheckInfo } from '../../functions/report/digest.ts';
import { createDigestRenderer, DigestTemplateError } from '../../functions/report/digest-render.ts';

const CHECKS: DigestCheckInfo[] = [
  { id: 'c-crit', title: 'Privileged containers', severity: 'critical' },
  { id: 'c-high', title: 'Public API endpoint', severity: 'high' },
  { id: 'c-med', title: 'No default-deny network policy', severity: 'medium' },
  { id: 'c-low', title: 'Default namespace in use', severity: 'low' },
];
const SEVERITY_OF = new Map(CHECKS.map((check) => [check.id, check.severity] as const));

const HOSTILE_HTML = '<img src=x onerror=alert(1)>';
const HOSTILE_HEADER = 'prod\r\nBcc: evil@example.com';

function counts(): Record<Status, number> {
  return {
    pass: 0,
    fail: 0,
    not_applicable: 0,
    not_evaluated: 0,
    manual: 0,
    inherited: 0,
    waived: 0,
  };
}

function scanned(
  name: string,
  failingChecks: string[] | undefined,
  compliance: number | null = 80,
  accountId = '111111111111',
): FleetClusterEntry {
  const failingBySeverity: Record<Severity, number> = { critical: 0, high: 0, medium: 0, low: 0, info: 0 };
  for (const id of failingChecks ?? []) failingBySeverity[SEVERITY_OF.get(id) ?? 'info'] += 1;
  const cluster = {
    accountId,
    region: 'eu-west-1',
    name,
    arn: `arn:aws:eks:eu-west-1:${accountId}:cluster/${name}`,
  };
  return {
    cluster,
    clusterKey: `${accountId}/eu-west-1/${encodeURIComponent(name)}`,
    outcome: 'scanned',
    resultKey: `scans/x/clusters/${accountId}/eu-west-1/${name}/result.json`,
    summary: {
      overall: { compliance, coverage: 100, counts: counts() },
      failingBySeverity,
      gaps: 0,
      ...(failingChecks === undefined ? {} : { failingChecks: [...failingChecks].sort() }),
    },
  };
}

function notScanned(
  name: string,
  outcome: 'unreachable' | 'forbidden' | 'error',
  reason: string,
): FleetClusterEntry {
  const cluster = {
    accountId: '222222222222',
    region: 'us-east-1',
    name,
    arn: `arn:aws:eks:us-east-1:222222222222:cluster/${name}`,
  };
  return { cluster, clusterKey: `222222222222/us-east-1/${encodeURIComponent(name)}`, outcome, reason };
}

function manifest(scanId: string, clusters: FleetClusterEntry[]): FleetManifest {
  return {
    schemaVersion: 1,
    scanId,
    startedAt: '2026-11-23T02:00:00.000Z',
    finishedAt: '2026-11-23T02:09:00.000Z',
    clusters,
    skipped: [],
  };
}

const PREVIOUS = manifest('20261122T020000Z-aaaaaa', [
  scanned('alpha', ['c-med']),
  scanned('beta', ['c-crit', 'c-low']),
  notScanned('gamma', 'unreachable', 'timeout'),
]);
const CURRENT = manifest('20261123T020000Z-bbbbbb', [
  scanned('alpha', ['c-med', 'c-low', 'c-crit'], 70),
  scanned('beta', ['c-crit', 'c-low', 'c-high'], 60),
  scanned('gamma', ['c-high'], 95),
  scanned('delta', [], 100),
  notScanned('epsilon', 'forbidden', 'every Kubernetes kind was refused'),
  notScanned('zeta', 'unreachable', 'the Kubernetes API could not be reached: connect ETIMEDOUT'),
]);

describe('buildDigest', () => {
  it('counts, and ranks new failures by severity and worst clusters by critical/high then compliance', () => {
    const view = buildDigest(CURRENT, {
      previousManifest: PREVIOUS,
      reportUrl: 'https://wk.example.com/scans/20261123T020000Z-bbbbbb/report',
      maxItems: 10,
      checks: CHECKS,
    });

    // alpha: +c-low +c-crit; beta: +c-high; gamma (unreachable before): +c-high.
    expect(view.totals).toEqual({
      clusters: 6,
      scanned: 4,
      unreachable: 1,
      forbidden: 1,
      error: 0,
      skipped: 0,
      criticalHigh: 4,
      newFailures: 4,
    });
    expect(view.subject).toBe(
      'Watchkeeper: 6 clusters, 4 critical/high failing, +4 new since the previous scan, 1 unreachable, 1 forbidden',
    );
    expect(view.previousScanId).toBe('20261122T020000Z-aaaaaa');
    expect(view.failures.heading).toBe('New failures since the previous scan');
    expect(view.failures.items.map((item) => [item.checkId, item.severityLabel, item.clusters])).toEqual([
      ['c-crit', 'Critical', 1],
      ['c-high', 'High', 2],
      ['c-low', 'Low', 1],
    ]);
    expect(view.failures.items[1]?.clusterNames).toBe('beta, gamma');
    // beta (2 critical/high) first; alpha and gamma both have 1: lower compliance first.
    expect(view.worstClusters.items.map((item) => [item.rank, item.name, item.complianceText])).toEqual([
      [1, 'beta', '60%'],
      [2, 'alpha', '70%'],
      [3, 'gamma', '95%'],
    ]);
    expect(view.unscanned.items.map((item) => [item.outcomeLabel, item.name, item.reason])).toEqual([
      ['Unreachable', 'zeta', 'the Kubernetes API could not be reached: connect ETIMEDOUT'],
      ['Forbidden', 'epsilon', 'every Kubernetes kind was refused'],
    ]);
    expect(view.reportUrl).toBe('https://wk.example.com/scans/20261123T020000Z-bbbbbb/report');
  });

  it('without a previous scan lists the top failing checks and claims nothing is new', () => {
    const view = buildDigest(CURRENT, { maxItems: 2, checks: CHECKS });
    expect(view.totals.newFailures).toBeNull();
    expect(view.subject).not.toContain('new');
    expect(view.failures.heading).toBe('Top failing checks');
    expect(view.failures.items.map((item) => item.checkId)).toEqual(['c-crit', 'c-high']);
    expect(view.failures.moreText).toBe('and 2 more');
    expect(view.worstClusters.moreText).toBe('and 1 more');
  });

  it('does not compare a cluster whose previous summary lacks failingChecks, and drops a non-https link', () => {
    const previous = manifest('20261122T020000Z-aaaaaa', [scanned('alpha', undefined)]);
    const current = manifest('20261123T020000Z-bbbbbb', [scanned('alpha', ['c-crit'])]);
    const view = buildDigest(current, {
      previousManifest: previous,
      reportUrl: 'javascript:alert(1)',
      maxItems: 10,
      checks: CHECKS,
    });
    expect(view.totals.newFailures).toBe(0);
    expect(view.failures.items).toEqual([]);
    expect(view.reportUrl).toBeNull();
  });

  it('stays bounded for 5,000 clusters with long hostile names and reasons', () => {
    const long = `${'<"&'.repeat(400)}`;
    const clusters: FleetClusterEntry[] = [];
    for (let index = 0; index < 5000; index += 1) {
      const name = `${String(index).padStart(4, '0')}${long}`;
      clusters.push(
        index % 10 === 0
          ? notScanned(name, 'unreachable', `${long}${long}`)
          : scanned(name, ['c-crit', 'c-high', 'c-med', 'c-low', `x-${index % 40}`], index % 100),
      );
    }
    const previous = manifest('20261122T020000Z-aaaaaa', []);
    const view = buildDigest(manifest('20261123T020000Z-bbbbbb', clusters), {
      previousManifest: previous,
      reportUrl: 'https://wk.example.com/r',
      maxItems: 10,
      checks: CHECKS,
    });
    expect(view.totals.clusters).toBe(5000);
    expect(view.totals.newFailures).toBe(4500 * 5);
    expect(view.failures.items).toHaveLength(10);
    // 4 catalog checks and 36 unknown ids (x-1 … x-39 but x-0, x-10, x-20, x-30).
    expect(view.failures.moreText).toBe('and 30 more');
    expect(view.worstClusters.items).toHaveLength(10);
    expect(view.worstClusters.moreText).toBe('and 4490 more');
    expect(view.unscanned.items).toHaveLength(10);
    expect(view.unscanned.moreText).toBe('and 490 more');
    for (const item of view.unscanned.items) {
      expect(item.name.length).toBeLessThanOrEqual(101);
      expect(item.reason.length).toBeLessThanOrEqual(301);
    }

    const { html, text, subject } = createDigestRenderer().renderDigest(view);
    const bytes = Buffer.byteLength(html, 'utf8');
    // Under Gmail's ~102 KB clipping limit, whatever the fleet.
    expect(bytes).toBeLessThan(100 * 1024);
    expect(Buffer.byteLength(text, 'utf8')).toBeLessThan(50 * 1024);
    expect(subject).toBe(
      'Watchkeeper: 5000 clusters, 9000 critical/high failing, +22500 new since the previous scan, 500 unreachable',
    );
  });
});

describe('digest rendering', () => {
  const hostile = manifest('20261123T020000Z-bbbbbb', [
    scanned(HOSTILE_HTML, ['c-crit']),
    scanned(HOSTILE_HEADER, ['c-high']),
    notScanned(
      `${HOSTILE_HTML}${HOSTILE_HEADER}`,
      'forbidden',
      `refused ${HOSTILE_HTML}\r\nBcc: evil@example.com`,
    ),
  ]);

  it('escapes hostile cluster text in the HTML and keeps it out of the subject', () => {
    const view = buildDigest(hostile, {
      maxItems: 10,
      checks: CHECKS,
      reportUrl: 'https://wk.example.com/r',
    });
    const { subject, html, text } = createDigestRenderer().renderDigest(view);

    expect(subject).toBe('Watchkeeper: 3 clusters, 2 critical/high failing, 1 forbidden');
    expect(subject).not.toMatch(/[\r\n]|evil|img/);

    expect(html).toContain('&lt;img src&#x3D;x onerror&#x3D;alert(1)&gt;');
    expect(html).not.toContain('<img');
    expect(html).not.toMatch(/<script|<style|<link|\son[a-z]+=/i);
    expect(html).not.toMatch(/\r\nBcc/);
    expect(html).toContain('prod\\u{000d}\\u{000a}Bcc: evil@example.com');
    expect(html).toContain('href="https://wk.example.com/r"');

    // The text part is plain text: printed as is, but no cluster string starts a line.
    expect(text).toContain('prod\\u{000d}\\u{000a}Bcc: evil@example.com');
    expect(text).not.toMatch(/^Bcc:/m);
    expect(text).not.toContain('\r');
    expect(text).toContain('Full fleet report: https://wk.example.com/r');
  });

  it('renders a table layout with inline styles only', () => {
    const { html } = createDigestRenderer().renderDigest(
      buildDigest(CURRENT, { previousManifest: PREVIOUS, maxItems: 10, checks: CHECKS }),
    );
    expect(html.startsWith('<!doctype html>')).toBe(true);
    expect(html).toContain('<table role="presentation"');
    expect(html).not.toMatch(/<style|<script|<img|class=/i);
    expect(html).toContain('Privileged containers');
    expect(html).toContain('Clusters not scanned');
  });

  it('refuses templates that print a value unescaped', async () => {
    const dir = await mkdtemp(path.join(tmpdir(), 'wk-email-'));
    try {
      await writeFile(path.join(dir, 'digest.html.hbs'), '<p>{{{headline}}}</p>');
      await writeFile(path.join(dir, 'digest.txt.hbs'), '{{headline}}');
      expect(() => createDigestRenderer(pathToFileURL(`${dir}/`))).toThrow(DigestTemplateError);
      await writeFile(path.join(dir, 'digest.html.hbs'), '<p>{{& headline}}</p>');
      expect(() => createDigestRenderer(pathToFileURL(`${dir}/`))).toThrow(DigestTemplateError);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
