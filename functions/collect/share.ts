import type { Container, K8sObject, ObjectMeta, PodSpec, VolumeMount } from '../core/k8s-types.ts';
import type { K8sKind } from '../core/kinds.ts';
import { podPartsOf } from './pod-template.ts';
import { type KeptByJson, sameJson } from './same-json.ts';

/**
 * Structural sharing of pod specs within one collection. The Pods of a controller are copies
 * of its template: the same env, probes, resources, securityContexts and volume sources, read
 * from the API server thousands of times over, each time as new objects. Once an object is
 * projected and redacted, each of those parts is replaced by the first equal one seen, so a
 * 150,000-pod snapshot holds each distinct part once. The snapshot stays the same value (every
 * part is deep-equal to what it replaces) and is read-only from here on.
 *
 * Parts that are unique per Pod (the service account token volume's name, the node, the IPs)
 * are left alone: sharing them would only cost the lookup.
 */

export interface SharedParts {
  /** Every part kept, per tag (`shared`). */
  readonly parts: KeptByJson<unknown>;
}

/** The volume and mount of the service account token, named `kube-api-access-<5 chars>` per Pod. */
const PER_POD_NAME = /^kube-api-access-/;

const CONTAINER_PARTS = [
  'command',
  'args',
  'env',
  'envFrom',
  'ports',
  'securityContext',
  'resources',
  'livenessProbe',
  'readinessProbe',
  'startupProbe',
  'lifecycle',
] as const satisfies readonly (keyof Container)[];

const VOLUME_SOURCES = [
  'hostPath',
  'secret',
  'configMap',
  'projected',
  'emptyDir',
  'persistentVolumeClaim',
  'csi',
] as const;

/**
 * The first value seen that equals `value` (as JSON; projected values have a fixed key order),
 * compared first with the last parts of its tag (`KeptByJson`).
 */
function shared<T>(cache: SharedParts, tag: string, value: T): T {
  if (value === undefined || value === null || typeof value !== 'object') return value;
  return cache.parts.get(tag, value, sameJson, () => value, keepAsIs) as T;
}

const keepAsIs = (raw: unknown): unknown => raw;

/** A container's mounts, each shared but the Pod's own service account token mount. */
export function shareMounts(mounts: VolumeMount[], cache: SharedParts): VolumeMount[] {
  return mounts.map((mount) =>
    mount.name !== undefined && PER_POD_NAME.test(mount.name) ? mount : shared(cache, 'mount', mount),
  );
}

export function shareContainer(container: Container, cache: SharedParts): void {
  const parts = container as unknown as Record<string, unknown>;
  for (const part of CONTAINER_PARTS) {
    if (parts[part] !== undefined) parts[part] = shared(cache, part, parts[part]);
  }
  if (container.volumeMounts) container.volumeMounts = shareMounts(container.volumeMounts, cache);
}

function shareMetadata(metadata: Partial<ObjectMeta> | undefined, cache: SharedParts): void {
  if (!metadata) return;
  if (metadata.labels) metadata.labels = shared(cache, 'labels', metadata.labels);
  if (metadata.annotations) metadata.annotations = shared(cache, 'annotations', metadata.annotations);
  if (metadata.ownerReferences) metadata.ownerReferences = shared(cache, 'owners', metadata.ownerReferences);
}

/** The parts of a pod spec beside its containers, which `project.ts` shares as it projects them. */
function sharePodSpec(spec: PodSpec | undefined, cache: SharedParts): void {
  if (!spec) return;
  for (const volume of spec.volumes ?? []) {
    const sources = volume as unknown as Record<string, unknown>;
    for (const source of VOLUME_SOURCES) {
      if (sources[source] !== undefined) sources[source] = shared(cache, source, sources[source]);
    }
  }
  if (spec.securityContext) spec.securityContext = shared(cache, 'podSecurityContext', spec.securityContext);
  if (spec.nodeSelector) spec.nodeSelector = shared(cache, 'nodeSelector', spec.nodeSelector);
}

/** Shares the parts of a projected, redacted object's pod spec (Pods and controller templates). */
export function shareObject(kind: K8sKind, object: K8sObject, cache: SharedParts): void {
  const pod = podPartsOf(kind, object);
  if (!pod) return;
  shareMetadata(pod.metadata, cache);
  sharePodSpec(pod.spec, cache);
}
