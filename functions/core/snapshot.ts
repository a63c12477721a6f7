import type { K8sKind } from './kinds.ts';
import { ALL_K8S_KINDS, kindKeyOf } from './kinds.ts';
import type { ClusterRef, ClusterSnapshot, K8sObjects } from './model.ts';
import { SCHEMA_VERSION } from './model.ts';

export function emptyK8sObjects(): K8sObjects {
  const lists: Partial<Record<K8sKind, unknown[]>> = {};
  for (const kind of ALL_K8S_KINDS) lists[kind] = [];
  return lists as K8sObjects;
}

export function newSnapshot(cluster: ClusterRef, collectedAt: string, source: string): ClusterSnapshot {
  return {
    schemaVersion: SCHEMA_VERSION,
    cluster,
    collectedAt,
    source,
    eks: {},
    k8s: emptyK8sObjects(),
    gaps: [],
  };
}

/**
 * Files an object under its kind's list. Returns false for a kind Watchkeeper does not read,
 * so callers can report what they skipped.
 */
export function addObject(
  snapshot: ClusterSnapshot,
  object: { kind?: string } & Record<string, unknown>,
): boolean {
  const key = object.kind ? kindKeyOf(object.kind) : undefined;
  if (!key) return false;
  (snapshot.k8s[key] as unknown[]).push(object);
  return true;
}
