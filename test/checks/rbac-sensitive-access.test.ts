import { describe, expect, it } from 'vitest';
import { eksAccessEntriesClusterAdminLimited } from '../../functions/checks/eks/eks-access-entries-cluster-admin-limited.ts';
import {
  type EffectiveRule,
  grantsOfRule,
  rbacView,
  reachOfGrants,
  type SensitiveGrant,
} from '../../functions/checks/lib/rbac.ts';
import { rbacNodeProxyAccessLimited } from '../../functions/checks/rbac/rbac-node-proxy-access-limited.ts';
import { rbacPodCreationLimited } from '../../functions/checks/rbac/rbac-pod-creation-limited.ts';
import { rbacServiceAccountTokenCreationLimited } from '../../functions/checks/rbac/rbac-service-account-token-creation-limited.ts';
import type { Check, CheckParams, ClusterSnapshot } from '../../functions/core/model.ts';
import { DEFAULT_PARAMS } from '../../functions/core/params.ts';
import { addObject } from '../../functions/core/snapshot.ts';
import { buildSnapshot } from '../helpers/fixtures.ts';

// Hand-written cases for the "who holds this sensitive access" checks: how resourceNames and
// cluster-scoped resources narrow a grant, and that the allow-lists come from params.

const RBAC = 'rbac.authorization.k8s.io/v1';
type Obj = { kind: string } & Record<string, unknown>;

function withObjects(...objects: Obj[]): ClusterSnapshot {
  const snapshot = buildSnapshot();
  for (const object of objects) addObject(snapshot, { apiVersion: RBAC, ...object });
  return snapshot;
}

const params = (overrides: Partial<CheckParams>): CheckParams => ({ ...DEFAULT_PARAMS, ...overrides });

function clusterGrant(name: string, rules: unknown[], subject: Record<string, unknown>): Obj[] {
  return [
    { kind: 'ClusterRole', metadata: { name }, rules },
    {
      kind: 'ClusterRoleBinding',
      metadata: { name },
      roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name },
      subjects: [subject],
    },
  ];
}

function statusOf(check: Check, snapshot: ClusterSnapshot, binding: string, p: CheckParams = DEFAULT_PARAMS) {
  return check
    .evaluate(snapshot, p)
    .filter((o) => o.resource.name === binding)
    .map((o) => o.status);
}

const effective = (rule: Record<string, unknown>): EffectiveRule => ({
  rule,
  source: { kind: 'ClusterRole', name: 'r' },
  index: 0,
  aggregated: false,
});

describe('sensitive grants', () => {
  const createPods: SensitiveGrant = {
    access: { verbs: ['create'], apiGroups: [''], resources: ['pods'] },
    nameable: false,
  };
  const patchConfigMaps: SensitiveGrant = {
    access: { verbs: ['patch'], apiGroups: [''], resources: ['configmaps'] },
    nameable: true,
  };

  it('a rule with resourceNames never grants a create on a collection', () => {
    // Prepare
    const named = effective({ apiGroups: [''], resources: ['pods'], verbs: ['*'], resourceNames: ['x'] });
    const unnamed = effective({ apiGroups: [''], resources: ['pods'], verbs: ['*'] });

    // Act / Assess
    expect(grantsOfRule(named, [createPods])).toEqual([]);
    expect(grantsOfRule(unnamed, [createPods])).toHaveLength(1);
  });

  it('a nameable grant counts only when resourceNames include the target object', () => {
    const rule = effective({
      apiGroups: [''],
      resources: ['configmaps'],
      verbs: ['patch'],
      resourceNames: ['coredns'],
    });
    expect(grantsOfRule(rule, [patchConfigMaps], { objectName: 'aws-auth' })).toEqual([]);
    expect(grantsOfRule(rule, [patchConfigMaps], { objectName: 'coredns' })).toHaveLength(1);
    // Without a target, a limited grant is still a grant (reported with the names).
    expect(grantsOfRule(rule, [patchConfigMaps])).toHaveLength(1);
  });

  it('a RoleBinding grants nothing on a cluster-scoped resource, a ClusterRoleBinding does', () => {
    // Prepare
    const wildcard = [{ apiGroups: [''], resources: ['*'], verbs: ['*'] }];
    const snapshot = withObjects(
      { kind: 'ClusterRole', metadata: { name: 'everything' }, rules: wildcard },
      {
        kind: 'RoleBinding',
        metadata: { name: 'ns-everything', namespace: 'shop' },
        roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: 'everything' },
        subjects: [{ kind: 'Group', name: 'shop-team' }],
      },
      {
        kind: 'ClusterRoleBinding',
        metadata: { name: 'all-everything' },
        roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: 'everything' },
        subjects: [{ kind: 'Group', name: 'platform' }],
      },
    );
    const createPvs: SensitiveGrant = {
      access: { verbs: ['create'], apiGroups: [''], resources: ['persistentvolumes'] },
      nameable: false,
      clusterScoped: true,
    };

    // Act
    const reach = reachOfGrants(rbacView(snapshot, ['system:', 'eks:']), [createPvs]);

    // Assess
    // The baseline's cluster-admin binding (system:masters) reaches everything too.
    expect(reach.map((r) => r.binding.resource.name)).toEqual(['cluster-admin', 'all-everything']);
  });

  it('a target namespace leaves out RoleBindings of other namespaces, not ClusterRoleBindings', () => {
    const snapshot = withObjects(
      {
        kind: 'ClusterRole',
        metadata: { name: 'cm-writer' },
        rules: [{ apiGroups: [''], resources: ['configmaps'], verbs: ['patch'] }],
      },
      {
        kind: 'RoleBinding',
        metadata: { name: 'in-shop', namespace: 'shop' },
        roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: 'cm-writer' },
        subjects: [{ kind: 'Group', name: 'shop-team' }],
      },
      {
        kind: 'RoleBinding',
        metadata: { name: 'in-kube-system', namespace: 'kube-system' },
        roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: 'cm-writer' },
        subjects: [{ kind: 'Group', name: 'platform' }],
      },
    );
    const reach = reachOfGrants(rbacView(snapshot, []), [patchConfigMaps], { namespace: 'kube-system' });
    expect(reach.map((r) => r.binding.resource.name)).toEqual(['cluster-admin', 'in-kube-system']);
  });

  it('allBindings keeps the built-in bindings that bindings leaves out', () => {
    const snapshot = withObjects(
      ...clusterGrant('system:thing', [], { kind: 'Group', name: 'x' }),
      ...clusterGrant('custom', [], { kind: 'Group', name: 'y' }),
    );
    const view = rbacView(snapshot, ['system:']);
    expect(view.bindings.map((b) => b.resource.name)).not.toContain('system:thing');
    expect(view.allBindings.map((b) => b.resource.name)).toEqual(
      expect.arrayContaining(['system:thing', 'custom']),
    );
  });
});

