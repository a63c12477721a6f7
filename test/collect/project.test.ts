import { loadYaml, V1NetworkPolicy, V1Pod } from '@kubernetes/client-node';
import { describe, expect, it } from 'vitest';
import {
  keptShape,
  MAX_ANNOTATION_LENGTH,
  ProjectionCache,
  projectObject,
  toSnapshotObject,
  unreadArrayMembers,
} from '../../functions/collect/project.ts';
import type { ConfigMap, NetworkPolicy, Pod, PodController } from '../../functions/core/k8s-types.ts';
import { K8S_KINDS, type K8sKind } from '../../functions/core/kinds.ts';

function rawPod(): Record<string, unknown> {
  return {
    metadata: {
      name: 'web-1',
      namespace: 'shop',
      uid: 'u-1',
      resourceVersion: '12345',
      generation: 3,
      selfLink: '/api/v1/namespaces/shop/pods/web-1',
      creationTimestamp: '2026-11-01T10:00:00Z',
      labels: { app: 'web' },
      annotations: {
        'kubectl.kubernetes.io/last-applied-configuration': '{"apiVersion":"v1","kind":"Pod","spec":{}}',
        'huge.example.com/blob': 'x'.repeat(MAX_ANNOTATION_LENGTH + 1),
        'eks.amazonaws.com/role-arn': 'arn:aws:iam::111122223333:role/web',
      },
      managedFields: [{ manager: 'kubectl', operation: 'Apply', fieldsV1: { 'f:spec': {} } }],
      ownerReferences: [
        { apiVersion: 'apps/v1', kind: 'ReplicaSet', name: 'web-abc', uid: 'u-0', controller: true },
      ],
    },
    spec: {
      containers: [
        {
          name: 'app',
          image: 'nginx:1.27',
          securityContext: { privileged: false, runAsUser: 1000, unknownField: 'x' },
          terminationMessagePath: '/dev/termination-log',
          livenessProbe: { httpGet: { path: '/healthz', port: 8080 } },
        },
      ],
      dnsPolicy: 'ClusterFirst',
      hostNetwork: true,
      tolerations: [{ key: 'x' }],
    },
    status: {
      phase: 'Running',
      podIP: '10.0.0.1',
      conditions: [{ type: 'Ready', status: 'True' }],
      containerStatuses: [{ name: 'app', ready: true }],
    },
  };
}

