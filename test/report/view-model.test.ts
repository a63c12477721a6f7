import { describe, expect, it } from 'vitest';
import { diffResults } from '../../functions/core/diff.ts';
import type { ScanResult } from '../../functions/core/model.ts';
import { SCORING_RULES } from '../../functions/core/scoring.ts';
import type { CheckView, ReportView } from '../../functions/report/view-model.ts';
import { buildReportView } from '../../functions/report/view-model.ts';
import { SPECS, sampleCatalog, sampleResult } from './sample-result.ts';

function build(result: ScanResult = sampleResult(), options = {}): ReportView {
  return buildReportView(result, sampleCatalog(), options);
}

const ids = (views: readonly CheckView[]) => views.map((view) => view.id);

function section(view: ReportView, id: string) {
  const found = view.sections.find((candidate) => candidate.id === id);
  if (!found) throw new Error(`no section ${id}`);
  return found;
}

function check(view: ReportView, id: string): CheckView {
  for (const area of view.sections) {
    for (const list of [
      area.failing,
      area.notEvaluated,
      area.manual,
      area.waived,
      area.passed,
      area.inherited,
      area.notApplicable,
    ]) {
      const found = list.find((candidate) => candidate.id === id);
      if (found) return found;
    }
  }
  throw new Error(`no check ${id}`);
}

