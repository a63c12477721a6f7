import { ALL_K8S_KINDS, K8S_KINDS, type K8sKind, type K8sKindInfo } from '../core/kinds.ts';

/**
 * Legacy (non-aggregated) discovery documents, built from the kinds table: what kubectl
 * reads before it can turn `get deploy` into a URL. Discovery ignores RBAC in Kubernetes
 * too, so every resource is listed whatever the allow-list says.
 */

/** A resource the emulator knows: a readable kind, or `secrets`, known only to be refused. */
export interface ServedResource {
  readonly resource: string;
  readonly group: string;
  readonly version: string;
  readonly kind: string;
  readonly namespaced: boolean;
  /** undefined for `secrets`, which the emulator never serves. */
  readonly key: K8sKind | undefined;
}

const SHORT_NAMES: Partial<Record<string, readonly string[]>> = {
  namespaces: ['ns'],
  nodes: ['no'],
  pods: ['po'],
  services: ['svc'],
  serviceaccounts: ['sa'],
  configmaps: ['cm'],
  replicationcontrollers: ['rc'],
  persistentvolumes: ['pv'],
  resourcequotas: ['quota'],
  limitranges: ['limits'],
  deployments: ['deploy'],
  statefulsets: ['sts'],
  daemonsets: ['ds'],
  replicasets: ['rs'],
  cronjobs: ['cj'],
  networkpolicies: ['netpol'],
  ingresses: ['ing'],
  customresourcedefinitions: ['crd', 'crds'],
};

export const SECRETS: ServedResource = {
  resource: 'secrets',
  group: '',
  version: 'v1',
  kind: 'Secret',
  namespaced: true,
  key: undefined,
};

export const SERVED_RESOURCES: readonly ServedResource[] = [
  ...ALL_K8S_KINDS.map((key) => {
    const info: K8sKindInfo = K8S_KINDS[key];
    return { resource: key, ...info, key };
  }),
  SECRETS,
];

export function groupVersionOf(group: string, version: string): string {
  return group === '' ? version : `${group}/${version}`;
}

export function findResource(group: string, version: string, resource: string): ServedResource | undefined {
  return SERVED_RESOURCES.find((r) => r.group === group && r.version === version && r.resource === resource);
}

export function hasGroupVersion(group: string, version: string): boolean {
  return SERVED_RESOURCES.some((r) => r.group === group && r.version === version);
}

export function apiVersions(serverAddress: string) {
  return {
    kind: 'APIVersions',
    versions: ['v1'],
    serverAddressByClientCIDRs: [{ clientCIDR: '0.0.0.0/0', serverAddress }],
  };
}

function groupDocument(name: string) {
  const versions = [...new Set(SERVED_RESOURCES.filter((r) => r.group === name).map((r) => r.version))].map(
    (version) => ({ groupVersion: groupVersionOf(name, version), version }),
  );
  const preferred = versions[0] ?? { groupVersion: groupVersionOf(name, 'v1'), version: 'v1' };
  return { name, versions, preferredVersion: preferred };
}

function namedGroups(): string[] {
  return [...new Set(SERVED_RESOURCES.map((r) => r.group).filter((g) => g !== ''))];
}

export function apiGroupList() {
  return { kind: 'APIGroupList', apiVersion: 'v1', groups: namedGroups().map(groupDocument) };
}

export function apiGroup(name: string) {
  if (!namedGroups().includes(name)) return undefined;
  return { kind: 'APIGroup', apiVersion: 'v1', ...groupDocument(name) };
}

export function apiResourceList(group: string, version: string) {
  if (!hasGroupVersion(group, version)) return undefined;
  return {
    kind: 'APIResourceList',
    apiVersion: 'v1',
    groupVersion: groupVersionOf(group, version),
    resources: SERVED_RESOURCES.filter((r) => r.group === group && r.version === version).map((r) => ({
      name: r.resource,
      singularName: r.kind.toLowerCase(),
      namespaced: r.namespaced,
      kind: r.kind,
      // The emulator is read-only; advertising only what it answers keeps kubectl honest.
      verbs: ['get', 'list'],
      ...(SHORT_NAMES[r.resource] === undefined ? {} : { shortNames: SHORT_NAMES[r.resource] }),
    })),
  };
}
