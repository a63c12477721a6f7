import { describe, expect, it } from 'vitest';
import { describeWorkload, divergenceEvidence, workloads } from '../../functions/checks/lib/workloads.ts';
import { podContainersNotPrivileged } from '../../functions/checks/pods/pod-containers-not-privileged.ts';
import type { PodSpec } from '../../functions/core/k8s-types.ts';
import type { ClusterSnapshot } from '../../functions/core/model.ts';
import { DEFAULT_PARAMS } from '../../functions/core/params.ts';
import { addObject, newSnapshot } from '../../functions/core/snapshot.ts';

type Manifest = { kind: string } & Record<string, unknown>;

function snapshotOf(...objects: Manifest[]): ClusterSnapshot {
  const snapshot = newSnapshot({ name: 'test' }, '2026-01-15T00:00:00.000Z', 'test');
  for (const object of objects) {
    if (!addObject(snapshot, structuredClone(object))) throw new Error(`unreadable kind ${object.kind}`);
  }
  return snapshot;
}

const NS = 'shop';
const owner = (kind: string, name: string, uid?: string) => [
  {
    apiVersion: kind === 'Job' || kind === 'CronJob' ? 'batch/v1' : 'apps/v1',
    kind,
    name,
    controller: true,
    ...(uid ? { uid } : {}),
  },
];

const template: PodSpec = {
  serviceAccountName: 'api',
  securityContext: { runAsNonRoot: true },
  containers: [{ name: 'api', image: 'api:1', securityContext: { allowPrivilegeEscalation: false } }],
};

function controller(
  kind: string,
  name: string,
  spec: PodSpec = template,
  extra: Record<string, unknown> = {},
) {
  return {
    apiVersion: 'apps/v1',
    kind,
    metadata: { name, namespace: NS, uid: `uid-${name}`, ...extra },
    spec: { template: { metadata: { labels: { app: name }, annotations: { team: 'a' } }, spec } },
  };
}

function pod(name: string, spec: PodSpec, ownerReferences?: unknown[]) {
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name, namespace: NS, ...(ownerReferences ? { ownerReferences } : {}) },
    spec,
  };
}

/** What the API server adds to every pod of a clean template: no divergence. */
function admitted(spec: PodSpec, suffix: string): PodSpec {
  return {
    ...structuredClone(spec),
    nodeName: 'node-1',
    containers: (spec.containers ?? []).map((c) => ({
      ...c,
      volumeMounts: [
        { name: `kube-api-access-${suffix}`, mountPath: '/var/run/secrets/kubernetes.io/serviceaccount' },
      ],
    })),
    volumes: [
      ...(spec.volumes ?? []),
      { name: `kube-api-access-${suffix}`, projected: { sources: [] } },
      { name: 'aws-iam-token', projected: { sources: [] } },
    ],
  };
}

const withSidecar = (spec: PodSpec, securityContext = { privileged: true }): PodSpec => ({
  ...structuredClone(spec),
  containers: [...(spec.containers ?? []), { name: 'proxy', image: 'proxy:1', securityContext }],
});

const listed = (snapshot: ClusterSnapshot) =>
  workloads(snapshot).map(
    (w) =>
      `${w.resource.kind}/${w.resource.name}${w.divergence ? ` <${w.divergence.owner.kind}/${w.divergence.owner.name} x${w.divergence.pods}>` : ''}`,
  );

