import { describe, expect, it } from 'vitest';
import { rbacClusterAdminBindingsLimited } from '../../functions/checks/rbac/rbac-cluster-admin-bindings-limited.ts';
import { rbacSecretsReadLimited } from '../../functions/checks/rbac/rbac-secrets-read-limited.ts';
import { rbacServiceAccountTokenAutomountDisabled } from '../../functions/checks/rbac/rbac-service-account-token-automount-disabled.ts';
import type { CheckParams, ClusterSnapshot } from '../../functions/core/model.ts';
import { DEFAULT_PARAMS } from '../../functions/core/params.ts';
import { addObject } from '../../functions/core/snapshot.ts';
import { buildSnapshot } from '../helpers/fixtures.ts';

// The fixture runner uses the default parameters; these tests show the RBAC checks read
// their tunables from params rather than from constants.

function withObjects(...objects: ({ kind: string } & Record<string, unknown>)[]): ClusterSnapshot {
  const snapshot = buildSnapshot();
  for (const object of objects) addObject(snapshot, object);
  return snapshot;
}

const params = (overrides: Partial<CheckParams>): CheckParams => ({ ...DEFAULT_PARAMS, ...overrides });

const ciClusterAdmin = {
  apiVersion: 'rbac.authorization.k8s.io/v1',
  kind: 'ClusterRoleBinding',
  metadata: { name: 'ci-admin' },
  roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: 'cluster-admin' },
  subjects: [{ kind: 'ServiceAccount', name: 'deployer', namespace: 'ci' }],
};

describe('RBAC check parameters', () => {
  it('clusterAdminAllowedSubjects matches a service account by its user name', () => {
    const snapshot = withObjects(ciClusterAdmin);
    const statuses = (p: CheckParams) =>
      rbacClusterAdminBindingsLimited
        .evaluate(snapshot, p)
        .filter((o) => o.resource.name === 'ci-admin')
        .map((o) => o.status);
    expect(statuses(DEFAULT_PARAMS)).toEqual(['fail']);
    expect(
      statuses(
        params({ clusterAdminAllowedSubjects: ['system:masters', 'system:serviceaccount:ci:deployer'] }),
      ),
    ).toEqual(['pass']);
  });

  it('the grant path names the binding, the role and the rule index', () => {
    const [finding] = rbacClusterAdminBindingsLimited
      .evaluate(withObjects(ciClusterAdmin), DEFAULT_PARAMS)
      .filter((o) => o.status === 'fail');
    expect(finding?.evidence?.grantPath).toBe(
      'ClusterRoleBinding ci-admin → ClusterRole cluster-admin rules[0]',
    );
    expect(finding?.message).toContain('ServiceAccount ci/deployer');
  });

  it('rbacIgnoredPrefixes decides which bindings count as built-in', () => {
    const snapshot = withObjects({ ...ciClusterAdmin, metadata: { name: 'platform:ci-admin' } });
    const failing = (p: CheckParams) =>
      rbacSecretsReadLimited.evaluate(snapshot, p).filter((o) => o.status === 'fail').length;
    expect(failing(DEFAULT_PARAMS)).toBe(1);
    expect(failing(params({ rbacIgnoredPrefixes: ['system:', 'eks:', 'platform:'] }))).toBe(0);
  });

  it('tokenAutomountAllowedNamespaces turns a mounted token into an allowed pass', () => {
    const snapshot = withObjects({
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: { name: 'agent', namespace: 'observability' },
      spec: { serviceAccountName: 'agent', containers: [{ name: 'agent', image: 'agent:1' }] },
    });
    const status = (p: CheckParams) =>
      rbacServiceAccountTokenAutomountDisabled.evaluate(snapshot, p).find((o) => o.resource.name === 'agent')
        ?.status;
    expect(status(DEFAULT_PARAMS)).toBe('fail');
    expect(status(params({ tokenAutomountAllowedNamespaces: ['kube-system', 'observability'] }))).toBe(
      'pass',
    );
  });
});
