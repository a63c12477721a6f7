import { describe, expect, it } from 'vitest';
import type { FleetClusterEntry, FleetManifest } from '../../functions/core/fleet.ts';
import type { Score } from '../../functions/core/model.ts';
import { zeroCounts } from '../../functions/core/scoring.ts';
import { buildFleetReportView, type FleetCheckInfo } from '../../functions/report/fleet-view-model.ts';

const CHECKS: FleetCheckInfo[] = [
  { id: 'pod-privileged', title: 'Containers do not run privileged', severity: 'critical' },
  { id: 'rbac-wildcards', title: 'Roles name their verbs', severity: 'high' },
  { id: 'eks-logging', title: 'Control-plane logs are on', severity: 'medium' },
];

function score(compliance: number | null): Score {
  return { compliance, coverage: compliance === null ? null : 95, counts: zeroCounts() };
}

function scanned(
  name: string,
  compliance: number | null,
  failingChecks: string[],
  failing: Partial<Record<'critical' | 'high' | 'medium' | 'low', number>> = {},
  accountId = '111111111111',
): FleetClusterEntry {
  return {
    cluster: { accountId, region: 'eu-west-1', name },
    clusterKey: `${accountId}/eu-west-1/${name}`,
    outcome: 'scanned',
    resultKey: `scans/s/clusters/${accountId}/eu-west-1/${name}/result.json`,
    summary: {
      overall: score(compliance),
      failingBySeverity: { critical: 0, high: 0, medium: 0, low: 0, info: 0, ...failing },
      gaps: 0,
      failingChecks,
    },
  };
}

function manifest(clusters: FleetClusterEntry[], skipped: FleetManifest['skipped'] = []): FleetManifest {
  return {
    schemaVersion: 1,
    scanId: '20261123T020000Z-abc123',
    startedAt: '2026-11-23T02:00:00.000Z',
    finishedAt: '2026-11-23T03:04:05.000Z',
    clusters,
    skipped,
  };
}

describe('buildFleetReportView', () => {
  const fleet = manifest(
    [
      scanned('good', 95, ['eks-logging'], { medium: 1 }),
      scanned('bad', 40, ['pod-privileged', 'rbac-wildcards', 'eks-logging'], {
        critical: 1,
        high: 1,
        medium: 1,
      }),
      scanned('worse-ties', 40, ['pod-privileged', 'no-longer-in-catalog'], { critical: 2 }, '222222222222'),
      {
        cluster: { accountId: '222222222222', region: 'us-east-1', name: 'locked' },
        clusterKey: '222222222222/us-east-1/locked',
        outcome: 'forbidden',
        reason: 'every Kubernetes kind was refused',
      },
      {
        cluster: { accountId: '111111111111', region: 'us-east-1', name: 'gone' },
        clusterKey: '111111111111/us-east-1/gone',
        outcome: 'unreachable',
        reason: 'connect ECONNREFUSED',
      },
    ],
    [{ accountId: '333333333333', reason: 'could not assume the role' }],
  );

  it('counts outcomes and averages the compliance of the scanned clusters only', () => {
    const view = buildFleetReportView(fleet, CHECKS);

    expect(view.outcomes.map(({ outcome, count }) => [outcome, count])).toEqual([
      ['scanned', 3],
      ['unreachable', 1],
      ['forbidden', 1],
      ['error', 0],
    ]);
    expect(view.totals).toMatchObject({
      clusters: 5,
      accounts: 2,
      regions: 2,
      skipped: 1,
      complianceText: '58.3%',
      tone: 'poor',
      scoredClusters: 3,
    });
    expect(view.failingBySeverity.map(({ severity, count }) => [severity, count])).toEqual([
      ['critical', 3],
      ['high', 1],
      ['medium', 2],
      ['low', 0],
      ['info', 0],
    ]);
    expect(view.scan).toEqual({
      scanId: '20261123T020000Z-abc123',
      startedAt: '2026-11-23 02:00:00 UTC',
      finishedAt: '2026-11-23 03:04:05 UTC',
      duration: '1h 4m',
    });
  });

  it('ranks the worst clusters by compliance, then by critical and high failures', () => {
    const view = buildFleetReportView(fleet, CHECKS);
    expect(view.worst.map((row) => row.name)).toEqual(['worse-ties', 'bad', 'good']);
    expect(view.worst[0]).toMatchObject({ complianceText: '40%', toneClass: 'tone-poor', barWidth: '40%' });
  });

  it('lists the checks failing in most clusters, with catalog titles, and unknown ids by id', () => {
    const view = buildFleetReportView(fleet, CHECKS);
    expect(
      view.commonFailing.map(({ checkId, clusters, shareText, severityLabel }) => [
        checkId,
        clusters,
        shareText,
        severityLabel,
      ]),
    ).toEqual([
      ['pod-privileged', 2, '66.7%', 'Critical'],
      ['eks-logging', 2, '66.7%', 'Medium'],
      ['rbac-wildcards', 1, '33.3%', 'High'],
      ['no-longer-in-catalog', 1, '33.3%', '—'],
    ]);
    expect(view.commonFailing[3]).toMatchObject({
      title: 'no-longer-in-catalog',
      severity: null,
      severityClass: 'sev-unknown',
    });
  });

  it('lists the clusters not scanned with their reasons, and every cluster in account/region/name order', () => {
    const view = buildFleetReportView(fleet, CHECKS);
    expect(view.notScanned.map((row) => [row.name, row.outcomeLabel, row.reason])).toEqual([
      ['gone', 'Unreachable', 'connect ECONNREFUSED'],
      ['locked', 'Forbidden', 'every Kubernetes kind was refused'],
    ]);
    expect(view.clusters.map((row) => row.name)).toEqual(['bad', 'good', 'gone', 'worse-ties', 'locked']);
    expect(view.clusters.find((row) => row.name === 'locked')).toMatchObject({
      complianceText: '—',
      gapsText: '—',
      outcomeClass: 'oc-forbidden',
    });
    expect(view.skipped).toEqual([
      { accountId: '333333333333', region: 'all regions', reason: 'could not assume the role' },
    ]);
  });

  it('caps the table and untrusted text, and makes control and bidi characters visible', () => {
    const long = 'x'.repeat(50);
    const view = buildFleetReportView(
      manifest([
        { ...scanned('a', 90, []), reason: `${long}\u202e` },
        scanned('b', 90, []),
        scanned('c', 90, []),
      ]),
      CHECKS,
      { maxClusters: 2, maxStringLength: 20 },
    );

    expect(view.clusters).toHaveLength(2);
    expect(view.moreClusters).toBe(1);
    expect(view.clusters[0]?.reason).toBe(`${'x'.repeat(20)}… [38 more characters]`);
    const hidden = buildFleetReportView(
      manifest([{ ...scanned('a', 90, []), reason: 'ok\u202eevil' }]),
      CHECKS,
    );
    expect(hidden.clusters[0]?.reason).toBe('ok\\u{202e}evil');
  });

  it('handles an empty fleet', () => {
    const view = buildFleetReportView(manifest([]), CHECKS);
    expect(view.totals).toMatchObject({ clusters: 0, complianceText: '—', tone: 'none', scoredClusters: 0 });
    expect(view.worst).toEqual([]);
    expect(view.commonFailing).toEqual([]);
  });
});