describe('projectObject', () => {
  it('drops managedFields, resourceVersion, last-applied and status noise, and fills apiVersion/kind', () => {
    // Prepare
    const raw = rawPod();

    // Act
    const pod = projectObject('pods', raw) as Pod;

    // Assess
    expect(pod.apiVersion).toBe('v1');
    expect(pod.kind).toBe('Pod');
    expect(pod.metadata).toEqual({
      name: 'web-1',
      namespace: 'shop',
      uid: 'u-1',
      creationTimestamp: '2026-11-01T10:00:00Z',
      labels: { app: 'web' },
      annotations: {
        'huge.example.com/blob': `[dropped by watchkeeper: ${MAX_ANNOTATION_LENGTH + 1} characters]`,
        'eks.amazonaws.com/role-arn': 'arn:aws:iam::111122223333:role/web',
      },
      ownerReferences: [
        { apiVersion: 'apps/v1', kind: 'ReplicaSet', name: 'web-abc', uid: 'u-0', controller: true },
      ],
    });
    expect(pod.status).toEqual({ phase: 'Running', podIP: '10.0.0.1' });
    expect(pod.spec).toEqual({
      containers: [
        {
          name: 'app',
          image: 'nginx:1.27',
          securityContext: { privileged: false, runAsUser: 1000 },
          livenessProbe: { httpGet: { path: '/healthz', port: 8080 } },
        },
      ],
      hostNetwork: true,
    });
    const text = JSON.stringify(pod);
    expect(text).not.toContain('managedFields');
    expect(text).not.toContain('last-applied-configuration');
    expect(text).not.toContain('resourceVersion');
    expect(text).not.toContain('selfLink');
  });

  it('keeps the apiVersion an object carries and never the raw input', () => {
    // Prepare
    const raw = {
      apiVersion: 'apps/v1beta2',
      kind: 'Deployment',
      metadata: { name: 'old' },
      spec: { replicas: 2 },
    };

    // Act
    const deployment = projectObject('deployments', raw) as PodController;

    // Assess
    expect(deployment.apiVersion).toBe('apps/v1beta2');
    expect(deployment.spec?.replicas).toBe(2);
    expect(deployment).not.toBe(raw);
  });

  it('accepts client-node model instances: Date timestamps and renamed fields', () => {
    // Prepare
    // loadYaml deserializes into the model classes, as the typed APIs do.
    const pod = loadYaml<V1Pod>(JSON.stringify({ apiVersion: 'v1', kind: 'Pod', ...rawPod() }));
    const policy = loadYaml<V1NetworkPolicy>(
      JSON.stringify({
        apiVersion: 'networking.k8s.io/v1',
        kind: 'NetworkPolicy',
        metadata: { name: 'allow-web', namespace: 'shop' },
        spec: {
          podSelector: {},
          ingress: [{ from: [{ namespaceSelector: { matchLabels: { team: 'a' } } }], ports: [{ port: 80 }] }],
        },
      }),
    );
    expect(pod).toBeInstanceOf(V1Pod);
    expect(pod.metadata?.creationTimestamp).toBeInstanceOf(Date);
    expect(policy).toBeInstanceOf(V1NetworkPolicy);
    expect(policy.spec?.ingress?.[0]).toHaveProperty('_from');

    // Act
    const projected = projectObject('pods', pod) as Pod;
    const projectedPolicy = projectObject('networkpolicies', policy) as NetworkPolicy;

    // Assess
    expect(projected.metadata.creationTimestamp).toBe('2026-11-01T10:00:00.000Z');
    expect(projected.spec?.containers?.[0]?.securityContext).toEqual({ privileged: false, runAsUser: 1000 });
    expect(
      projected.metadata.annotations?.['kubectl.kubernetes.io/last-applied-configuration'],
    ).toBeUndefined();
    expect(JSON.parse(JSON.stringify(projected))).toEqual(projected);
    expect(projectedPolicy.spec?.ingress).toEqual([
      { from: [{ namespaceSelector: { matchLabels: { team: 'a' } } }], ports: [{ port: 80 }] },
    ]);
  });

  it('drops values of the wrong type and reads YAML-style booleans and numbers', () => {
    // Prepare
    const raw = {
      metadata: { name: 'p', labels: { tier: 1 } },
      spec: {
        containers: [
          {
            name: 'c',
            securityContext: { privileged: 'yes', runAsUser: '0', capabilities: { add: ['NET_ADMIN', 7] } },
          },
          'not a container',
        ],
        hostPID: { nested: true },
      },
    };

    // Act
    const pod = projectObject('pods', raw) as Pod;

    // Assess
    expect(pod.metadata.labels).toEqual({ tier: '1' });
    expect(pod.spec?.containers).toEqual([
      {
        name: 'c',
        securityContext: { privileged: true, runAsUser: 0, capabilities: { add: ['NET_ADMIN'] } },
      },
    ]);
    expect(pod.spec?.hostPID).toBeUndefined();
  });

  it('keeps the pod template of controllers and the job template of CronJobs', () => {
    // Prepare
    const template = {
      metadata: {
        labels: { app: 'batch' },
        annotations: { 'kubectl.kubernetes.io/last-applied-configuration': '{}' },
      },
      spec: { containers: [{ name: 'c', image: 'busybox' }], restartPolicy: 'Never' },
    };

    // Act
    const cronJob = projectObject('cronjobs', {
      metadata: { name: 'nightly', namespace: 'ops' },
      spec: { schedule: '0 1 * * *', jobTemplate: { spec: { backoffLimit: 3, template } } },
      status: { lastScheduleTime: '2026-11-01T01:00:00Z' },
    });

    // Assess
    expect(cronJob).toEqual({
      apiVersion: 'batch/v1',
      kind: 'CronJob',
      metadata: { name: 'nightly', namespace: 'ops' },
      spec: {
        schedule: '0 1 * * *',
        jobTemplate: {
          spec: {
            template: {
              metadata: { labels: { app: 'batch' }, annotations: {} },
              spec: { containers: [{ name: 'c', image: 'busybox' }] },
            },
          },
        },
      },
    });
  });

  it('keeps ConfigMap data keys, and only metadata for kinds no check reads further', () => {
    // Act
    const configMap = projectObject('configmaps', {
      metadata: { name: 'aws-auth', namespace: 'kube-system' },
      data: { mapRoles: '- rolearn: arn:aws:iam::1:role/x' },
      binaryData: { blob: 'AAAA' },
    }) as ConfigMap;
    const quota = projectObject('resourcequotas', {
      metadata: { name: 'q', namespace: 'a' },
      spec: { hard: { pods: '10' } },
    });

    // Assess
    expect(configMap.data).toEqual({ mapRoles: '- rolearn: arn:aws:iam::1:role/x' });
    expect(configMap).not.toHaveProperty('binaryData');
    expect(quota).toEqual({
      apiVersion: 'v1',
      kind: 'ResourceQuota',
      metadata: { name: 'q', namespace: 'a' },
    });
  });

  it('returns undefined for something that is not a named object', () => {
    expect(projectObject('pods', null)).toBeUndefined();
    expect(projectObject('pods', 'pod')).toBeUndefined();
    expect(projectObject('pods', { metadata: {} })).toBeUndefined();
    expect(projectObject('pods', { metadata: { name: 42 } })).toBeUndefined();
  });
});

