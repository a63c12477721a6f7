import { describe, expect, it } from 'vitest';
import { CHECKS } from '../../functions/checks/index.ts';
import { snapshotFromManifests } from '../../functions/collect/offline.ts';
import { policyFromConfig } from '../../functions/config/config.ts';
import { evaluate } from '../../functions/core/engine.ts';
import type { Check, Policy, SystemComponent } from '../../functions/core/model.ts';
import { DEFAULT_PARAMS } from '../../functions/core/params.ts';
import { newSnapshot } from '../../functions/core/snapshot.ts';
import {
  DEFAULT_SYSTEM_COMPONENTS,
  matchSystemComponent,
  SYSTEM_COMPONENT_OWNER,
} from '../../functions/core/system-components.ts';
import { buildSnapshot } from '../helpers/fixtures.ts';

const COLLECTED_AT = '2026-06-01T00:00:00.000Z';

/** Fails hostNetwork for each named DaemonSet in kube-system and a Deployment elsewhere. */
const hostNetwork: Check = {
  id: 'pod-host-namespaces-not-shared',
  title: 'Pods do not share host namespaces',
  severity: 'high',
  responsibility: 'customer',
  frameworks: [{ framework: 'cis-eks-1.8.0', requirement: '4.2.4' }],
  reads: [],
  rationale: 'why',
  remediation: { summary: 'fix it' },
  docs: ['https://example.com'],
  evaluate: () => [
    {
      status: 'fail',
      resource: { kind: 'DaemonSet', namespace: 'kube-system', name: 'aws-node' },
      message: 'm',
    },
    {
      status: 'fail',
      resource: { kind: 'DaemonSet', namespace: 'kube-system', name: 'kube-proxy' },
      message: 'm',
    },
    {
      status: 'fail',
      resource: { kind: 'Pod', namespace: 'kube-system', name: 'aws-node-x1' },
      message: 'm',
    },
    { status: 'fail', resource: { kind: 'DaemonSet', namespace: 'shop', name: 'aws-node' }, message: 'm' },
    {
      status: 'pass',
      resource: { kind: 'Deployment', namespace: 'kube-system', name: 'coredns' },
      message: 'm',
    },
  ],
};

const otherCheck: Check = {
  ...hostNetwork,
  id: 'pod-images-pinned',
  frameworks: [{ framework: 'nsa-cisa-1.2', requirement: 'image-security' }],
};

function run(checks: Check[], policy: Policy) {
  return evaluate({
    snapshot: newSnapshot({ name: 'prod' }, COLLECTED_AT, 'test'),
    checks,
    policy,
    scanId: 's',
    startedAt: COLLECTED_AT,
    now: () => COLLECTED_AT,
  });
}

const base: Policy = { params: DEFAULT_PARAMS, waivers: [], severityOverrides: {} };

describe('system components', () => {
  it('turns a listed add-on’s failures of the listed checks into waived findings with the reason', () => {
    const result = run([hostNetwork], { ...base, systemComponents: [...DEFAULT_SYSTEM_COMPONENTS] });
    expect(
      result.findings.map((f) => [f.resource.kind, f.resource.namespace, f.resource.name, f.status]),
    ).toEqual([
      ['DaemonSet', 'kube-system', 'aws-node', 'waived'],
      ['DaemonSet', 'kube-system', 'kube-proxy', 'waived'],
      // A pod reported on its own (it differs from the template) is not exempted, nor is a look-alike elsewhere.
      ['Pod', 'kube-system', 'aws-node-x1', 'fail'],
      ['DaemonSet', 'shop', 'aws-node', 'fail'],
      ['Deployment', 'kube-system', 'coredns', 'pass'],
    ]);
    expect(result.findings[0]?.waiver).toEqual({
      id: 'system-component:aws-node',
      owner: SYSTEM_COMPONENT_OWNER,
      reason: expect.stringContaining('VPC CNI must program the node network'),
      expires: 'never',
    });
    expect(result.checks[0]?.counts).toMatchObject({ waived: 2, fail: 2, pass: 1 });
  });

  it('lists the exemptions in result.waivers.exempted, apart from configured waivers', () => {
    const result = run([hostNetwork], { ...base, systemComponents: [...DEFAULT_SYSTEM_COMPONENTS] });
    expect(result.waivers.exempted).toEqual([
      expect.objectContaining({
        id: 'system-component:aws-node',
        name: 'aws-node',
        owner: SYSTEM_COMPONENT_OWNER,
        namespace: 'kube-system',
        kind: 'DaemonSet',
        resourceName: 'aws-node',
        checks: ['pod-host-namespaces-not-shared'],
        findings: 1,
      }),
      expect.objectContaining({ id: 'system-component:kube-proxy', findings: 1 }),
    ]);
    expect(result.waivers.applied).toEqual([]);
  });

  it('leaves checks a component does not list alone', () => {
    const result = run([otherCheck], { ...base, systemComponents: [...DEFAULT_SYSTEM_COMPONENTS] });
    expect(result.findings.filter((f) => f.status === 'waived')).toEqual([]);
    expect(result.waivers.exempted).toEqual([]);
  });

  it('exempts nothing when the policy lists no components (absent or [])', () => {
    for (const policy of [base, { ...base, systemComponents: [] }]) {
      const result = run([hostNetwork], policy);
      expect(result.findings.filter((f) => f.status === 'waived')).toEqual([]);
    }
  });

  it('lets a configured waiver win over a component, so its owner and expiry show', () => {
    const result = run([hostNetwork], {
      ...base,
      systemComponents: [...DEFAULT_SYSTEM_COMPONENTS],
      waivers: [
        {
          id: 'cni-review',
          checkId: 'pod-host-namespaces-not-shared',
          scope: { namespace: 'kube-system', name: 'aws-node' },
          reason: 'reviewed by the platform team',
          owner: 'platform',
          expires: '2027-01-01',
        },
      ],
    });
    expect(result.findings[0]?.waiver?.id).toBe('cni-review');
    expect(result.waivers.applied.map((w) => w.id)).toEqual(['cni-review']);
    expect(result.waivers.exempted?.map((e) => e.id)).toEqual(['system-component:kube-proxy']);
  });

  it('matches namespace and name by glob, kind exactly, and uses a configured owner', () => {
    const calico: SystemComponent = {
      name: 'calico',
      namespace: 'calico-*',
      kind: 'DaemonSet',
      resourceName: 'calico-node*',
      checks: ['pod-containers-not-privileged'],
      reason: 'Calico programs the node network',
      owner: 'platform-team',
    };
    const at = (kind: string, namespace: string | undefined, name: string) =>
      matchSystemComponent([calico], 'pod-containers-not-privileged', {
        kind,
        name,
        ...(namespace ? { namespace } : {}),
      });
    expect(at('DaemonSet', 'calico-system', 'calico-node')?.waiver).toEqual({
      id: 'system-component:calico',
      owner: 'platform-team',
      reason: 'Calico programs the node network',
      expires: 'never',
    });
    expect(at('DaemonSet', 'calico-system', 'calico-node-windows')).toBeDefined();
    expect(at('Deployment', 'calico-system', 'calico-node')).toBeUndefined();
    expect(at('DaemonSet', 'kube-system', 'calico-node')).toBeUndefined();
    expect(at('DaemonSet', undefined, 'calico-node')).toBeUndefined();
    expect(
      matchSystemComponent([calico], 'pod-host-ports-not-used', {
        kind: 'DaemonSet',
        namespace: 'calico-system',
        name: 'calico-node',
      }),
    ).toBeUndefined();
  });
});

