import type { CronJob, K8sObject, ObjectMeta, PodController, PodSpec } from '../core/k8s-types.ts';
import type { K8sKind } from '../core/kinds.ts';

const CONTROLLERS: ReadonlySet<K8sKind> = new Set([
  'deployments',
  'statefulsets',
  'daemonsets',
  'replicasets',
  'jobs',
  'replicationcontrollers',
]);

/** The metadata and pod spec an object runs pods with: a Pod's own, or its controller's template. */
export interface PodParts {
  metadata: Partial<ObjectMeta> | undefined;
  spec: PodSpec | undefined;
}

/**
 * Where an object of `kind` keeps a pod spec, or undefined for kinds that have none. Redaction
 * and sharing both walk exactly these parts.
 */
export function podPartsOf(kind: K8sKind, object: K8sObject): PodParts | undefined {
  if (kind === 'pods') return { metadata: object.metadata, spec: (object as { spec?: PodSpec }).spec };
  if (CONTROLLERS.has(kind)) {
    const template = (object as PodController).spec?.template;
    return { metadata: template?.metadata, spec: template?.spec };
  }
  if (kind === 'cronjobs') {
    const template = (object as CronJob).spec?.jobTemplate?.spec?.template;
    return { metadata: template?.metadata, spec: template?.spec };
  }
  return undefined;
}
