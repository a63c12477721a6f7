import {
  CONTAINER_LISTS,
  type Container,
  type ContainerList,
  type ObjectMeta,
  type OwnerReference,
  type PodSpec,
  type PodTemplateSpec,
} from '../../core/k8s-types.ts';
import { memoisedByObject } from '../../core/memo.ts';
import type { DeepReadonly, ResourceRef, Snapshot } from '../../core/model.ts';

/**
 * Why a controlled Pod is reported on its own: it differs from the pod template of the
 * controller at the top of its chain (a ReplicaSet's Deployment, a Job's CronJob) in a way
 * that matters for security, typically because an admission webhook injected a sidecar or a
 * debug container was added.
 */
export interface Divergence {
  /** The top-level controller whose template the Pod was compared with. */
  owner: ResourceRef;
  /** What differs, in short phrases (`adds init container "istio-init"`). */
  differences: string[];
  /** How many Pods of the owner differ in exactly the same way (this one stands for all of them). */
  pods: number;
}

/** A pod spec to evaluate: a bare Pod's, or the template of the controller that owns the pods. */
export interface Workload {
  resource: ResourceRef;
  /** Metadata of the object (namespace, labels of the controller or pod). */
  metadata: DeepReadonly<ObjectMeta>;
  /** Labels the pods carry: the template's labels for controllers. */
  podLabels: Readonly<Record<string, string>>;
  /**
   * Annotations the pods carry: the template's for controllers. Pod Security Admission reads
   * the legacy AppArmor and seccomp annotations from here.
   */
  podAnnotations: Readonly<Record<string, string>>;
  spec: DeepReadonly<PodSpec>;
  /** Field path of the pod spec inside the object, e.g. `spec.template.spec`. */
  specPath: string;
  /** Set for a controlled Pod reported because it differs from its controller's template. */
  divergence?: Divergence;
}

export interface ContainerRef {
  container: DeepReadonly<Container>;
  list: ContainerList;
  index: number;
  /** e.g. `spec.template.spec.initContainers[1]`. */
  path: string;
}

type Meta = DeepReadonly<ObjectMeta>;
type Spec = DeepReadonly<PodSpec>;
type Template = DeepReadonly<PodTemplateSpec>;

function ref(apiVersion: string, kind: string, metadata: Meta): ResourceRef {
  return {
    apiVersion,
    kind,
    name: metadata.name,
    ...(metadata.namespace !== undefined ? { namespace: metadata.namespace } : {}),
  };
}

function controllerOf(metadata: Meta): DeepReadonly<OwnerReference> | undefined {
  return metadata.ownerReferences?.find((owner) => owner.controller === true);
}

/** A controller in the snapshot, with where its pod template lives. */
interface Controller {
  resource: ResourceRef;
  metadata: Meta;
  template: Template | undefined;
  specPath: string;
}

const key = (kind: string | undefined, namespace: string | undefined, name: string | undefined) =>
  `${kind ?? ''}\u0000${namespace ?? ''}\u0000${name ?? ''}`;

/**
 * Every controller of the snapshot indexed once by uid and by kind/namespace/name, so owner
 * references resolve in constant time.
 */
