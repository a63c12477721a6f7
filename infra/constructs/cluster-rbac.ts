import { stringify } from 'yaml';
import { K8S_KINDS, type K8sKindInfo } from '../../functions/core/kinds.ts';

/**
 * The scanner's in-cluster permissions, defined once. `deploy/cluster-rbac.yaml` (for
 * `kubectl apply`) and the ScannerClusterAccess construct (for CDK-managed clusters) are both
 * generated from here, and test/infra/cluster-rbac.test.ts fails when the YAML drifts.
 * Regenerate the YAML with `node infra/render-cluster-rbac.ts`.
 *
 * The ClusterRole grants get and list (no watch: a scan is one pass) on exactly the kinds the
 * collector reads (`K8S_KINDS`), and nothing else: no secrets, no `nodes/proxy`, no pod
 * exec/attach/log/port-forward, no token requests, no impersonation, no write verb.
 * reference/aws-notes.md §2.4.
 */

/** The Kubernetes group the scanner's access entry puts it in. */
export const SCANNER_GROUP = 'watchkeeper-readers';
export const SCANNER_CLUSTER_ROLE = 'watchkeeper-reader';
export const KUBELET_CONFIG_CLUSTER_ROLE = 'watchkeeper-kubelet-config-reader';
export const READ_VERBS = ['get', 'list'] as const;

/**
 * Resources the scanner must never be granted, whatever `K8S_KINDS` grows into. Reading
 * secrets returns their data (there is no metadata-only verb); `get nodes/proxy` reaches the
 * kubelet API, whose exec endpoints answer HTTP GET, so it is not read-only.
 * https://kubernetes.io/docs/reference/access-authn-authz/kubelet-authn-authz/
 */
export const FORBIDDEN_RESOURCES = [
  '*',
  'secrets',
  'nodes/proxy',
  'pods/exec',
  'pods/attach',
  'pods/log',
  'pods/portforward',
  'serviceaccounts/token',
] as const;

export interface KubeObject {
  apiVersion: string;
  kind: string;
  metadata: { name: string; labels: Record<string, string> };
  [field: string]: unknown;
}

interface PolicyRule {
  apiGroups: string[];
  resources: string[];
  verbs: string[];
}

const LABELS = {
  'app.kubernetes.io/name': 'watchkeeper',
  'app.kubernetes.io/component': 'scanner-rbac',
} as const;

export class ForbiddenScannerResourceError extends Error {
  override name = 'ForbiddenScannerResourceError';
}

/** One rule per API group, in the order `K8S_KINDS` lists them, resources sorted. */
export function scannerRules(kinds: Record<string, K8sKindInfo> = K8S_KINDS): PolicyRule[] {
  const byGroup = new Map<string, string[]>();
  for (const [resource, info] of Object.entries(kinds)) {
    if ((FORBIDDEN_RESOURCES as readonly string[]).includes(resource) || resource.includes('/')) {
      throw new ForbiddenScannerResourceError(
        `the scanner's ClusterRole may not grant '${resource}' (see FORBIDDEN_RESOURCES)`,
      );
    }
    const resources = byGroup.get(info.group) ?? [];
    resources.push(resource);
    byGroup.set(info.group, resources);
  }
  return [...byGroup].map(([group, resources]) => ({
    apiGroups: [group],
    resources: [...resources].sort(),
    verbs: [...READ_VERBS],
  }));
}

function clusterRole(name: string, rules: PolicyRule[]): KubeObject {
  return {
    apiVersion: 'rbac.authorization.k8s.io/v1',
    kind: 'ClusterRole',
    metadata: { name, labels: { ...LABELS } },
    rules,
  };
}

function clusterRoleBinding(roleName: string, group: string): KubeObject {
  return {
    apiVersion: 'rbac.authorization.k8s.io/v1',
    kind: 'ClusterRoleBinding',
    metadata: { name: roleName, labels: { ...LABELS } },
    roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: roleName },
    subjects: [{ apiGroup: 'rbac.authorization.k8s.io', kind: 'Group', name: group }],
  };
}