describe('toSnapshotObject', () => {
  it('finishes a container once for Pods that differ only in their mounts, and leaves each raw Pod as it came', () => {
    const cache = new ProjectionCache();
    const pod = (name: string, mount: string): Record<string, unknown> => ({
      metadata: { name, namespace: 'shop' },
      spec: {
        containers: [
          {
            name: 'app',
            image: 'nginx:1.27',
            env: [{ name: 'MODE', value: 'prod' }],
            volumeMounts: [{ name: mount, mountPath: '/var/run/secrets/kubernetes.io/serviceaccount' }],
          },
          { name: 'sidecar', image: 'envoy:1.31' },
        ],
      },
    });
    const first = pod('web-1', 'kube-api-access-aaaaa');
    const second = pod('web-2', 'kube-api-access-bbbbb');
    const before = [structuredClone(first), structuredClone(second)];

    const one = toSnapshotObject('pods', first, cache) as Pod;
    const two = toSnapshotObject('pods', second, cache) as Pod;

    expect([first, second]).toEqual(before);
    expect(Object.keys((first.spec as { containers: object[] }).containers[1] as object)).toEqual([
      'name',
      'image',
    ]);
    const [app1, sidecar1] = one.spec?.containers ?? [];
    const [app2, sidecar2] = two.spec?.containers ?? [];
    expect(app1?.volumeMounts?.[0]?.name).toBe('kube-api-access-aaaaa');
    expect(app2?.volumeMounts?.[0]?.name).toBe('kube-api-access-bbbbb');
    expect(app2?.env).toBe(app1?.env);
    expect(sidecar2).toBe(sidecar1);
    expect(sidecar1).not.toHaveProperty('volumeMounts');
  });

  it('keeps containers of one name and image apart when anything differs, however many variants there are', () => {
    const variants: Record<string, unknown>[] = [
      ...Array.from({ length: 11 }, (_, i) => ({ env: [{ name: 'MODE', value: `v${i}` }] })),
      {
        env: [
          { name: 'MODE', value: 'v0' },
          { name: 'EXTRA', value: '1' },
        ],
      },
      { env: [{ name: 'MODE', value: 'v0' }], args: [] },
      { livenessProbe: { httpGet: { path: '/healthz', port: 8080 } } },
      // The same probe with its keys in another order: kept as received, so apart.
      { livenessProbe: { httpGet: { port: 8080, path: '/healthz' } } },
      { lifecycle: { preStop: { at: new Date(1) } } },
      { lifecycle: { preStop: { at: new Date(2) } } },
    ];
    const pod = (i: number, round: number): Record<string, unknown> => ({
      metadata: { name: `web-${round}-${i}`, namespace: 'shop' },
      spec: {
        containers: [
          {
            name: 'app',
            image: 'nginx:1.27',
            ...structuredClone(variants[i]),
            volumeMounts: [{ name: `kube-api-access-${round}${i}`, mountPath: '/var/run/secrets' }],
          },
        ],
      },
    });
    const cache = new ProjectionCache();
    const appOf = (object: unknown) => ((object as Pod).spec?.containers ?? [])[0];
    const finishedCount = () => new Set(cache.containers.values()).size;
    toSnapshotObject('pods', pod(0, 0), cache);
    toSnapshotObject('pods', pod(0, 0), cache);
    expect(finishedCount()).toBe(1);
    const firstRound = variants.map((_, i) => appOf(toSnapshotObject('pods', pod(i, 1), cache)));
    // Interleaved and backwards: each variant is found again, whether it is among the newest or not.
    const order = variants.map((_, i) => variants.length - 1 - i);
    for (const i of order) {
      const again = appOf(toSnapshotObject('pods', pod(i, 2), cache));
      const alone = appOf(toSnapshotObject('pods', pod(i, 2), new ProjectionCache()));
      expect(again).toEqual(alone);
      expect(JSON.stringify(again)).toBe(JSON.stringify(alone));
      expect(again?.env).toBe(firstRound[i]?.env);
      expect(again?.livenessProbe).toBe(firstRound[i]?.livenessProbe);
      expect(again?.lifecycle).toBe(firstRound[i]?.lifecycle);
    }
    const texts = firstRound.map((container) => JSON.stringify({ ...container, volumeMounts: undefined }));
    expect(new Set(texts).size).toBe(variants.length);
    // Each variant was finished once, in the first round: the second found them all.
    expect(finishedCount()).toBe(variants.length);
  });
});