function indexControllers(snapshot: Snapshot) {
  const k8s = snapshot.k8s;
  const controllers: Controller[] = [];
  const lists = [
    ['apps/v1', 'Deployment', k8s.deployments],
    ['apps/v1', 'StatefulSet', k8s.statefulsets],
    ['apps/v1', 'DaemonSet', k8s.daemonsets],
    ['apps/v1', 'ReplicaSet', k8s.replicasets],
    ['batch/v1', 'Job', k8s.jobs],
    ['v1', 'ReplicationController', k8s.replicationcontrollers],
  ] as const;
  for (const [apiVersion, kind, list] of lists) {
    for (const object of list) {
      controllers.push({
        resource: ref(apiVersion, kind, object.metadata),
        metadata: object.metadata,
        template: object.spec?.template,
        specPath: 'spec.template.spec',
      });
    }
  }
  for (const cronJob of k8s.cronjobs) {
    controllers.push({
      resource: ref('batch/v1', 'CronJob', cronJob.metadata),
      metadata: cronJob.metadata,
      template: cronJob.spec?.jobTemplate?.spec?.template,
      specPath: 'spec.jobTemplate.spec.template.spec',
    });
  }
  const byUid = new Map<string, Controller>();
  const byKey = new Map<string, Controller>();
  for (const controller of controllers) {
    const { metadata, resource } = controller;
    if (metadata.uid) byUid.set(metadata.uid, controller);
    byKey.set(key(resource.kind, metadata.namespace, metadata.name), controller);
  }

  /**
   * The controller an owner reference names, if it is in the snapshot. Owner references are
   * namespace-local. A controller deleted and recreated under the same name has a new uid and
   * does not own the old one's pods.
   */
  function lookup(
    owner: DeepReadonly<OwnerReference>,
    namespace: string | undefined,
  ): Controller | undefined {
    if (owner.uid) {
      const hit = byUid.get(owner.uid);
      if (hit && hit.resource.kind === owner.kind && hit.metadata.namespace === namespace) return hit;
    }
    const hit = byKey.get(key(owner.kind, namespace, owner.name));
    if (hit && owner.uid && hit.metadata.uid && hit.metadata.uid !== owner.uid) return undefined;
    return hit;
  }

  const tops = new Map<Controller, Controller>();
  /** The controller at the top of the chain (ReplicaSet → Deployment, Job → CronJob). */
  function topOf(controller: Controller): Controller {
    const known = tops.get(controller);
    if (known) return known;
    let current = controller;
    const seen = new Set<Controller>([current]);
    for (;;) {
      const owner = controllerOf(current.metadata);
      const next = owner ? lookup(owner, current.metadata.namespace) : undefined;
      if (!next || seen.has(next)) break;
      seen.add(next);
      current = next;
    }
    tops.set(controller, current);
    return current;
  }

  const ownerOf = (metadata: Meta) => {
    const owner = controllerOf(metadata);
    return owner ? lookup(owner, metadata.namespace) : undefined;
  };

  return { controllers, ownerOf, topOf };
}

// ---------------------------------------------------------------------------------------------
// Security projection: the part of a pod spec that a controlled Pod is compared on.

/**
 * Volumes the API server's admission chain adds to every Pod and never to a template: the
 * service account token (`kube-api-access-xxxxx`), the IRSA web identity token
 * (`aws-iam-token`) and the EKS Pod Identity token (`eks-pod-identity-token`). All are
 * projected volumes; they say nothing about what the workload's owner chose.
 */
function isInjectedTokenVolume(volume: DeepReadonly<{ name: string; projected?: unknown }>): boolean {
  return (
    volume.projected !== undefined &&
    (/^kube-api-access-[a-z0-9]{5}$/.test(volume.name) ||
      volume.name === 'aws-iam-token' ||
      volume.name === 'eks-pod-identity-token')
  );
}

/**
 * A canonical text of plain JSON: object keys sorted, and undefined values, empty objects and
 * empty arrays left out, so `securityContext: {}` and no securityContext read the same. Written
 * out directly rather than through an intermediate object: it runs for every Pod.
 */
function text(value: unknown, memo?: WeakMap<object, string>): string {
  if (value === undefined || value === null) return '';
  if (typeof value !== 'object') return JSON.stringify(value) ?? '';
  // The collector shares equal parts of Pods (collect/share.ts): each is written out once.
  const known = memo?.get(value);
  if (known !== undefined) return known;
  let out = '';
  if (Array.isArray(value)) {
    for (const item of value) {
      const inner = text(item, memo);
      if (inner !== '') out += out === '' ? inner : `,${inner}`;
    }
    out = out === '' ? '' : `[${out}]`;
  } else {
    const record = value as Record<string, unknown>;
    for (const name of Object.keys(record).sort()) {
      const inner = text(record[name], memo);
      if (inner !== '') out += `${out === '' ? '' : ','}${JSON.stringify(name)}:${inner}`;
    }
    out = out === '' ? '' : `{${out}}`;
  }
  memo?.set(value, out);
  return out;
}

function handlerHosts(handler: unknown): unknown {
  if (typeof handler !== 'object' || handler === null) return undefined;
  const record = handler as Record<string, unknown>;
  const host = (action: unknown) =>
    typeof action === 'object' && action !== null ? (action as Record<string, unknown>).host : undefined;
  return { httpGet: host(record.httpGet), tcpSocket: host(record.tcpSocket) };
}

