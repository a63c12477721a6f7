/**
 * The kinds Watchkeeper can read, as one table shared by the collector (which builds list
 * paths from it), the emulator (which serves discovery from it) and the checks (which name
 * what they read). Keys are the Kubernetes plural resource names, so a gap reads like RBAC.
 */
export interface K8sKindInfo {
  /** API group; '' is the core group. */
  readonly group: string;
  readonly version: string;
  /** Kind of one object, e.g. `Pod`. */
  readonly kind: string;
  readonly namespaced: boolean;
}

export const K8S_KINDS = {
  namespaces: { group: '', version: 'v1', kind: 'Namespace', namespaced: false },
  nodes: { group: '', version: 'v1', kind: 'Node', namespaced: false },
  pods: { group: '', version: 'v1', kind: 'Pod', namespaced: true },
  services: { group: '', version: 'v1', kind: 'Service', namespaced: true },
  serviceaccounts: { group: '', version: 'v1', kind: 'ServiceAccount', namespaced: true },
  configmaps: { group: '', version: 'v1', kind: 'ConfigMap', namespaced: true },
  replicationcontrollers: { group: '', version: 'v1', kind: 'ReplicationController', namespaced: true },
  persistentvolumes: { group: '', version: 'v1', kind: 'PersistentVolume', namespaced: false },
  resourcequotas: { group: '', version: 'v1', kind: 'ResourceQuota', namespaced: true },
  limitranges: { group: '', version: 'v1', kind: 'LimitRange', namespaced: true },
  deployments: { group: 'apps', version: 'v1', kind: 'Deployment', namespaced: true },
  statefulsets: { group: 'apps', version: 'v1', kind: 'StatefulSet', namespaced: true },
  daemonsets: { group: 'apps', version: 'v1', kind: 'DaemonSet', namespaced: true },
  replicasets: { group: 'apps', version: 'v1', kind: 'ReplicaSet', namespaced: true },
  jobs: { group: 'batch', version: 'v1', kind: 'Job', namespaced: true },
  cronjobs: { group: 'batch', version: 'v1', kind: 'CronJob', namespaced: true },
  networkpolicies: { group: 'networking.k8s.io', version: 'v1', kind: 'NetworkPolicy', namespaced: true },
  ingresses: { group: 'networking.k8s.io', version: 'v1', kind: 'Ingress', namespaced: true },
  roles: { group: 'rbac.authorization.k8s.io', version: 'v1', kind: 'Role', namespaced: true },
  clusterroles: { group: 'rbac.authorization.k8s.io', version: 'v1', kind: 'ClusterRole', namespaced: false },
  rolebindings: { group: 'rbac.authorization.k8s.io', version: 'v1', kind: 'RoleBinding', namespaced: true },
  clusterrolebindings: {
    group: 'rbac.authorization.k8s.io',
    version: 'v1',
    kind: 'ClusterRoleBinding',
    namespaced: false,
  },
  validatingwebhookconfigurations: {
    group: 'admissionregistration.k8s.io',
    version: 'v1',
    kind: 'ValidatingWebhookConfiguration',
    namespaced: false,
  },
  mutatingwebhookconfigurations: {
    group: 'admissionregistration.k8s.io',
    version: 'v1',
    kind: 'MutatingWebhookConfiguration',
    namespaced: false,
  },
  customresourcedefinitions: {
    group: 'apiextensions.k8s.io',
    version: 'v1',
    kind: 'CustomResourceDefinition',
    namespaced: false,
  },
} as const satisfies Record<string, K8sKindInfo>;

export type K8sKind = keyof typeof K8S_KINDS;

/** Facts read from the AWS APIs rather than the Kubernetes API. */
export const EKS_KINDS = {
  'eks:cluster': 'DescribeCluster',
  'eks:clusterVersions': 'DescribeClusterVersions',
  'eks:nodegroups': 'ListNodegroups + DescribeNodegroup',
  'eks:addons': 'ListAddons + DescribeAddon',
  'eks:accessEntries': 'ListAccessEntries + ListAssociatedAccessPolicies',
  'eks:fargateProfiles': 'ListFargateProfiles + DescribeFargateProfile',
  'eks:insights': 'ListInsights',
  'ec2:launchTemplates': 'DescribeLaunchTemplateVersions (node group launch templates)',
} as const;

export type EksKind = keyof typeof EKS_KINDS;

/**
 * Per-node reads through the API server's node proxy, one GET per node. Opt-in only: the
 * `get nodes/proxy` grant they need also reaches the kubelet API (CIS EKS 4.1.10).
 */
export const NODE_KINDS = {
  'kubelet:configz': 'GET /api/v1/nodes/{name}/proxy/configz (kubelet configuration, opt-in)',
} as const;

export type NodeKind = keyof typeof NODE_KINDS;

/** Anything a check may declare in `reads`. */
export type ReadKind = K8sKind | EksKind | NodeKind;

export const ALL_K8S_KINDS = Object.keys(K8S_KINDS) as K8sKind[];

export function isK8sKind(value: string): value is K8sKind {
  return Object.hasOwn(K8S_KINDS, value);
}

export function isEksKind(value: string): value is EksKind {
  return Object.hasOwn(EKS_KINDS, value);
}

export function isNodeKind(value: string): value is NodeKind {
  return Object.hasOwn(NODE_KINDS, value);
}

/** Any kind a check may read or a gap may name. */
export function isReadKind(value: string): value is ReadKind {
  return isK8sKind(value) || isEksKind(value) || isNodeKind(value);
}

/** `apps/v1` for a grouped kind, `v1` for the core group. */
export function apiVersionOf(kind: K8sKind): string {
  const info: K8sKindInfo = K8S_KINDS[kind];
  return info.group === '' ? info.version : `${info.group}/${info.version}`;
}

/** Finds the plural key for an object's `kind` (e.g. `Pod` → `pods`). */
export function kindKeyOf(kind: string): K8sKind | undefined {
  return ALL_K8S_KINDS.find((key) => K8S_KINDS[key].kind === kind);
}