/** The default, read-only ClusterRole and its binding to the scanner's group. */
export function scannerRbacManifests(group: string = SCANNER_GROUP): KubeObject[] {
  return [clusterRole(SCANNER_CLUSTER_ROLE, scannerRules()), clusterRoleBinding(SCANNER_CLUSTER_ROLE, group)];
}

/**
 * Opt-in only: `get nodes/proxy`, which the kubelet configuration checks (`kubelet:configz`
 * in functions/core/kinds.ts: `/configz` through the API server) need. It is NOT read-only: the kubelet's exec/attach/run endpoints are
 * reachable with GET, so this lets the holder run commands in every container on every node.
 */
export function kubeletConfigRbacManifests(group: string = SCANNER_GROUP): KubeObject[] {
  return [
    clusterRole(KUBELET_CONFIG_CLUSTER_ROLE, [
      { apiGroups: [''], resources: ['nodes/proxy'], verbs: ['get'] },
    ]),
    clusterRoleBinding(KUBELET_CONFIG_CLUSTER_ROLE, group),
  ];
}

const GENERATED = [
  '# Generated from infra/constructs/cluster-rbac.ts by `node infra/render-cluster-rbac.ts`.',
  '# Do not edit: test/infra/cluster-rbac.test.ts fails when this file and the definition differ.',
];

export const SCANNER_RBAC_HEADER = [
  ...GENERATED,
  '#',
  '# Watchkeeper scanner: read-only access for the EKS access entry group `watchkeeper-readers`.',
  '# get/list only, on exactly the kinds the collector reads (functions/core/kinds.ts). Never Secret',
  '# objects, the kubelet proxy, pod exec/attach/logs, impersonation or any write verb; the opt-in',
  '# kubelet proxy role lives in its own file, deploy/cluster-rbac-kubelet-config.yaml.',
  '#',
  '#   kubectl apply -f deploy/cluster-rbac.yaml',
  '#',
  '# Then give the scanner role an access entry in that group, without an access policy:',
  '#   aws eks create-access-entry --cluster-name <cluster> --principal-arn <role-arn> \\',
  '#     --type STANDARD --kubernetes-groups watchkeeper-readers',
  '# See docs/deploy.md.',
];

export const KUBELET_CONFIG_RBAC_HEADER = [
  ...GENERATED,
  '#',
  '# OPT-IN, DANGEROUS. Apply only to run the kubelet configuration checks (node-kubelet-*, CIS EKS',
  "# 3.2), which read each node's /configz through the API server and are opt-in in the scanner as",
  '# well. Without this file those checks report not_evaluated; everything else works.',
  '#',
  '# `get nodes/proxy` is NOT read-only. The kubelet API behind nodes/proxy serves exec, attach',
  '# and run over websockets opened with HTTP GET, so whoever holds this permission can run',
  '# commands in every container on every node of the cluster. Prefer the fine-grained kubelet',
  '# subresources (nodes/configz, GA in Kubernetes 1.36) when the scanner can reach kubelets.',
  '# https://kubernetes.io/docs/reference/access-authn-authz/kubelet-authn-authz/',
  '#',
  '#   kubectl apply -f deploy/cluster-rbac-kubelet-config.yaml    # opt in',
  '#   kubectl delete -f deploy/cluster-rbac-kubelet-config.yaml   # opt out',
];

/** Renders manifests as one multi-document YAML file with a comment header. */
export function renderYaml(header: readonly string[], manifests: readonly KubeObject[]): string {
  const documents = manifests.map((manifest) => stringify(manifest, { lineWidth: 0 }));
  return `${header.join('\n')}\n---\n${documents.join('---\n')}`;
}

export const SCANNER_RBAC_FILE = 'deploy/cluster-rbac.yaml';
export const KUBELET_CONFIG_RBAC_FILE = 'deploy/cluster-rbac-kubelet-config.yaml';

/** Every generated file with its expected content, keyed by path relative to the repository root. */
export function generatedRbacFiles(): Record<string, string> {
  return {
    [SCANNER_RBAC_FILE]: renderYaml(SCANNER_RBAC_HEADER, scannerRbacManifests()),
    [KUBELET_CONFIG_RBAC_FILE]: renderYaml(KUBELET_CONFIG_RBAC_HEADER, kubeletConfigRbacManifests()),
  };
}