function containerProjection(
  container: DeepReadonly<Container>,
  hostNetwork: boolean,
  memo: WeakMap<object, string>,
): string {
  const lifecycle =
    typeof container.lifecycle === 'object' && container.lifecycle !== null
      ? (container.lifecycle as Record<string, unknown>)
      : {};
  return text(
    {
      securityContext: container.securityContext,
      // The API server fills hostPort in from containerPort for hostNetwork Pods, but (since
      // 1.28) no longer in templates: that difference is not a divergence.
      hostPorts: (container.ports ?? [])
        .filter(
          (port) =>
            port.hostPort !== undefined &&
            port.hostPort !== 0 &&
            !(hostNetwork && port.hostPort === port.containerPort),
        )
        .map((port) => port.hostPort),
      probeHosts: [
        handlerHosts(container.livenessProbe),
        handlerHosts(container.readinessProbe),
        handlerHosts(container.startupProbe),
        handlerHosts(lifecycle.postStart),
        handlerHosts(lifecycle.preStop),
      ],
    },
    memo,
  );
}

interface Projection {
  pod: string;
  volumes: Map<string, string>;
  containers: Map<string, string>;
  /** Everything, for grouping Pods that differ in the same way. */
  whole: string;
}

const LIST_LABEL: Record<ContainerList, string> = {
  containers: 'container',
  initContainers: 'init container',
  ephemeralContainers: 'ephemeral container',
};

function project(spec: Spec, memo: WeakMap<object, string>): Projection {
  const hostNetwork = spec.hostNetwork === true;
  const pod = text(
    {
      hostNetwork: spec.hostNetwork === true,
      hostPID: spec.hostPID === true,
      hostIPC: spec.hostIPC === true,
      hostUsers: spec.hostUsers,
      securityContext: spec.securityContext,
      os: spec.os,
      // The ServiceAccount admission plugin names `default` in Pods that name none.
      serviceAccountName: spec.serviceAccountName || spec.serviceAccount || 'default',
      automountServiceAccountToken: spec.automountServiceAccountToken,
    },
    memo,
  );
  const volumes = new Map<string, string>();
  for (const volume of spec.volumes ?? []) {
    if (isInjectedTokenVolume(volume)) continue;
    volumes.set(volume.name, text({ ...volume, name: undefined }, memo));
  }
  const containers = new Map<string, string>();
  for (const list of CONTAINER_LISTS) {
    for (const container of spec[list] ?? []) {
      containers.set(
        `${LIST_LABEL[list]} "${container.name}"`,
        containerProjection(container, hostNetwork, memo),
      );
    }
  }
  const entries = (map: Map<string, string>) =>
    [...map]
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
      .map(([name, value]) => `${name}=${value}`)
      .join('\u0001');
  const whole = `${pod}\u0002${entries(volumes)}\u0002${entries(containers)}`;
  return { pod, volumes, containers, whole };
}

/** The container fields `containerProjection` reads. */
const COMPARED_CONTAINER_FIELDS = [
  'securityContext',
  'ports',
  'livenessProbe',
  'readinessProbe',
  'startupProbe',
  'lifecycle',
] as const;

type Volume = NonNullable<Spec['volumes']>[number];
const NO_VOLUMES: readonly Volume[] = [];

function sameVolume(a: Record<string, unknown>, b: Record<string, unknown>): boolean {
  if (a.name !== b.name) return false;
  for (const key of Object.keys(a)) if (a[key] !== b[key]) return false;
  for (const key of Object.keys(b)) if (a[key] !== b[key]) return false;
  return true;
}

/**
 * Whether a Pod certainly reads the same as its template without writing either out: every
 * field the projection reads is the very same value or object. The collector shares equal
 * parts between Pods and templates (collect/share.ts), so this is the common case, and the
 * text projection of most of a 150,000-pod cluster's Pods is never built. Anything else
 * (a different order, an equal but separate object) is left to the full comparison.
 */
