import { describe, expect, it } from 'vitest';
import {
  type Access,
  grantPath,
  isIgnoredName,
  rbacView,
  reachOf,
  ruleGrants,
  selectorMatches,
  subjectIdentity,
  subjectName,
} from '../../functions/checks/lib/rbac.ts';
import type { ClusterSnapshot } from '../../functions/core/model.ts';
import { addObject, newSnapshot } from '../../functions/core/snapshot.ts';

const RBAC = 'rbac.authorization.k8s.io/v1';
const IGNORED = ['system:', 'eks:'];
const READ_SECRETS: Access = { verbs: ['get', 'list', 'watch'], apiGroups: [''], resources: ['secrets'] };

type Obj = { kind: string } & Record<string, unknown>;

function snapshotOf(...objects: Obj[]): ClusterSnapshot {
  const snapshot = newSnapshot({ name: 'test' }, '2026-01-15T00:00:00.000Z', 'test');
  for (const object of objects) {
    if (!addObject(snapshot, { apiVersion: RBAC, ...object })) throw new Error(`unknown kind ${object.kind}`);
  }
  return snapshot;
}

const clusterRole = (name: string, rules: unknown[], extra: Record<string, unknown> = {}): Obj => ({
  kind: 'ClusterRole',
  metadata: { name, ...(extra.labels ? { labels: extra.labels } : {}) },
  rules,
  ...(extra.aggregationRule ? { aggregationRule: extra.aggregationRule } : {}),
});
const role = (namespace: string, name: string, rules: unknown[]): Obj => ({
  kind: 'Role',
  metadata: { name, namespace },
  rules,
});
const binding = (
  kind: 'RoleBinding' | 'ClusterRoleBinding',
  name: string,
  roleRef: { kind: string; name: string },
  subjects: unknown[],
  namespace?: string,
): Obj => ({
  kind,
  metadata: { name, ...(namespace ? { namespace } : {}) },
  roleRef: { apiGroup: 'rbac.authorization.k8s.io', ...roleRef },
  subjects,
});
const group = (name: string) => ({ apiGroup: 'rbac.authorization.k8s.io', kind: 'Group', name });
const readSecrets = { apiGroups: [''], resources: ['secrets'], verbs: ['get'] };
const readPods = { apiGroups: [''], resources: ['pods'], verbs: ['get', 'list'] };