describe('buildReportView', () => {
  it('splits checks into the three responsibility sections, in order', () => {
    const view = build();

    expect(view.sections.map((area) => [area.id, area.title])).toEqual([
      ['aws', 'AWS-managed (inherited)'],
      ['shared', 'Shared'],
      ['customer', 'Customer'],
    ]);
    expect(ids(section(view, 'aws').inherited)).toEqual([
      'aws-control-plane-availability',
      'aws-etcd-encrypted-at-rest',
    ]);
    expect(ids(section(view, 'shared').failing)).toEqual(['eks-logging-control-plane-enabled']);
    expect(ids(section(view, 'shared').passed)).toEqual(['eks-secrets-encrypted-with-kms']);
    expect(section(view, 'customer').total).toBe(
      SPECS.filter((spec) => spec.responsibility === 'customer').length,
    );
    expect(view.sections.reduce((sum, area) => sum + area.total, 0)).toBe(SPECS.length);
  });

  it('lists failing checks by severity, critical first', () => {
    const view = build();

    expect(ids(section(view, 'customer').failing)).toEqual([
      'pod-no-privileged-containers',
      'rbac-no-wildcard-rules',
      'netpol-default-deny',
      'image-tag-pinned',
      'svc-no-nodeport',
    ]);
    expect(view.summary.topFailing.map((top) => top.severity)).toEqual([
      'critical',
      'high',
      'high',
      'medium',
      'low',
      'info',
    ]);
    expect(view.summary.failingBySeverity).toEqual([
      { severity: 'critical', label: 'Critical', count: 1 },
      { severity: 'high', label: 'High', count: 2 },
      { severity: 'medium', label: 'Medium', count: 1 },
      { severity: 'low', label: 'Low', count: 1 },
      { severity: 'info', label: 'Info', count: 1 },
    ]);
  });

  it('shows the failing resources with catalog rationale, remediation and https docs only', () => {
    const logging = check(build(), 'eks-logging-control-plane-enabled');

    expect(logging.resources.items).toEqual([
      {
        nsToken: 'cluster',
        kind: 'Cluster',
        namespace: null,
        name: 'prod-eu-1',
        display: 'prod-eu-1',
        arn: 'arn:aws:eks:eu-west-1:123456789012:cluster/prod-eu-1',
        message: 'Log types audit, authenticator are not enabled.',
        path: 'logging.clusterLogging',
        evidence: [
          { key: 'enabled', value: 'api,controllerManager,scheduler' },
          { key: 'missing', value: 'audit,authenticator' },
        ],
        waiver: null,
      },
    ]);
    expect(logging.rationale).toMatch(/audit and authenticator logs/);
    expect(logging.remediation?.cli).toMatch(/^aws eks update-cluster-config/);
    expect(logging.remediation?.iac).toMatch(/clusterLogging/);
    expect(logging.remediation?.console).toBeNull();
    // The javascript: link in the catalog is dropped, never made clickable.
    expect(logging.docs.map((link) => link.url)).toEqual([
      'https://docs.aws.amazon.com/eks/latest/userguide/control-plane-logs.html',
    ]);
  });

  it('shows only failing findings as failing resources, and waived ones with their waiver', () => {
    const view = build();
    const privileged = check(view, 'pod-no-privileged-containers');
    const wildcard = check(view, 'rbac-no-wildcard-rules');

    expect(privileged.resources.items.map((item) => item.kind)).toEqual(['Pod', 'DaemonSet']);
    expect([privileged.failingCount, privileged.findingCount]).toEqual([2, 3]);
    expect(wildcard.waived.items).toEqual([
      expect.objectContaining({
        display: 'ci/deployer',
        waiver: {
          id: 'w-ci-deployer',
          owner: 'platform-team',
          reason: 'CI migration, INC-4411',
          expires: '2099-06-30',
        },
      }),
    ]);
    expect(ids(section(view, 'customer').waived)).toEqual(['pod-run-as-non-root']);
    expect(check(view, 'pod-run-as-non-root').waived.items[0]?.waiver?.owner).toBe('billing-team');
  });

  it('gives not-evaluated checks their reason, and lists manual items', () => {
    const view = build();

    expect(section(view, 'customer').notEvaluated).toEqual([
      expect.objectContaining({
        id: 'kubelet-anonymous-auth-disabled',
        status: 'not_evaluated',
        reason: 'could not read nodes (forbidden): nodes is forbidden',
      }),
    ]);
    expect(section(view, 'shared').notEvaluated[0]?.reason).toBe(
      'could not read eks.versions (throttled): Rate exceeded',
    );
    expect(section(view, 'customer').manual[0]?.resources.items[0]?.message).toBe(
      'Attest that an admission controller verifies image signatures.',
    );
    expect(view.gaps).toEqual([
      {
        kind: 'nodes',
        reason: 'forbidden',
        message: 'nodes is forbidden: User "watchkeeper" cannot list nodes',
      },
    ]);
  });

  it('falls back to a finding message when a not-evaluated check has no reason', () => {
    const result = sampleResult();
    for (const summary of result.checks) delete summary.reason;

    expect(check(build(result), 'kubelet-anonymous-auth-disabled').reason).toBe(
      'could not read nodes (forbidden): nodes is forbidden',
    );
  });

  it('shows null scores as a dash, and formats the others', () => {
    const view = build();
    const aws = view.scores.byResponsibility.find((score) => score.id === 'aws');

    expect(aws).toMatchObject({
      compliance: null,
      complianceText: '—',
      coverage: null,
      coverageText: '—',
      tone: 'none',
    });
    expect(view.scores.overall).toMatchObject({
      compliance: 25,
      complianceText: '25%',
      passed: 2,
      failed: 6,
    });
    expect(view.scores.overall.counts.map((count) => count.status)).toEqual([
      'pass',
      'fail',
      'not_applicable',
      'not_evaluated',
      'manual',
      'inherited',
      'waived',
    ]);
    expect(aws?.counts.map((count) => [count.status, count.count])).toEqual([
      ['pass', 0],
      ['fail', 0],
      ['inherited', 2],
    ]);
    const restricted = view.scores.byFramework.find((score) => score.id === 'pss-restricted');
    expect(restricted).toMatchObject({ label: 'Pod Security Standards — Restricted', complianceText: '—' });
  });

  it('carries the scoring rules, times and cluster facts', () => {
    const view = build();

    expect(view.scoringRules).toEqual([...SCORING_RULES]);
    expect(view.cluster).toEqual({
      name: 'prod-eu-1',
      accountId: '123456789012',
      region: 'eu-west-1',
      arn: 'arn:aws:eks:eu-west-1:123456789012:cluster/prod-eu-1',
    });
    expect(view.scan).toMatchObject({
      startedAt: '2026-03-01 02:00:00 UTC',
      finishedAt: '2026-03-01 02:01:12 UTC',
      duration: '1m 12s',
    });
    const local = sampleResult();
    local.cluster = { name: 'demo' };
    expect(build(local).cluster).toEqual({ name: 'demo', accountId: '—', region: '—', arn: null });
  });

  it('lists expired waivers with their scope', () => {
    expect(build().waivers.expired).toEqual([
      {
        id: 'w-old-hostpath',
        checkId: 'pod-no-host-path',
        owner: 'sre',
        reason: 'node-exporter needs /proc',
        expires: '2025-01-31',
        scope: 'cluster=prod-*, namespace=monitoring, kind=DaemonSet',
      },
    ]);
  });

  it('caps the resources listed per check and counts the rest', () => {
    const pinned = check(build(), 'image-tag-pinned');
    expect(pinned.resources).toMatchObject({ total: 250, hidden: 150, completeIn: 'result.json' });
    expect(pinned.resources.items).toHaveLength(100);

    const small = check(build(sampleResult(), { maxResourcesPerCheck: 10 }), 'image-tag-pinned');
    expect(small.resources.items).toHaveLength(10);
    expect(small.resources.hidden).toBe(240);
  });

  it('caps untrusted strings and makes invisible characters visible', () => {
    const result = sampleResult();
    const finding = result.findings.find((candidate) => candidate.checkId === 'netpol-default-deny');
    if (!finding) throw new Error('fixture changed');
    finding.message = 'x'.repeat(5000);
    finding.resource.name = 'safe\u202Egnp.exe';

    const item = check(build(result), 'netpol-default-deny').resources.items[0];

    expect(item?.message).toBe(`${'x'.repeat(1000)}… [4000 more characters]`);
    expect(item?.name).toBe('safe\\u{202e}gnp.exe');
  });

  it('reports a check missing from the catalog from the result alone', () => {
    const view = buildReportView(sampleResult(), []);
    const logging = check(view, 'eks-logging-control-plane-enabled');

    expect(logging).toMatchObject({
      title: 'All control-plane log types are enabled',
      catalogMissing: true,
      rationale: null,
      remediation: null,
      docs: [],
    });
  });

  it('is plain data that survives JSON', () => {
    const view = build();
    expect(JSON.parse(JSON.stringify(view))).toStrictEqual(view);
  });

  it('has no changes section without a diff, and says so on the first scan', () => {
    expect(build().changes).toBeNull();

    const first = buildReportView(
      sampleResult(),
      sampleCatalog(),
      {},
      { diff: diffResults(undefined, sampleResult()) },
    );
    expect(first.changes).toMatchObject({
      hasPrevious: false,
      previousScanId: null,
      anyChange: false,
      groups: [],
    });
  });

  it('lists what changed: new failures first, "no longer evaluated" apart from resolved', () => {
    const previous = sampleResult();
    previous.scanId = '20260228T020000Z-0000';
    previous.finishedAt = '2026-02-28T02:01:00.000Z';
    // Before: the node checks could read their data and failed; svc-no-nodeport passed;
    // one more wildcard role failed; the ci/deployer role failed unwaived.
    const kubelet = previous.findings.find((f) => f.checkId === 'kubelet-anonymous-auth-disabled');
    if (!kubelet) throw new Error('fixture changed');
    Object.assign(kubelet, {
      status: 'fail',
      resource: { kind: 'Node', name: 'ip-10-0-1-5' },
      message: 'anonymous auth on',
      path: 'kubeletConfig.authentication.anonymous.enabled',
    });
    const nodeport = previous.findings.find((f) => f.checkId === 'svc-no-nodeport');
    if (nodeport) nodeport.status = 'pass';
    previous.findings.push({
      ...(previous.findings.find(
        (f) => f.checkId === 'rbac-no-wildcard-rules',
      ) as ScanResult['findings'][number]),
      status: 'fail',
      resource: { kind: 'ClusterRole', name: 'old-admin' },
      message: 'ClusterRole old-admin grants * on *.',
    });
    const deployer = previous.findings.find((f) => f.resource.name === 'deployer');
    if (deployer) {
      deployer.status = 'fail';
      delete deployer.waiver;
    }

    const view = buildReportView(
      sampleResult(),
      sampleCatalog(),
      { maxChangesPerList: 1 },
      {
        diff: diffResults(previous, sampleResult()),
      },
    );
    const changes = view.changes;

    expect(changes).toMatchObject({
      hasPrevious: true,
      previousScanId: '20260228T020000Z-0000',
      previousFinishedAt: '2026-02-28 02:01:00 UTC',
      headline: '+1 new failure, \u22121 resolved, 1 no longer evaluated, 1 newly waived',
      anyChange: true,
    });
    expect(changes?.groups.map((group) => [group.id, group.count, group.items.length, group.hidden])).toEqual(
      [
        ['newFailures', 1, 1, 0],
        ['noLongerEvaluated', 1, 1, 0],
        ['resolved', 1, 1, 0],
        ['newlyWaived', 1, 1, 0],
      ],
    );
    const [added, blind, resolved, waived] = changes?.groups.map((group) => group.items[0]) ?? [];
    expect(added).toMatchObject({
      checkId: 'svc-no-nodeport',
      anchor: 'check-svc-no-nodeport',
      display: 'shop/debug',
      transition: 'Passed → Failed',
      nsToken: 'ns:shop',
    });
    expect(blind).toMatchObject({
      checkId: 'kubelet-anonymous-auth-disabled',
      display: 'ip-10-0-1-5',
      transition: 'Failed → Not evaluated',
      note: 'could not read nodes (forbidden): nodes is forbidden',
      severityLabel: 'Critical',
      frameworkTokens: 'fw:cis-eks-1.8.0',
    });
    expect(resolved).toMatchObject({ display: 'old-admin', transition: 'Failed → no longer reported' });
    expect(waived).toMatchObject({
      display: 'ci/deployer',
      transition: 'Failed → Waived',
      note: 'Waiver w-ci-deployer (owner platform-team, until 2099-06-30): CI migration, INC-4411',
    });
    expect(changes?.stillFailing).toBeGreaterThan(200);
  });

  it('caps each kind of change and counts the rest', () => {
    const previous = sampleResult();
    previous.findings = previous.findings.filter((f) => f.checkId !== 'image-tag-pinned');
    const view = buildReportView(
      sampleResult(),
      sampleCatalog(),
      { maxChangesPerList: 10 },
      {
        diff: diffResults(previous, sampleResult()),
      },
    );
    expect(view.changes?.groups[0]).toMatchObject({ id: 'newFailures', count: 250, hidden: 240 });
    expect(view.changes?.groups[0]?.items).toHaveLength(10);
  });

  it('offers filters for every severity, owner, framework and namespace in the report', () => {
    const view = build();

    expect(view.filters.severities.map((option) => option.value)).toEqual([
      'critical',
      'high',
      'medium',
      'low',
      'info',
    ]);
    expect(view.filters.responsibilities).toEqual([
      { value: 'aws', label: 'AWS-managed' },
      { value: 'shared', label: 'Shared' },
      { value: 'customer', label: 'Customer' },
    ]);
    expect(view.filters.frameworks.map((option) => option.value)).toEqual([
      'fw:cis-eks-1.8.0',
      'fw:eks-best-practices',
      'fw:nsa-cisa-1.2',
      'fw:pss-baseline',
      'fw:pss-restricted',
    ]);
    expect(view.filters.namespaces).toEqual([
      { value: 'cluster', label: '(cluster-scoped resources)' },
      { value: 'ns:%22%3E%3Csvg%20onload%3Dalert(1)%3E', label: '"><svg onload=alert(1)>' },
      { value: 'ns:ci', label: 'ci' },
      { value: 'ns:default', label: 'default' },
      { value: 'ns:legacy', label: 'legacy' },
      { value: 'ns:shop', label: 'shop' },
    ]);
    expect(build(sampleResult(), { maxNamespaceOptions: 2 }).filters).toMatchObject({ namespacesHidden: 3 });
    expect(check(view, 'pod-no-privileged-containers')).toMatchObject({
      frameworkTokens: 'fw:pss-baseline fw:cis-eks-1.8.0',
      namespaceTokens: 'ns:default ns:%22%3E%3Csvg%20onload%3Dalert(1)%3E',
    });
  });

  it('starts expanded when the page lists few resources, collapsed when it lists many', () => {
    expect(check(build(), 'image-tag-pinned').expanded).toBe(true);
    expect(check(build(sampleResult(), { expandUpTo: 50 }), 'image-tag-pinned').expanded).toBe(false);
  });
});
