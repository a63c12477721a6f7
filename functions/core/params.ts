import type { CheckParams } from './model.ts';

/** Defaults for every check parameter; config may override each one. */
export const DEFAULT_PARAMS: CheckParams = {
  // CIS EKS 2.1.1 asks for all five control-plane log types.
  requiredLogTypes: ['api', 'audit', 'authenticator', 'controllerManager', 'scheduler'],
  systemNamespaces: [
    'kube-system',
    'kube-public',
    'kube-node-lease',
    'amazon-cloudwatch',
    'amazon-guardduty',
  ],
  openCidrs: ['0.0.0.0/0', '::/0'],
  versionSupportWarningDays: 60,
  clusterAdminAllowedSubjects: ['system:masters'],
  // kube-bench and kubescape allow-list the built-in `system:*` and EKS `eks:*` RBAC objects.
  rbacIgnoredPrefixes: ['system:', 'eks:'],
  // Add-ons in kube-system (VPC CNI, CoreDNS, kube-proxy) talk to the API server by design.
  tokenAutomountAllowedNamespaces: ['kube-system'],
};