describe('ClusterRole aggregation', () => {
  const aggregated = (selectors: unknown[]) =>
    clusterRole('agg', [], { aggregationRule: { clusterRoleSelectors: selectors } });

  it('adds the rules of every ClusterRole whose labels match a selector, crediting the source', () => {
    const view = rbacView(
      snapshotOf(
        aggregated([{ matchLabels: { 'example.com/agg': 'true' } }]),
        clusterRole('b-secrets', [readSecrets], { labels: { 'example.com/agg': 'true' } }),
        clusterRole('a-pods', [readPods], { labels: { 'example.com/agg': 'true' } }),
        clusterRole('unlabelled', [{ apiGroups: ['*'], resources: ['*'], verbs: ['*'] }]),
        clusterRole('other-value', [readSecrets], { labels: { 'example.com/agg': 'false' } }),
      ),
      IGNORED,
    );
    const rules = view.effectiveRules({ kind: 'ClusterRole', name: 'agg' });
    expect(rules.map((r) => [r.source.name, r.index, r.aggregated])).toEqual([
      ['a-pods', 0, true],
      ['b-secrets', 0, true],
    ]);
  });

  it('follows matchExpressions (In, NotIn, Exists, DoesNotExist) and never selects itself', () => {
    const labels = { tier: 'ops', team: 'blue' };
    expect(
      selectorMatches({ matchExpressions: [{ key: 'tier', operator: 'In', values: ['ops'] }] }, labels),
    ).toBe(true);
    expect(
      selectorMatches({ matchExpressions: [{ key: 'tier', operator: 'NotIn', values: ['ops'] }] }, labels),
    ).toBe(false);
    expect(
      selectorMatches({ matchExpressions: [{ key: 'x', operator: 'NotIn', values: ['ops'] }] }, labels),
    ).toBe(true);
    expect(selectorMatches({ matchExpressions: [{ key: 'team', operator: 'Exists' }] }, labels)).toBe(true);
    expect(selectorMatches({ matchExpressions: [{ key: 'team', operator: 'DoesNotExist' }] }, labels)).toBe(
      false,
    );
    expect(selectorMatches({ matchExpressions: [{ key: 'team', operator: 'Bogus' }] }, labels)).toBe(false);
    expect(selectorMatches({}, undefined)).toBe(true);

    // An empty selector selects every other ClusterRole, but not the aggregated role itself.
    const view = rbacView(snapshotOf(aggregated([{}]), clusterRole('x', [readPods])), IGNORED);
    expect(view.effectiveRules({ kind: 'ClusterRole', name: 'agg' }).map((r) => r.source.name)).toEqual([
      'x',
    ]);
  });

  it('is transitive, and stops on aggregation cycles', () => {
    const view = rbacView(
      snapshotOf(
        clusterRole('top', [], {
          labels: { name: 'top' },
          aggregationRule: { clusterRoleSelectors: [{ matchLabels: { to: 'top' } }] },
        }),
        clusterRole('middle', [readPods], {
          labels: { to: 'top' },
          aggregationRule: { clusterRoleSelectors: [{ matchLabels: { to: 'middle' } }] },
        }),
        clusterRole('leaf', [readSecrets], {
          labels: { to: 'middle' },
          // leaf selects top: a cycle top → middle → leaf → top.
          aggregationRule: { clusterRoleSelectors: [{ matchLabels: { name: 'top' } }] },
        }),
      ),
      IGNORED,
    );
    const sources = view.effectiveRules({ kind: 'ClusterRole', name: 'top' }).map((r) => r.source.name);
    expect(sources.sort()).toEqual(['leaf', 'middle']);
  });

  it('credits rules the controller already copied into the aggregated role to their source', () => {
    // How a live cluster stores an aggregated role: the sources' rules copied into `rules`,
    // plus (here) one rule of its own that no source holds.
    const own = { apiGroups: ['apps'], resources: ['deployments'], verbs: ['get'] };
    const view = rbacView(
      snapshotOf(
        clusterRole('agg', [readSecrets, own], {
          aggregationRule: { clusterRoleSelectors: [{ matchLabels: { agg: 'yes' } }] },
        }),
        clusterRole('src', [readSecrets], { labels: { agg: 'yes' } }),
      ),
      IGNORED,
    );
    const rules = view.effectiveRules({ kind: 'ClusterRole', name: 'agg' });
    expect(rules.map((r) => `${r.source.name}#${r.index}:${r.aggregated}`)).toEqual([
      'agg#1:false',
      'src#0:true',
    ]);
  });

  it('gives secrets read reach through an aggregated role, naming the grant path', () => {
    const view = rbacView(
      snapshotOf(
        clusterRole('monitoring', [], {
          aggregationRule: { clusterRoleSelectors: [{ matchLabels: { 'aggregate-to-monitoring': 'true' } }] },
        }),
        clusterRole('peek', [{ apiGroups: [''], resources: ['secrets'], verbs: ['list'] }], {
          labels: { 'aggregate-to-monitoring': 'true' },
        }),
        binding('ClusterRoleBinding', 'monitoring', { kind: 'ClusterRole', name: 'monitoring' }, [
          group('mon'),
        ]),
      ),
      IGNORED,
    );
    const [reach, ...rest] = reachOf(view, READ_SECRETS);
    if (!reach) throw new Error('expected the group to reach secrets');
    expect(rest).toEqual([]);
    expect(reach.binding.scope).toBeUndefined();
    expect(reach.rules.map((r) => grantPath(reach.binding, r.rule))).toEqual([
      'ClusterRoleBinding monitoring → ClusterRole monitoring ⇐ aggregated from ClusterRole peek rules[0]',
    ]);
  });
});

describe('binding resolution and scope', () => {
  it('a RoleBinding to a ClusterRole reaches only the binding namespace', () => {
    const view = rbacView(
      snapshotOf(
        clusterRole('secret-reader', [readSecrets]),
        binding(
          'RoleBinding',
          'ci',
          { kind: 'ClusterRole', name: 'secret-reader' },
          [{ kind: 'ServiceAccount', name: 'deployer', namespace: 'ci' }],
          'shop',
        ),
      ),
      IGNORED,
    );
    const [reach] = reachOf(view, READ_SECRETS);
    if (!reach) throw new Error('expected the service account to reach secrets');
    expect(reach.binding.scope).toBe('shop');
    expect(reach.binding.resource).toMatchObject({ kind: 'RoleBinding', namespace: 'shop', name: 'ci' });
    expect(subjectName(reach.subject, reach.binding.scope)).toBe('ServiceAccount ci/deployer');
  });

  it('a RoleBinding to a Role uses the Role of its own namespace only', () => {
    const view = rbacView(
      snapshotOf(
        role('other', 'reader', [readSecrets]),
        role('shop', 'reader', [readPods]),
        binding('RoleBinding', 'r', { kind: 'Role', name: 'reader' }, [group('g')], 'shop'),
      ),
      IGNORED,
    );
    expect(reachOf(view, READ_SECRETS)).toEqual([]);
    expect(view.bindings[0]?.role?.id).toEqual({ kind: 'Role', name: 'reader', namespace: 'shop' });
  });

  it('a ClusterRoleBinding cannot refer to a Role, and a missing role grants nothing', () => {
    const view = rbacView(
      snapshotOf(
        role('default', 'reader', [readSecrets]),
        binding('ClusterRoleBinding', 'bad', { kind: 'Role', name: 'reader' }, [group('g')]),
        binding('ClusterRoleBinding', 'dangling', { kind: 'ClusterRole', name: 'gone' }, [group('g')]),
      ),
      IGNORED,
    );
    expect(view.bindings.map((b) => b.role)).toEqual([undefined, undefined]);
    expect(reachOf(view, READ_SECRETS)).toEqual([]);
  });

  it('a ServiceAccount subject without a namespace takes the RoleBinding’s', () => {
    const subject = { kind: 'ServiceAccount', name: 'default' };
    expect(subjectName(subject, 'shop')).toBe('ServiceAccount shop/default');
    expect(subjectIdentity(subject, 'shop')).toBe('system:serviceaccount:shop:default');
    expect(subjectIdentity({ kind: 'Group', name: 'system:masters' })).toBe('system:masters');
  });
});