function sameAsTemplate(pod: Spec, template: Spec): boolean {
  if (
    (pod.hostNetwork === true) !== (template.hostNetwork === true) ||
    (pod.hostPID === true) !== (template.hostPID === true) ||
    (pod.hostIPC === true) !== (template.hostIPC === true) ||
    pod.hostUsers !== template.hostUsers ||
    pod.securityContext !== template.securityContext ||
    pod.os !== template.os ||
    (pod.serviceAccountName || pod.serviceAccount || 'default') !==
      (template.serviceAccountName || template.serviceAccount || 'default') ||
    pod.automountServiceAccountToken !== template.automountServiceAccountToken
  ) {
    return false;
  }
  // The volumes other than the injected tokens, pairwise in order, without listing them.
  const podVolumes = pod.volumes ?? NO_VOLUMES;
  const templateVolumes = template.volumes ?? NO_VOLUMES;
  let i = 0;
  let j = 0;
  for (;;) {
    while (i < podVolumes.length && isInjectedTokenVolume(podVolumes[i] as Volume)) i++;
    while (j < templateVolumes.length && isInjectedTokenVolume(templateVolumes[j] as Volume)) j++;
    if (i === podVolumes.length || j === templateVolumes.length) {
      if (i !== podVolumes.length || j !== templateVolumes.length) return false;
      break;
    }
    const a = podVolumes[i++] as unknown as Record<string, unknown>;
    const b = templateVolumes[j++] as unknown as Record<string, unknown>;
    if (!sameVolume(a, b)) return false;
  }
  for (const list of CONTAINER_LISTS) {
    const podContainers = pod[list] ?? [];
    const templateContainers = template[list] ?? [];
    if (podContainers.length !== templateContainers.length) return false;
    for (let i = 0; i < podContainers.length; i++) {
      const a = podContainers[i];
      const b = templateContainers[i];
      if (!a || !b || a.name !== b.name) return false;
      for (const field of COMPARED_CONTAINER_FIELDS) if (a[field] !== b[field]) return false;
    }
  }
  return true;
}

/** Short names for objects by identity, so a Pod's compared parts can be named without writing them out. */
class Identities {
  readonly #ids = new WeakMap<object, number>();
  #next = 0;

  of(value: unknown): string {
    if (typeof value !== 'object' || value === null) return JSON.stringify(value) ?? '-';
    let id = this.#ids.get(value);
    if (id === undefined) {
      id = this.#next++;
      this.#ids.set(value, id);
    }
    return `#${id}`;
  }
}

/**
 * Every value `project` reads from a pod spec, by identity: two Pods with the same key project
 * to the same text, so the Pods an admission webhook changed alike (sharing their parts, as
 * the collector makes them) are projected once. Pods whose parts are equal but separate objects
 * get different keys and are simply projected each.
 */
function identityKey(spec: Spec, ids: Identities): string {
  const parts = [
    spec.hostNetwork === true,
    spec.hostPID === true,
    spec.hostIPC === true,
    ids.of(spec.hostUsers),
    ids.of(spec.securityContext),
    ids.of(spec.os),
    ids.of(spec.serviceAccountName || spec.serviceAccount || 'default'),
    ids.of(spec.automountServiceAccountToken),
  ];
  // A volume by its fields: the collector shares a volume's source, not the volume itself.
  for (const volume of spec.volumes ?? []) {
    if (isInjectedTokenVolume(volume)) continue;
    parts.push('volume');
    const fields = volume as unknown as Record<string, unknown>;
    for (const field in fields) parts.push(field, ids.of(fields[field]));
  }
  for (const list of CONTAINER_LISTS) {
    for (const container of spec[list] ?? []) {
      parts.push(list, ids.of(container.name));
      for (const field of COMPARED_CONTAINER_FIELDS) parts.push(ids.of(container[field]));
    }
  }
  return parts.join(',');
}

/** What differs between a Pod and its template, in short phrases; empty when nothing does. */
function differences(pod: Projection, template: Projection): string[] {
  if (pod.whole === template.whole) return [];
  const found: string[] = [];
  if (pod.pod !== template.pod) found.push('pod-level security settings (host namespaces, securityContext)');
  for (const [name, projection] of pod.containers) {
    const expected = template.containers.get(name);
    if (expected === undefined) found.push(`adds ${name}`);
    else if (expected !== projection)
      found.push(`${name} has a different securityContext, host port or probe host`);
  }
  for (const name of template.containers.keys()) {
    if (!pod.containers.has(name)) found.push(`lacks ${name}`);
  }
  for (const [name, projection] of pod.volumes) {
    const expected = template.volumes.get(name);
    if (expected === undefined) found.push(`adds volume "${name}"`);
    else if (expected !== projection) found.push(`volume "${name}" has a different source`);
  }
  for (const name of template.volumes.keys()) {
    if (!pod.volumes.has(name)) found.push(`lacks volume "${name}"`);
  }
  return found;
}

