import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { DEFAULT_SEED, generateCluster, PRESETS, type PresetName } from '../../bench/generate.ts';
import type { JsonObject } from '../../bench/objects.ts';

function digest(size: PresetName, seed: number): string {
  const hash = createHash('sha256');
  for (const object of generateCluster(size, seed).objects()) hash.update(JSON.stringify(object));
  return hash.digest('hex');
}

interface Meta {
  name: string;
  namespace?: string;
  uid: string;
  ownerReferences?: { kind: string; name: string; uid: string; controller?: boolean }[];
}

function metaOf(object: JsonObject): Meta {
  return object.metadata as unknown as Meta;
}

/** Per kind: the count, and the bindings of both RBAC kinds together, as the preset names them. */
function tally(size: PresetName): {
  byKind: Record<string, number>;
  keys: Set<string>;
  duplicates: string[];
} {
  const byKind: Record<string, number> = {};
  const keys = new Set<string>();
  const duplicates: string[] = [];
  for (const object of generateCluster(size).objects()) {
    const kind = String(object.kind);
    byKind[kind] = (byKind[kind] ?? 0) + 1;
    const meta = metaOf(object);
    const key = `${kind}/${meta.namespace ?? ''}/${meta.name}`;
    if (keys.has(key)) duplicates.push(key);
    keys.add(key);
  }
  return { byKind, keys, duplicates };
}

describe('synthetic cluster generator', () => {
  it('gives byte-identical output for the same seed, and different output for another', () => {
    const first = digest('1k', DEFAULT_SEED);
    expect(digest('1k', DEFAULT_SEED)).toBe(first);
    expect(digest('1k', DEFAULT_SEED + 1)).not.toBe(first);
  });

  it('gives the same EKS facts for the same seed', () => {
    expect(generateCluster('10k', 7).eks).toEqual(generateCluster('10k', 7).eks);
  });

  it.each(['1k', '10k', '150k'] as const)(
    'holds exactly the %s preset: pods, nodes, namespaces, services and RBAC bindings, no duplicate names',
    (size) => {
      const preset = PRESETS[size];
      const { byKind, duplicates } = tally(size);
      expect(byKind.Pod).toBe(preset.pods);
      expect(byKind.Node).toBe(preset.nodes);
      expect(byKind.Namespace).toBe(preset.namespaces);
      expect(byKind.Service).toBe(preset.services);
      expect((byKind.RoleBinding ?? 0) + (byKind.ClusterRoleBinding ?? 0)).toBe(preset.rbacBindings);
      expect(duplicates).toEqual([]);
      // The rest of a realistic cluster is there too.
      for (const kind of [
        'Deployment',
        'ReplicaSet',
        'DaemonSet',
        'StatefulSet',
        'Job',
        'CronJob',
        'ServiceAccount',
        'ConfigMap',
        'NetworkPolicy',
        'Role',
        'ClusterRole',
        'Ingress',
        'CustomResourceDefinition',
        'MutatingWebhookConfiguration',
        'ValidatingWebhookConfiguration',
      ]) {
        expect(byKind[kind], kind).toBeGreaterThan(0);
      }
    },
    120_000,
  );

  it('chains owners by uid: Pods → ReplicaSets → Deployments, Pods → Jobs → CronJobs, DaemonSets, StatefulSets', () => {
    const objects = [...generateCluster('1k').objects()];
    const byUid = new Map(objects.map((object) => [metaOf(object).uid, object]));
    const ownerKinds = new Map<string, number>();
    for (const object of objects) {
      const meta = metaOf(object);
      for (const owner of meta.ownerReferences ?? []) {
        const target = byUid.get(owner.uid);
        expect(
          target,
          `${object.kind} ${meta.namespace}/${meta.name} → ${owner.kind} ${owner.name}`,
        ).toBeDefined();
        expect(target?.kind).toBe(owner.kind);
        expect(metaOf(target as JsonObject).name).toBe(owner.name);
        expect(metaOf(target as JsonObject).namespace).toBe(meta.namespace);
        const pair = `${object.kind}→${owner.kind}`;
        ownerKinds.set(pair, (ownerKinds.get(pair) ?? 0) + 1);
      }
    }
    for (const pair of [
      'Pod→ReplicaSet',
      'ReplicaSet→Deployment',
      'Pod→DaemonSet',
      'Pod→StatefulSet',
      'Pod→Job',
      'Job→CronJob',
    ]) {
      expect(ownerKinds.get(pair), pair).toBeGreaterThan(0);
    }
  });

  it('builds Pods as the API server returns them: 1–4 containers, probes, env, volumes, managedFields, status', () => {
    const pods = [...generateCluster('1k').objects()].filter((object) => object.kind === 'Pod');
    const containerCounts = new Set<number>();
    let meshed = 0;
    for (const pod of pods) {
      const spec = pod.spec as { containers: JsonObject[]; volumes: JsonObject[] };
      containerCounts.add(spec.containers.length);
      if (spec.containers.some((c) => c.name === 'istio-proxy')) meshed += 1;
      expect(spec.volumes.some((v) => String(v.name).startsWith('kube-api-access-'))).toBe(true);
      expect((pod.metadata as JsonObject).managedFields).toBeDefined();
      expect((pod.status as JsonObject).containerStatuses).toBeDefined();
    }
    expect(Math.max(...containerCounts)).toBeGreaterThanOrEqual(3);
    expect(containerCounts.has(1)).toBe(true);
    expect(meshed).toBeGreaterThan(0);
  });
});