describe('rule matching', () => {
  it('treats * in verbs, apiGroups and resources as matching anything', () => {
    expect(ruleGrants({ apiGroups: ['*'], resources: ['secrets'], verbs: ['get'] }, READ_SECRETS)).toEqual({
      verbs: ['get'],
      apiGroups: ['*'],
      resources: ['secrets'],
    });
    expect(ruleGrants({ apiGroups: [''], resources: ['*'], verbs: ['*'] }, READ_SECRETS)).toEqual({
      verbs: ['*'],
      apiGroups: [''],
      resources: ['*'],
    });
  });

  it('needs every part to match: verb, group and resource', () => {
    expect(
      ruleGrants({ apiGroups: [''], resources: ['secrets'], verbs: ['create'] }, READ_SECRETS),
    ).toBeUndefined();
    expect(
      ruleGrants({ apiGroups: ['apps'], resources: ['secrets'], verbs: ['get'] }, READ_SECRETS),
    ).toBeUndefined();
    expect(
      ruleGrants({ apiGroups: [''], resources: ['secrets/status'], verbs: ['get'] }, READ_SECRETS),
    ).toBeUndefined();
    expect(ruleGrants({ nonResourceURLs: ['*'], verbs: ['*'] }, READ_SECRETS)).toBeUndefined();
  });

  it('matches subresources like the authorizer, including */subresource and a wanted prefix', () => {
    const exec: Access = { verbs: ['create'], apiGroups: [''], resources: ['pods/exec'] };
    expect(ruleGrants({ apiGroups: [''], resources: ['*/exec'], verbs: ['create'] }, exec)).toBeDefined();
    expect(ruleGrants({ apiGroups: [''], resources: ['pods'], verbs: ['create'] }, exec)).toBeUndefined();
    const extras: Access = {
      verbs: ['impersonate'],
      apiGroups: ['authentication.k8s.io'],
      resources: ['userextras/*'],
    };
    expect(
      ruleGrants(
        { apiGroups: ['authentication.k8s.io'], resources: ['userextras/scopes'], verbs: ['impersonate'] },
        extras,
      ),
    ).toBeDefined();
  });
});

describe('built-in exclusions', () => {
  it('leaves out bindings whose names start with an ignored prefix, but not their roles', () => {
    const snapshot = snapshotOf(
      clusterRole('system:controller:x', [readSecrets]),
      binding(
        'ClusterRoleBinding',
        'system:controller:x',
        { kind: 'ClusterRole', name: 'system:controller:x' },
        [group('g')],
      ),
      binding('ClusterRoleBinding', 'eks:something', { kind: 'ClusterRole', name: 'system:controller:x' }, [
        group('g'),
      ]),
      binding('ClusterRoleBinding', 'custom', { kind: 'ClusterRole', name: 'system:controller:x' }, [
        group('team'),
      ]),
    );
    const view = rbacView(snapshot, IGNORED);
    expect(view.bindings.map((b) => b.resource.name)).toEqual(['custom']);
    expect(reachOf(view, READ_SECRETS).map((r) => r.subject.name)).toEqual(['team']);
    // With no prefixes configured every binding counts; an empty prefix ignores nothing.
    expect(rbacView(snapshot, []).bindings).toHaveLength(3);
    expect(rbacView(snapshot, ['']).bindings).toHaveLength(3);
  });

  it('matches names by prefix only', () => {
    expect(isIgnoredName('system:masters', IGNORED)).toBe(true);
    expect(isIgnoredName('eks:node-manager', IGNORED)).toBe(true);
    expect(isIgnoredName('my-system:role', IGNORED)).toBe(false);
  });
});
