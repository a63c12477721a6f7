import { describe, expect, it } from 'vitest';
import {
  albListenerProtocols,
  allowAllReason,
  defaultDenyVerdict,
  indexLabels,
  indexSelectors,
  policyDirections,
  selectorMatches,
} from '../../functions/checks/lib/network.ts';
import { networkPoliciesSelectPods } from '../../functions/checks/network/network-policies-select-pods.ts';
import { networkWorkloadsSelectedByPolicy } from '../../functions/checks/network/network-workloads-selected-by-policy.ts';
import type { Ingress, LabelSelector, NetworkPolicy } from '../../functions/core/k8s-types.ts';
import type { ClusterSnapshot } from '../../functions/core/model.ts';
import { DEFAULT_PARAMS } from '../../functions/core/params.ts';
import { addObject, newSnapshot } from '../../functions/core/snapshot.ts';

/** A small deterministic PRNG (mulberry32), so the generated cases are the same on every run. */
function random(seed: number): () => number {
  let state = seed;
  return () => {
    state = (state + 0x6d2b79f5) | 0;
    let t = Math.imul(state ^ (state >>> 15), 1 | state);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const KEYS = ['app', 'tier', 'team', 'version'];
const VALUES = ['a', 'b', 'c'];
const OPERATORS = ['In', 'NotIn', 'Exists', 'DoesNotExist'];

function pick<T>(next: () => number, list: readonly T[]): T {
  return list[Math.floor(next() * list.length)] as T;
}

function randomLabels(next: () => number): Record<string, string> {
  const labels: Record<string, string> = {};
  for (const key of KEYS) if (next() < 0.6) labels[key] = pick(next, VALUES);
  return labels;
}

function randomSelector(next: () => number): LabelSelector {
  const selector: LabelSelector = {};
  if (next() < 0.2) return selector;
  if (next() < 0.7) selector.matchLabels = Object.fromEntries(Object.entries(randomLabels(next)).slice(0, 2));
  if (next() < 0.5) {
    const operator = pick(next, OPERATORS);
    const values = operator === 'In' || operator === 'NotIn' ? VALUES.filter(() => next() < 0.5) : undefined;
    selector.matchExpressions = [{ key: pick(next, KEYS), operator, ...(values ? { values } : {}) }];
  }
  return selector;
}

describe('label selector indexes', () => {
  const next = random(42);
  const namespaces = ['n1', 'n2', 'n3'];
  const selectors = Array.from({ length: 300 }, (_, id) => ({
    id,
    namespace: pick(next, namespaces),
    selector: randomSelector(next),
  }));
  const objects = Array.from({ length: 300 }, (_, id) => ({
    id,
    namespace: pick(next, namespaces),
    labels: randomLabels(next),
  }));

  it('finds exactly the selectors a brute-force scan finds', () => {
    const index = indexSelectors(
      selectors,
      (s) => s.namespace,
      (s) => s.selector,
    );
    for (const object of objects) {
      const expected = selectors
        .filter((s) => s.namespace === object.namespace && selectorMatches(s.selector, object.labels))
        .map((s) => s.id)
        .sort((a, b) => a - b);
      const found = index
        .selecting(object.namespace, object.labels)
        .map((s) => s.id)
        .sort((a, b) => a - b);
      expect(found).toEqual(expected);
    }
  });

  it('finds exactly the labelled objects a brute-force scan finds', () => {
    const index = indexLabels(
      objects,
      (o) => o.namespace,
      (o) => o.labels,
    );
    for (const s of selectors) {
      const expected = objects
        .filter((o) => o.namespace === s.namespace && selectorMatches(s.selector, o.labels))
        .map((o) => o.id)
        .sort((a, b) => a - b);
      const found = index
        .matching(s.namespace, s.selector)
        .map((o) => o.id)
        .sort((a, b) => a - b);
      expect(found).toEqual(expected);
    }
  });

  it('compares only candidates that can match, not every pair', () => {
    // 200 namespaces, each with 20 objects labelled app=app-<i> and 20 selectors app=app-<i>.
    const items = Array.from({ length: 200 * 20 }, (_, i) => ({
      namespace: `ns-${Math.floor(i / 20)}`,
      app: `app-${i % 20}`,
    }));
    let reads = 0;
    const selectorIndex = indexSelectors(
      items,
      (item) => item.namespace,
      (item) => {
        reads += 1;
        return { matchLabels: { app: item.app } };
      },
    );
    const indexed = reads;
    const found = items.map((item) => selectorIndex.selecting(item.namespace, { app: item.app }).length);
    expect(found.every((count) => count === 1)).toBe(true);
    // One selector read per lookup (the single candidate), not one per selector in the cluster.
    expect(reads - indexed).toBe(items.length);

    let labelReads = 0;
    const labelIndex = indexLabels(
      items,
      (item) => item.namespace,
      (item) => {
        labelReads += 1;
        return { app: item.app };
      },
    );
    const labelled = labelReads;
    const matched = items.map(
      (item) => labelIndex.matching(item.namespace, { matchLabels: { app: item.app } }).length,
    );
    expect(matched.every((count) => count === 1)).toBe(true);
    expect(labelReads - labelled).toBe(items.length);
  });

  it('follows the API semantics of matchExpressions', () => {
    const labels = { app: 'web', tier: 'frontend' };
    const match = (selector: LabelSelector) => selectorMatches(selector, labels);
    expect(match({})).toBe(true);
    expect(match({ matchExpressions: [{ key: 'tier', operator: 'In', values: ['frontend', 'api'] }] })).toBe(
      true,
    );
    expect(match({ matchExpressions: [{ key: 'tier', operator: 'NotIn', values: ['frontend'] }] })).toBe(
      false,
    );
    expect(match({ matchExpressions: [{ key: 'team', operator: 'NotIn', values: ['x'] }] })).toBe(true);
    expect(match({ matchExpressions: [{ key: 'team', operator: 'DoesNotExist' }] })).toBe(true);
    expect(match({ matchExpressions: [{ key: 'app', operator: 'Exists' }] })).toBe(true);
    // An operator the API server rejects selects nothing.
    expect(match({ matchExpressions: [{ key: 'app', operator: 'Equals', values: ['web'] }] })).toBe(false);
  });
});

function policy(spec: NetworkPolicy['spec']): NetworkPolicy {
  return { kind: 'NetworkPolicy', metadata: { name: 'p', namespace: 'shop' }, spec };
}

describe('NetworkPolicy semantics', () => {
  it('defaults policyTypes as the API does', () => {
    expect([...policyDirections(policy({ podSelector: {} }))]).toEqual(['Ingress']);
    expect([...policyDirections(policy({ podSelector: {}, egress: [{}] }))].sort()).toEqual([
      'Egress',
      'Ingress',
    ]);
    expect([...policyDirections(policy({ podSelector: {}, policyTypes: ['Egress'] }))]).toEqual(['Egress']);
  });

  it('recognises rules that admit everyone', () => {
    const open = DEFAULT_PARAMS.openCidrs;
    expect(allowAllReason({}, open)).toMatch(/no peers and no ports/);
    expect(allowAllReason({ ports: [{ port: 53 }] }, open)).toBeUndefined();
    expect(allowAllReason({ peers: [{ ipBlock: { cidr: '0.0.0.0/0' } }] }, open)).toMatch(/0\.0\.0\.0\/0/);
    expect(
      allowAllReason({ peers: [{ ipBlock: { cidr: '0.0.0.0/0', except: ['169.254.169.254/32'] } }] }, open),
    ).toBeUndefined();
    expect(allowAllReason({ peers: [{ namespaceSelector: {} }] }, open)).toMatch(/every pod/);
    expect(
      allowAllReason(
        { peers: [{ namespaceSelector: {}, podSelector: { matchLabels: { app: 'x' } } }] },
        open,
      ),
    ).toBeUndefined();
  });

  it('an egress-only default deny does not deny ingress (the trap)', () => {
    const egressOnly = [policy({ podSelector: {}, policyTypes: ['Egress'] })];
    expect(defaultDenyVerdict(egressOnly, 'Ingress', DEFAULT_PARAMS.openCidrs).denying).toHaveLength(0);
    expect(defaultDenyVerdict(egressOnly, 'Egress', DEFAULT_PARAMS.openCidrs).denying).toHaveLength(1);
  });

  it('a namespace-wide allow-all policy undoes the deny', () => {
    const verdict = defaultDenyVerdict(
      [policy({ podSelector: {}, policyTypes: ['Ingress'] }), policy({ podSelector: {}, ingress: [{}] })],
      'Ingress',
      DEFAULT_PARAMS.openCidrs,
    );
    expect(verdict.denying).toHaveLength(1);
    expect(verdict.opening).toHaveLength(1);
  });
});

describe('ALB listeners', () => {
  const ingress = (annotations: Record<string, string>, tls = false): Ingress => ({
    kind: 'Ingress',
    metadata: { name: 'i', namespace: 'shop', annotations },
    spec: { ingressClassName: 'alb', ...(tls ? { tls: [{ hosts: ['a.example'] }] } : {}) },
  });
  it('reads listen-ports and the controller defaults', () => {
    const p = 'alb.ingress.kubernetes.io/';
    expect([
      ...albListenerProtocols(ingress({ [`${p}listen-ports`]: '[{"HTTP": 80}, {"HTTPS":443}]' })),
    ]).toEqual(['HTTP', 'HTTPS']);
    expect([...albListenerProtocols(ingress({}))]).toEqual(['HTTP']);
    expect([...albListenerProtocols(ingress({}, true))]).toEqual(['HTTPS']);
    expect([...albListenerProtocols(ingress({ [`${p}certificate-arn`]: 'arn:aws:acm:x' }))]).toEqual([
      'HTTPS',
    ]);
  });
});

describe('network checks on a large cluster', () => {
  /** 400 namespaces × 50 workloads (20,000) and 10 policies each (4,000). */
  function largeCluster(): ClusterSnapshot {
    const snapshot = newSnapshot({ name: 'large' }, '2026-01-15T00:00:00.000Z', 'test');
    for (let n = 0; n < 400; n += 1) {
      const namespace = `team-${n}`;
      addObject(snapshot, { apiVersion: 'v1', kind: 'Namespace', metadata: { name: namespace } });
      for (let w = 0; w < 50; w += 1) {
        addObject(snapshot, {
          apiVersion: 'apps/v1',
          kind: 'Deployment',
          metadata: { name: `app-${w}`, namespace },
          spec: {
            template: {
              metadata: { labels: { app: `app-${w}`, tier: w % 2 === 0 ? 'web' : 'worker' } },
              spec: { containers: [{ name: 'c', image: 'registry.example/app:1' }] },
            },
          },
        });
      }
      for (let p = 0; p < 10; p += 1) {
        addObject(snapshot, {
          apiVersion: 'networking.k8s.io/v1',
          kind: 'NetworkPolicy',
          metadata: { name: `policy-${p}`, namespace },
          spec:
            p === 9
              ? {
                  podSelector: {
                    matchExpressions: [{ key: 'tier', operator: 'In', values: ['worker', 'batch'] }],
                  },
                }
              : { podSelector: { matchLabels: { app: `app-${p}` } } },
        });
      }
    }
    return snapshot;
  }

  // How the cost grows with the cluster is measured by `npm run bench` (its per-check probe),
  // not by a clock here; this pins the verdicts on a cluster of that size.
  it('evaluates 20,000 workloads against 4,000 policies', () => {
    const snapshot = largeCluster();
    const selected = networkWorkloadsSelectedByPolicy.evaluate(snapshot, DEFAULT_PARAMS);
    const policies = networkPoliciesSelectPods.evaluate(snapshot, DEFAULT_PARAMS);
    // Selected: app-0..app-8 by name, plus every odd (worker) app.
    const passed = selected.filter((o) => o.status === 'pass').length;
    expect(passed).toBe(400 * (5 + 25));
    expect(policies.every((o) => o.status === 'pass')).toBe(true);
  });
});