/**
 * Every pod spec in the snapshot. Controllers are reported once, by their template, at the
 * top of their chain (a ReplicaSet through its Deployment, a Job through its CronJob); bare
 * Pods by themselves. A Pod whose controller is in the snapshot is covered by that
 * controller's template, unless it differs from it in a security-relevant way (containers
 * added or removed, another securityContext, host namespace, host port, probe host, volume
 * or service account): admission webhooks inject sidecars and `kubectl debug` adds
 * ephemeral containers, so such a Pod is reported too, as the Pod, with `divergence` naming
 * the controller and what differs. Pods of one controller that differ in exactly the same way
 * (a DaemonSet's pods with the same injected sidecar) are reported once, by the first name.
 *
 * Linear in the size of the snapshot: controllers are indexed once, each template is
 * projected once, each Pod once.
 */
export function workloads(snapshot: Snapshot): Workload[] {
  const lists = sourceLists(snapshot);
  const cached = computedWorkloads.get(snapshot);
  if (cached !== undefined && isFresh(cached, lists)) {
    return [...cached.workloads];
  }
  const computed = computeWorkloads(snapshot);
  computedWorkloads.set(snapshot, { lists, lengths: lists.map((list) => list.length), workloads: computed });
  return [...computed];
}

/**
 * Every check that reads pod specs asks for the same list; a snapshot is immutable, so it is
 * worked out once per snapshot object (and again if a list was replaced or grew, which only a
 * test building a snapshot step by step does). Keyed weakly by that object: nothing outlives
 * the snapshot, and no two clusters' snapshots share an entry.
 */
const computedWorkloads = new WeakMap<Snapshot, Cached>();

type Cached = {
  lists: ReadonlyArray<ReadonlyArray<unknown>>;
  lengths: number[];
  workloads: readonly Workload[];
};

function isFresh(cached: Cached, lists: ReadonlyArray<ReadonlyArray<unknown>>): boolean {
  return cached.lists.every((list, i) => list === lists[i] && cached.lengths[i] === list.length);
}

function sourceLists(snapshot: Snapshot): ReadonlyArray<ReadonlyArray<unknown>> {
  const k8s = snapshot.k8s;
  return [
    k8s.pods,
    k8s.deployments,
    k8s.statefulsets,
    k8s.daemonsets,
    k8s.replicasets,
    k8s.jobs,
    k8s.cronjobs,
    k8s.replicationcontrollers,
  ];
}