describe('unreadArrayMembers', () => {
  /** Every member name a shape keeps, at any depth. */
  function keptNames(shape: unknown, into = new Set<string>()): Set<string> {
    if (Array.isArray(shape)) for (const item of shape) keptNames(item, into);
    else if (typeof shape === 'object' && shape !== null) {
      for (const [name, inner] of Object.entries(shape)) {
        into.add(name);
        keptNames(inner, into);
      }
    }
    return into;
  }

  it('names no member the projection keeps, for every kind', () => {
    for (const kind of Object.keys(K8S_KINDS) as K8sKind[]) {
      const cut = unreadArrayMembers(kind);
      expect(cut, kind).toContain('managedFields');
      const kept = keptNames(keptShape(kind));
      // The walk reaches into pod specs and containers.
      expect(kept.has('volumeMounts') && kept.has('uid'), kind).toBe(true);
      expect(
        cut.filter((name) => kept.has(name)),
        kind,
      ).toEqual([]);
    }
  });

  it('cuts the status and scheduling arrays of Pods, controllers and nodes', () => {
    expect(unreadArrayMembers('pods')).toEqual(
      expect.arrayContaining(['containerStatuses', 'conditions', 'tolerations']),
    );
    expect(unreadArrayMembers('deployments')).toEqual(expect.arrayContaining(['conditions', 'tolerations']));
    expect(unreadArrayMembers('nodes')).toEqual(expect.arrayContaining(['images', 'conditions']));
    expect(unreadArrayMembers('roles')).toEqual(['managedFields']);
  });
});
