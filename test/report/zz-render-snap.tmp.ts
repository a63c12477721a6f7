// TEMPORARY harness (not committed): renders both reports and their views into $SNAP_OUT.
import { mkdirSync, writeFileSync } from 'node:fs';
import { CHECKS } from '../../functions/checks/index.ts';
import type { FleetManifest } from '../../functions/core/fleet.ts';
import { zeroCounts } from '../../functions/core/scoring.ts';
import { createFleetReportRenderer } from '../../functions/report/fleet-render.ts';
import { buildFleetReportView } from '../../functions/report/fleet-view-model.ts';
import { renderClusterReport } from '../../functions/report/render.ts';
import { buildReportView } from '../../functions/report/view-model.ts';
import { demoScans } from './demo-scans.ts';
import { hostileCatalog, hostileResult, sampleCatalog, sampleResult } from './sample-result.ts';

const out = process.env.SNAP_OUT ?? '/tmp/wkrender/x';
mkdirSync(out, { recursive: true });
const save = (name: string, html: string, view: unknown) => {
  writeFileSync(`${out}/${name}.html`, html);
  writeFileSync(`${out}/${name}.view.json`, JSON.stringify(view, null, 1));
};

const sample = buildReportView(sampleResult(), sampleCatalog());
save('cluster-sample', renderClusterReport(sample), sample);
const small = buildReportView(sampleResult(), sampleCatalog(), { maxStringLength: 12, expandUpTo: 10 });
save('cluster-capped', renderClusterReport(small), small);
const hostile = buildReportView(hostileResult(), hostileCatalog());
save('cluster-hostile', renderClusterReport(hostile), hostile);
const scans = await demoScans();
const demo = buildReportView(scans.current, CHECKS, {}, { diff: scans.diff, completeIn: ['result.json', 'findings.csv'] });
save('cluster-demo', renderClusterReport(demo), demo);

const score = (c: number | null) => ({ compliance: c, coverage: c === null ? null : 95.25, counts: zeroCounts() });
const entry = (name: string, c: number | null, failing: string[], crit = 0, acct = '111111111111') => ({
  cluster: { accountId: acct, region: 'eu-west-1', name },
  clusterKey: `${acct}/eu-west-1/${name}`,
  outcome: 'scanned' as const,
  resultKey: `scans/s/clusters/${acct}/eu-west-1/${name}/result.json`,
  summary: {
    overall: score(c),
    failingBySeverity: { critical: crit, high: 1, medium: 0, low: 2, info: 0 },
    gaps: 1,
    failingChecks: failing,
  },
});
const manifest: FleetManifest = {
  schemaVersion: 1,
  scanId: '20261123T020000Z-abc123',
  startedAt: '2026-11-23T02:00:00.000Z',
  finishedAt: '2026-11-23T03:04:05.000Z',
  clusters: [
    entry('good', 95, ['eks-logging']),
    entry('fair', 77.75, ['pod-privileged', 'rbac-wildcards'], 1),
    entry('bad\u202eevil', 40, ['pod-privileged', 'nope'], 2, '222222222222'),
    entry('unscored', null, []),
    {
      cluster: { accountId: '222222222222', region: 'us-east-1', name: 'locked', arn: 'arn:aws:eks:us-east-1:222222222222:cluster/locked' },
      clusterKey: '222222222222/us-east-1/locked',
      outcome: 'forbidden',
      reason: 'every Kubernetes kind was refused '.repeat(30),
    },
    {
      cluster: { accountId: '111111111111', region: 'us-east-1', name: '<img src=x onerror=alert(1)>' },
      clusterKey: '111111111111/us-east-1/x',
      outcome: 'unreachable',
      reason: 'connect ECONNREFUSED\u0007',
    },
    {
      cluster: { accountId: null as never, region: undefined as never, name: null as never },
      clusterKey: 'x',
      outcome: 'error',
      reason: null as never,
    },
  ],
  skipped: [
    { accountId: '333333333333', reason: 'could not assume the role' },
    { accountId: '444444444444', region: 'ap-south-1', reason: '<b>denied</b>' },
  ],
};
const checks = [
  { id: 'pod-privileged', title: 'Containers do not run privileged', severity: 'critical' as const },
  { id: 'rbac-wildcards', title: 'Roles name their verbs', severity: 'high' as const },
  { id: 'eks-logging', title: 'Control-plane logs are on', severity: 'medium' as const },
];
const renderer = createFleetReportRenderer();
const fleet = buildFleetReportView(manifest, checks);
save('fleet', renderer.renderFleetReport(fleet), fleet);
const fleetCapped = buildFleetReportView(manifest, checks, { maxStringLength: 8, maxClusters: 3, maxWorst: 2 });
save('fleet-capped', renderer.renderFleetReport(fleetCapped), fleetCapped);
const empty = buildFleetReportView({ ...manifest, clusters: [], skipped: [], finishedAt: 'garbage' }, []);
save('fleet-empty', renderer.renderFleetReport(empty), empty);
console.log('ok', out);
