import type { Container, ObjectMeta, PodSpec } from '../../core/k8s-types.ts';
import type { DeepReadonly, ResourceRef, Snapshot } from '../../core/model.ts';

/** A pod spec to evaluate: a bare Pod's, or the template of the controller that owns the pods. */
export interface Workload {
  resource: ResourceRef;
  /** Metadata of the object (namespace, labels of the controller or pod). */
  metadata: DeepReadonly<ObjectMeta>;
  /** Labels the pods carry: the template's labels for controllers. */
  podLabels: Readonly<Record<string, string>>;
  spec: DeepReadonly<PodSpec>;
  /** Field path of the pod spec inside the object, e.g. `spec.template.spec`. */
  specPath: string;
}

export type ContainerList = 'containers' | 'initContainers' | 'ephemeralContainers';

export interface ContainerRef {
  container: DeepReadonly<Container>;
  list: ContainerList;
  index: number;
  /** e.g. `spec.template.spec.initContainers[1]`. */
  path: string;
}

const CONTAINER_LISTS: readonly ContainerList[] = ['containers', 'initContainers', 'ephemeralContainers'];

function ref(apiVersion: string, kind: string, metadata: DeepReadonly<ObjectMeta>): ResourceRef {
  return {
    apiVersion,
    kind,
    name: metadata.name,
    ...(metadata.namespace !== undefined ? { namespace: metadata.namespace } : {}),
  };
}

function controllerOf(metadata: DeepReadonly<ObjectMeta>) {
  return metadata.ownerReferences?.find((owner) => owner.controller === true);
}

/**
 * Every pod spec in the snapshot, each reported once: controllers by their template, Pods
 * through the controller that owns them when that controller is in the snapshot (a
 * ReplicaSet through its Deployment, a Job through its CronJob), bare Pods by themselves.
 */
export function workloads(snapshot: Snapshot): Workload[] {
  const k8s = snapshot.k8s;
  const present = new Set<string>();
  const key = (kind: string, namespace: string | undefined, name: string | undefined) =>
    `${kind}/${namespace ?? ''}/${name ?? ''}`;
  const lists = [
    ['Deployment', k8s.deployments],
    ['StatefulSet', k8s.statefulsets],
    ['DaemonSet', k8s.daemonsets],
    ['ReplicaSet', k8s.replicasets],
    ['Job', k8s.jobs],
    ['ReplicationController', k8s.replicationcontrollers],
    ['CronJob', k8s.cronjobs],
  ] as const;
  for (const [kind, list] of lists) {
    for (const object of list) present.add(key(kind, object.metadata.namespace, object.metadata.name));
  }
  const ownedByPresent = (metadata: DeepReadonly<ObjectMeta>) => {
    const owner = controllerOf(metadata);
    return owner?.kind !== undefined && present.has(key(owner.kind, metadata.namespace, owner.name));
  };

  const result: Workload[] = [];
  const controllers = [
    ['apps/v1', 'Deployment', k8s.deployments],
    ['apps/v1', 'StatefulSet', k8s.statefulsets],
    ['apps/v1', 'DaemonSet', k8s.daemonsets],
    ['apps/v1', 'ReplicaSet', k8s.replicasets],
    ['batch/v1', 'Job', k8s.jobs],
    ['v1', 'ReplicationController', k8s.replicationcontrollers],
  ] as const;
  for (const [apiVersion, kind, list] of controllers) {
    for (const object of list) {
      if (ownedByPresent(object.metadata)) continue;
      const template = object.spec?.template;
      if (!template?.spec) continue;
      result.push({
        resource: ref(apiVersion, kind, object.metadata),
        metadata: object.metadata,
        podLabels: template.metadata?.labels ?? {},
        spec: template.spec,
        specPath: 'spec.template.spec',
      });
    }
  }
  for (const cronJob of k8s.cronjobs) {
    const template = cronJob.spec?.jobTemplate?.spec?.template;
    if (!template?.spec) continue;
    result.push({
      resource: ref('batch/v1', 'CronJob', cronJob.metadata),
      metadata: cronJob.metadata,
      podLabels: template.metadata?.labels ?? {},
      spec: template.spec,
      specPath: 'spec.jobTemplate.spec.template.spec',
    });
  }
  for (const pod of k8s.pods) {
    if (ownedByPresent(pod.metadata) || !pod.spec) continue;
    result.push({
      resource: ref('v1', 'Pod', pod.metadata),
      metadata: pod.metadata,
      podLabels: pod.metadata.labels ?? {},
      spec: pod.spec,
      specPath: 'spec',
    });
  }
  return result;
}

/** Every container of a pod spec: regular, init and ephemeral (Pod Security Admission visits all three). */
export function containersOf(workload: Pick<Workload, 'spec' | 'specPath'>): ContainerRef[] {
  const refs: ContainerRef[] = [];
  for (const list of CONTAINER_LISTS) {
    workload.spec[list]?.forEach((container, index) => {
      refs.push({ container, list, index, path: `${workload.specPath}.${list}[${index}]` });
    });
  }
  return refs;
}

/** `Deployment payments/api`, for messages. */
export function describe(resource: ResourceRef): string {
  return resource.namespace
    ? `${resource.kind} ${resource.namespace}/${resource.name}`
    : `${resource.kind} ${resource.name}`;
}

/** The kinds `workloads()` reads: checks that evaluate pod specs declare these in `reads`. */
export const WORKLOAD_KINDS = [
  'pods',
  'deployments',
  'statefulsets',
  'daemonsets',
  'replicasets',
  'jobs',
  'cronjobs',
  'replicationcontrollers',
] as const;