function computeWorkloads(snapshot: Snapshot): Workload[] {
  const { controllers, ownerOf, topOf } = indexControllers(snapshot);
  const result: Workload[] = [];
  for (const controller of controllers) {
    if (ownerOf(controller.metadata)) continue;
    const template = controller.template;
    if (!template?.spec) continue;
    result.push({
      resource: controller.resource,
      metadata: controller.metadata,
      podLabels: template.metadata?.labels ?? {},
      podAnnotations: template.metadata?.annotations ?? {},
      spec: template.spec,
      specPath: controller.specPath,
    });
  }

  const templates = new Map<Controller, Projection>();
  const memo = new WeakMap<object, string>();
  const ids = new Identities();
  /** Pods of one controller that differ from its template alike: the first one's index in `result`. */
  const groups = new Map<string, { index: number; pods: number }>();
  /**
   * Per controller and Pod identity key: the group the Pod's projection falls in, or null when
   * it does not differ from the template. Holds the groups themselves, so a projection's text
   * is kept once, as the group's key.
   */
  const compared = new Map<string, { index: number; pods: number } | null>();
  /**
   * Per controller, the last Pod compared and its group: a controller's Pods come one after
   * another in the list, and a Pod that reads the same as the one before it (`sameAsTemplate`
   * on the two Pods) falls in the same group without writing out its identity key.
   */
  const lastCompared = new Map<Controller, { spec: Spec; group: { index: number; pods: number } | null }>();
  // Made only for the Pods reported: most of a large cluster's are covered by their template.
  const podWorkload = (metadata: Meta, spec: Spec): Workload => ({
    resource: ref('v1', 'Pod', metadata),
    metadata,
    podLabels: metadata.labels ?? {},
    podAnnotations: metadata.annotations ?? {},
    spec,
    specPath: 'spec',
  });
  for (const pod of snapshot.k8s.pods) {
    if (!pod.spec) continue;
    const owner = ownerOf(pod.metadata);
    const top = owner ? topOf(owner) : undefined;
    const templateSpec = top?.template?.spec;
    if (!top || !templateSpec) {
      result.push(podWorkload(pod.metadata, pod.spec));
      continue;
    }
    if (sameAsTemplate(pod.spec, templateSpec)) continue;
    const workload = podWorkload(pod.metadata, pod.spec);
    const last = lastCompared.get(top);
    let group = last !== undefined && sameAsTemplate(pod.spec, last.spec) ? last.group : undefined;
    if (group === undefined) {
      const topKey = key(top.resource.kind, top.metadata.namespace, top.metadata.name);
      const podKey = `${topKey}\u0000${identityKey(pod.spec, ids)}`;
      group = compared.get(podKey);
      if (group === undefined) {
        let template = templates.get(top);
        if (!template) {
          template = project(templateSpec, memo);
          templates.set(top, template);
        }
        const projection = project(pod.spec, memo);
        const found = differences(projection, template);
        if (found.length === 0) {
          group = null;
        } else {
          const text = `${topKey}\u0000${projection.whole}`;
          group = groups.get(text);
          if (group === undefined) {
            group = { index: result.length, pods: 0 };
            groups.set(text, group);
            result.push({ ...workload, divergence: { owner: top.resource, differences: found, pods: 1 } });
          }
        }
        compared.set(podKey, group);
      }
    }
    if (last === undefined) lastCompared.set(top, { spec: pod.spec, group });
    else {
      last.spec = pod.spec;
      last.group = group;
    }
    if (group === null) continue;
    group.pods += 1;
    // The group is reported by the first of its Pods by name.
    const current = result[group.index];
    if (current && workload.resource.name < current.resource.name) {
      result[group.index] = {
        ...workload,
        ...(current.divergence ? { divergence: current.divergence } : {}),
      };
    }
  }
  for (const { index, pods } of groups.values()) {
    const entry = result[index];
    if (entry?.divergence) result[index] = { ...entry, divergence: { ...entry.divergence, pods } };
  }
  return result;
}

/**
 * Every container of a pod spec: regular, init and ephemeral (Pod Security Admission visits
 * all three). Listed once per workload object: some thirty checks ask for them, and at 150,000
 * pods making the references (and their paths) anew for each was more than a million objects.
 */
export const containersOf: (workload: Pick<Workload, 'spec' | 'specPath'>) => readonly ContainerRef[] =
  memoisedByObject((workload) => {
    const refs: ContainerRef[] = [];
    for (const list of CONTAINER_LISTS) {
      workload.spec[list]?.forEach((container, index) => {
        refs.push(Object.freeze({ container, list, index, path: `${workload.specPath}.${list}[${index}]` }));
      });
    }
    return Object.freeze(refs);
  });

/**
 * `Deployment payments/api`, for messages. Once per resource object: some fifty checks
 * describe each workload, and every message keeps its description, so a 150,000-pod cluster's
 * findings held a million copies.
 */
export const describe: (resource: ResourceRef) => string = memoisedByObject((resource) =>
  resource.namespace
    ? `${resource.kind} ${resource.namespace}/${resource.name}`
    : `${resource.kind} ${resource.name}`,
);

/**
 * A workload for messages: `Deployment payments/api`, or for a Pod that differs from its
 * controller's template `Pod payments/api-7d9-x2 (of Deployment payments/api, differs from its
 * template)`.
 */
export function describeWorkload(workload: Pick<Workload, 'resource' | 'divergence'>): string {
  return workload.divergence ? describeDivergent(workload) : describe(workload.resource);
}

const describeDivergent = memoisedByObject((workload: Pick<Workload, 'resource' | 'divergence'>): string => {
  const { resource, divergence } = workload;
  if (!divergence) return describe(resource);
  const others = divergence.pods > 1 ? `; ${divergence.pods - 1} more pod(s) differ the same way` : '';
  return `${describe(resource)} (of ${describe(divergence.owner)}, differs from its template${others})`;
});

/** Evidence naming the controller of a Pod that differs from its template; empty otherwise. */
export function divergenceEvidence(workload: Pick<Workload, 'divergence'>): Record<string, string | number> {
  const { divergence } = workload;
  if (!divergence) return {};
  return {
    owner: describe(divergence.owner),
    differsFromTemplate: divergence.differences.join('; '),
    podsDifferingAlike: divergence.pods,
  };
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