describe('workloads: controllers and their pods', () => {
  it('reports a Deployment once: not its ReplicaSet, not pods that only carry what admission adds', () => {
    const snapshot = snapshotOf(
      controller('Deployment', 'api'),
      controller('ReplicaSet', 'api-1', template, { ownerReferences: owner('Deployment', 'api', 'uid-api') }),
      pod('api-1-a', admitted(template, 'ab12c'), owner('ReplicaSet', 'api-1', 'uid-api-1')),
      pod('api-1-b', admitted(template, 'x9y8z'), owner('ReplicaSet', 'api-1', 'uid-api-1')),
    );
    expect(listed(snapshot)).toEqual(['Deployment/api']);
  });

  it('gives controllers the template annotations and labels as the pod metadata', () => {
    const [workload] = workloads(snapshotOf(controller('Deployment', 'api')));
    expect(workload?.podAnnotations).toEqual({ team: 'a' });
    expect(workload?.podLabels).toEqual({ app: 'api' });
  });

  it('treats the ServiceAccount admission default and hostNetwork hostPort defaulting as no divergence', () => {
    const spec: PodSpec = {
      hostNetwork: true,
      containers: [{ name: 'cni', image: 'cni:1', ports: [{ containerPort: 61678 }] }],
    };
    const podSpec: PodSpec = {
      hostNetwork: true,
      serviceAccountName: 'default',
      containers: [{ name: 'cni', image: 'cni:1', ports: [{ containerPort: 61678, hostPort: 61678 }] }],
    };
    const snapshot = snapshotOf(
      controller('DaemonSet', 'cni', spec),
      pod('cni-a', podSpec, owner('DaemonSet', 'cni')),
    );
    expect(listed(snapshot)).toEqual(['DaemonSet/cni']);
  });

  it('reports a DaemonSet pod with an injected sidecar as the Pod, once for all pods injected alike', () => {
    const injected = withSidecar(template);
    const snapshot = snapshotOf(
      controller('DaemonSet', 'agent'),
      pod('agent-zz', admitted(injected, 'aaaaa'), owner('DaemonSet', 'agent', 'uid-agent')),
      pod('agent-bb', admitted(injected, 'bbbbb'), owner('DaemonSet', 'agent', 'uid-agent')),
      pod('agent-mm', admitted(injected, 'ccccc'), owner('DaemonSet', 'agent', 'uid-agent')),
      pod('agent-clean', admitted(template, 'ddddd'), owner('DaemonSet', 'agent', 'uid-agent')),
    );
    expect(listed(snapshot)).toEqual(['DaemonSet/agent', 'Pod/agent-bb <DaemonSet/agent x3>']);
    const divergent = workloads(snapshot)[1];
    expect(divergent?.divergence?.differences).toEqual(['adds container "proxy"']);
    expect(divergent && describeWorkload(divergent)).toBe(
      'Pod shop/agent-bb (of DaemonSet shop/agent, differs from its template; 2 more pod(s) differ the same way)',
    );
    expect(divergent && divergenceEvidence(divergent)).toEqual({
      owner: 'DaemonSet shop/agent',
      differsFromTemplate: 'adds container "proxy"',
      podsDifferingAlike: 3,
    });
    const outcomes = podContainersNotPrivileged.evaluate(snapshot, DEFAULT_PARAMS);
    expect(
      outcomes.map((o) => `${o.status} ${o.resource.kind}/${o.resource.name} ${o.path ?? ''}`.trim()),
    ).toEqual(['pass DaemonSet/agent', 'fail Pod/agent-bb spec.containers[1].securityContext.privileged']);
  });

  it('tells apart pods whose parts are the very same objects but one setting', () => {
    // Pods as the collector shares them: the sidecar's parts are one set of objects, so the
    // pods are compared by identity, and what differs must still show.
    const injected = withSidecar(template);
    const shared = snapshotOf(controller('DaemonSet', 'agent'));
    const same = (name: string, extra: Partial<PodSpec> = {}) =>
      pod(name, { ...injected, ...extra }, owner('DaemonSet', 'agent', 'uid-agent'));
    for (const object of [
      same('agent-a'),
      same('agent-b'),
      same('agent-c', { hostPID: true }),
      same('agent-d', { serviceAccountName: 'other' }),
      same('agent-e', { volumes: [{ name: 'data', hostPath: { path: '/data' } }] }),
    ]) {
      shared.k8s.pods.push(object as (typeof shared.k8s.pods)[number]);
    }

    expect(listed(shared)).toEqual([
      'DaemonSet/agent',
      'Pod/agent-a <DaemonSet/agent x2>',
      'Pod/agent-c <DaemonSet/agent x1>',
      'Pod/agent-d <DaemonSet/agent x1>',
      'Pod/agent-e <DaemonSet/agent x1>',
    ]);
  });

  it('reports pods that differ in different ways separately', () => {
    const snapshot = snapshotOf(
      controller('DaemonSet', 'agent'),
      pod('agent-a', withSidecar(template), owner('DaemonSet', 'agent')),
      pod('agent-b', withSidecar(template, { privileged: false }), owner('DaemonSet', 'agent')),
    );
    expect(listed(snapshot)).toEqual([
      'DaemonSet/agent',
      'Pod/agent-a <DaemonSet/agent x1>',
      'Pod/agent-b <DaemonSet/agent x1>',
    ]);
  });

  it('compares a Job pod with the CronJob template and never reports the Job', () => {
    const cronJob = {
      apiVersion: 'batch/v1',
      kind: 'CronJob',
      metadata: { name: 'export', namespace: NS, uid: 'uid-export' },
      spec: { schedule: '0 2 * * *', jobTemplate: { spec: { template: { spec: template } } } },
    };
    const job = {
      apiVersion: 'batch/v1',
      kind: 'Job',
      metadata: {
        name: 'export-1',
        namespace: NS,
        uid: 'uid-export-1',
        ownerReferences: owner('CronJob', 'export', 'uid-export'),
      },
      spec: { template: { spec: template } },
    };
    const snapshot = snapshotOf(
      cronJob,
      job,
      pod(
        'export-1-a',
        { ...template, securityContext: { runAsNonRoot: false } },
        owner('Job', 'export-1', 'uid-export-1'),
      ),
    );
    expect(listed(snapshot)).toEqual(['CronJob/export', 'Pod/export-1-a <CronJob/export x1>']);
    expect(workloads(snapshot)[1]?.divergence?.differences).toEqual([
      'pod-level security settings (host namespaces, securityContext)',
    ]);
  });

  it('reports an ephemeral debug container, a changed container and a hostPath volume as divergences', () => {
    const spec: PodSpec = {
      ...template,
      containers: [{ name: 'api', image: 'api:1', securityContext: { allowPrivilegeEscalation: true } }],
      ephemeralContainers: [{ name: 'debugger', image: 'busybox' }],
      volumes: [{ name: 'root', hostPath: { path: '/' } }],
    };
    const snapshot = snapshotOf(
      controller('StatefulSet', 'db'),
      pod('db-0', spec, owner('StatefulSet', 'db')),
    );
    expect(workloads(snapshot)[1]?.divergence?.differences).toEqual([
      'container "api" has a different securityContext, host port or probe host',
      'adds ephemeral container "debugger"',
      'adds volume "root"',
    ]);
  });

  it('reports a pod by itself when its controller is absent, or was recreated under the same name', () => {
    const snapshot = snapshotOf(
      controller('Deployment', 'api'),
      pod('orphan', template, owner('ReplicaSet', 'gone')),
      pod('stale', withSidecar(template), owner('Deployment', 'api', 'uid-of-the-deleted-one')),
    );
    expect(listed(snapshot)).toEqual(['Deployment/api', 'Pod/orphan', 'Pod/stale']);
  });

  it('compares with the ReplicaSet when its Deployment is not in the snapshot', () => {
    const snapshot = snapshotOf(
      controller('ReplicaSet', 'api-1', template, { ownerReferences: owner('Deployment', 'api') }),
      pod('api-1-a', template, owner('ReplicaSet', 'api-1')),
      pod('api-1-b', withSidecar(template), owner('ReplicaSet', 'api-1')),
    );
    expect(listed(snapshot)).toEqual(['ReplicaSet/api-1', 'Pod/api-1-b <ReplicaSet/api-1 x1>']);
  });

  it('survives an ownership cycle', () => {
    const snapshot = snapshotOf(
      controller('ReplicaSet', 'a', template, { ownerReferences: owner('ReplicaSet', 'b') }),
      controller('ReplicaSet', 'b', template, { ownerReferences: owner('ReplicaSet', 'a') }),
      pod('p', withSidecar(template), owner('ReplicaSet', 'a')),
    );
    expect(workloads(snapshot).filter((w) => w.resource.kind === 'Pod')).toHaveLength(1);
  });

  // How the cost grows with the cluster is measured by `npm run bench` (the shared workloads()
  // line of its probe), not by a clock here; this pins the result on a cluster of that size.
  it('reports each of 3,000 Deployments once, and once more for its pods that differ', () => {
    const objects: Manifest[] = [];
    for (let d = 0; d < 3000; d++) {
      objects.push(controller('Deployment', `d${d}`));
      objects.push(
        controller('ReplicaSet', `d${d}-rs`, template, { ownerReferences: owner('Deployment', `d${d}`) }),
      );
      for (let p = 0; p < 10; p++) {
        const spec = p === 0 ? withSidecar(template) : admitted(template, `a${String(p).padStart(4, '0')}`);
        objects.push(pod(`d${d}-rs-${p}`, spec, owner('ReplicaSet', `d${d}-rs`)));
      }
    }
    const snapshot = snapshotOf(...objects);
    const result = workloads(snapshot);
    expect(result).toHaveLength(6000);
    // The one Pod per Deployment with a sidecar stands alone; the nine admitted copies do not.
    const diverging = result.filter((workload) => workload.divergence);
    expect(diverging).toHaveLength(3000);
    expect(diverging.every((workload) => workload.divergence?.pods === 1)).toBe(true);
  });
});

describe('workloads: computed once per snapshot', () => {
  it('returns the same result for the same snapshot and notices a list that grew', () => {
    const snapshot = snapshotOf(controller('Deployment', 'api'));
    const first = workloads(snapshot);
    expect(workloads(snapshot)).toEqual(first);
    expect(workloads(snapshot)).not.toBe(first);
    snapshot.k8s.pods.push(pod('bare', template) as never);
    expect(listed(snapshot)).toEqual(['Deployment/api', 'Pod/bare']);
  });
});