describe('default system components', () => {
  it('name only registered checks, have unique names and give a reason', () => {
    const ids = new Set(CHECKS.map((c) => c.id));
    const unknown = DEFAULT_SYSTEM_COMPONENTS.flatMap((c) =>
      c.checks.filter((id) => !ids.has(id)).map((id) => `${c.name}: ${id}`),
    );
    expect(unknown, 'default system components name checks that are not registered').toEqual([]);
    const names = DEFAULT_SYSTEM_COMPONENTS.map((c) => c.name);
    expect(new Set(names).size).toBe(names.length);
    for (const component of DEFAULT_SYSTEM_COMPONENTS) expect(component.reason.length).toBeGreaterThan(40);
  });

  it('cover the EKS add-ons the issue names', () => {
    expect(DEFAULT_SYSTEM_COMPONENTS.map((c) => c.name)).toEqual(
      expect.arrayContaining([
        'aws-node',
        'kube-proxy',
        'coredns',
        'ebs-csi-node',
        'ebs-csi-controller',
        'efs-csi-node',
        'eks-pod-identity-agent',
        'aws-guardduty-agent',
      ]),
    );
  });

  it('pass config validation as they are', () => {
    const policy = policyFromConfig(
      { systemComponents: DEFAULT_SYSTEM_COMPONENTS },
      CHECKS.map((c) => c.id),
    );
    expect(policy.systemComponents).toEqual(DEFAULT_SYSTEM_COMPONENTS);
  });

  it('leave the compliant baseline cluster untouched (nothing there is a system component)', () => {
    const snapshot = buildSnapshot();
    const result = evaluate({
      snapshot,
      checks: CHECKS,
      policy: policyFromConfig(
        {},
        CHECKS.map((c) => c.id),
      ),
      scanId: 'baseline',
      startedAt: snapshot.collectedAt,
      now: () => snapshot.collectedAt,
    });
    expect(result.waivers.exempted).toEqual([]);
  });
});

describe('system components on the demo cluster', () => {
  it('reports the VPC CNI’s privileges as waived with the reason, and user workloads still fail', async () => {
    const dir = new URL('../../examples/demo-cluster/', import.meta.url).pathname;
    const { snapshot } = await snapshotFromManifests(dir, { now: () => new Date(COLLECTED_AT) });
    const result = evaluate({
      snapshot,
      checks: CHECKS,
      policy: policyFromConfig(
        {},
        CHECKS.map((c) => c.id),
      ),
      scanId: 'demo',
      startedAt: COLLECTED_AT,
      now: () => COLLECTED_AT,
    });
    const awsNode = result.findings.filter(
      (f) => f.checkId === 'pod-containers-not-privileged' && f.resource.name === 'aws-node',
    );
    expect(awsNode.length).toBeGreaterThan(0);
    for (const finding of awsNode) {
      expect(finding).toMatchObject({ status: 'waived', waiver: { id: 'system-component:aws-node' } });
    }
    expect(result.waivers.exempted?.map((e) => e.name)).toEqual(
      expect.arrayContaining(['aws-node', 'kube-proxy']),
    );
    const listed = (name: string) => DEFAULT_SYSTEM_COMPONENTS.find((c) => c.name === name)?.checks ?? [];
    const kubeSystemFails = result.findings.filter(
      (f) =>
        f.status === 'fail' &&
        f.resource.namespace === 'kube-system' &&
        ['aws-node', 'kube-proxy'].includes(f.resource.name) &&
        listed(f.resource.name).includes(f.checkId),
    );
    expect(kubeSystemFails.map((f) => `${f.checkId} ${f.resource.name} ${f.path}`)).toEqual([]);
    expect(
      result.findings.some(
        (f) => f.status === 'fail' && f.resource.namespace !== 'kube-system' && f.checkId.startsWith('pod-'),
      ),
    ).toBe(true);
  });
});