describe('sensitive access parameters', () => {
  it('podCreationAllowedSubjects approves a deployer service account by its user name', () => {
    const snapshot = withObjects(
      ...clusterGrant(
        'deployer',
        [{ apiGroups: ['apps'], resources: ['deployments'], verbs: ['create', 'patch'] }],
        {
          kind: 'ServiceAccount',
          name: 'deployer',
          namespace: 'ci',
        },
      ),
    );
    expect(statusOf(rbacPodCreationLimited, snapshot, 'deployer')).toEqual(['fail']);
    expect(
      statusOf(
        rbacPodCreationLimited,
        snapshot,
        'deployer',
        params({ podCreationAllowedSubjects: ['system:serviceaccount:ci:deployer'] }),
      ),
    ).toEqual(['pass']);
  });

  it('nodeProxyAllowedSubjects holds the scanner group by default and can be emptied', () => {
    const snapshot = withObjects(
      ...clusterGrant(
        'watchkeeper-kubelet-config-reader',
        [{ apiGroups: [''], resources: ['nodes/proxy'], verbs: ['get'] }],
        {
          kind: 'Group',
          name: 'watchkeeper-readers',
        },
      ),
    );
    const name = 'watchkeeper-kubelet-config-reader';
    expect(statusOf(rbacNodeProxyAccessLimited, snapshot, name)).toEqual(['pass']);
    expect(
      statusOf(rbacNodeProxyAccessLimited, snapshot, name, params({ nodeProxyAllowedSubjects: [] })),
    ).toEqual(['fail']);
  });

  it('the failure names the subject, the grant and the grant path', () => {
    const snapshot = withObjects(
      ...clusterGrant(
        'minter',
        [{ apiGroups: [''], resources: ['serviceaccounts/token'], verbs: ['create'] }],
        {
          kind: 'User',
          name: 'erin@example.com',
        },
      ),
    );
    const [finding] = rbacServiceAccountTokenCreationLimited
      .evaluate(snapshot, DEFAULT_PARAMS)
      .filter((o) => o.status === 'fail');
    expect(finding?.path).toBe('subjects[0]');
    expect(finding?.evidence).toMatchObject({
      subject: 'User erin@example.com',
      grantPath: 'ClusterRoleBinding minter → ClusterRole minter rules[0]',
      reach: 'cluster-wide',
    });
    expect(finding?.message).toContain('create on serviceaccounts/token');
  });

  it('eksClusterAdminAllowedPrincipals approves a break-glass access entry', () => {
    const snapshot = buildSnapshot({
      eks: {
        accessEntries: [
          {
            principalArn: 'arn:aws:iam::111122223333:role/BreakGlass',
            accessPolicies: [
              {
                policyArn: 'arn:aws:eks::aws:cluster-access-policy/AmazonEKSClusterAdminPolicy',
                accessScope: { type: 'cluster' },
              },
            ],
          },
        ],
      },
    });
    const statuses = (p: CheckParams) =>
      eksAccessEntriesClusterAdminLimited.evaluate(snapshot, p).map((o) => o.status);
    expect(statuses(DEFAULT_PARAMS)).toEqual(['fail']);
    expect(
      statuses(params({ eksClusterAdminAllowedPrincipals: ['arn:aws:iam::111122223333:role/BreakGlass'] })),
    ).toEqual(['pass']);
  });
});
