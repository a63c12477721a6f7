import type { Check } from '../../core/model.ts';
import { rbacView, type SensitiveGrant, sensitiveAccessOutcomes } from '../lib/rbac.ts';

/** Every verb: the kubelet API reached through the proxy maps them all to something. */
const ANY_VERB = ['get', 'list', 'watch', 'create', 'update', 'patch', 'delete', 'deletecollection', 'proxy'];

const GRANTS: readonly SensitiveGrant[] = [
  {
    access: { verbs: ANY_VERB, apiGroups: [''], resources: ['nodes/proxy'] },
    nameable: true,
    clusterScoped: true,
  },
];

/**
 * CIS EKS 4.1.10. Watchkeeper's own opt-in kubelet-config role (`get nodes/proxy`, for the
 * CIS 3.2.x configz checks) is this exact grant: it is approved by default through
 * nodeProxyAllowedSubjects and reported as such, so the trade-off stays visible.
 * https://kubernetes.io/docs/concepts/security/rbac-good-practices/#access-to-proxy-subresource-of-nodes
 */
export const rbacNodeProxyAccessLimited: Check = {
  id: 'rbac-node-proxy-access-limited',
  title: 'Only approved subjects can reach the kubelet API through nodes/proxy',
  severity: 'high',
  responsibility: 'customer',
  frameworks: [
    { framework: 'cis-eks-1.8.0', requirement: '4.1.10' },
    { framework: 'nsa-cisa-1.2', requirement: 'rbac' },
    { framework: 'eks-best-practices', requirement: 'identity-and-access-management' },
  ],
  reads: ['roles', 'clusterroles', 'rolebindings', 'clusterrolebindings'],
  rationale:
    'The nodes/proxy subresource forwards requests to the kubelet API of a node. The kubelet serves ' +
    'exec, attach and run there, and accepts them over websockets opened with a plain GET, so even ' +
    '"get nodes/proxy" lets the holder run commands in every container on every node it reaches, ' +
    'without the request passing pod admission or appearing as an exec in the audit log.',
  remediation: {
    summary:
      'Remove every verb on nodes/proxy from roles that do not strictly need it. Monitoring agents ' +
      'should use nodes/metrics or nodes/stats; approve the rest in nodeProxyAllowedSubjects. Watchkeeper ' +
      'needs get nodes/proxy only when kubelet configuration checks are turned on: delete ' +
      'deploy/cluster-rbac-kubelet-config.yaml when you do not use them.',
    cli:
      'kubectl auth can-i get nodes/proxy --as <user>\n' +
      'kubectl delete -f deploy/cluster-rbac-kubelet-config.yaml   # the scanner opt-in, if unused',
    iac: 'rules:\n  - apiGroups: [""]\n    resources: ["nodes/metrics", "nodes/stats"]\n    verbs: ["get"]',
  },
  docs: [
    'https://kubernetes.io/docs/concepts/security/rbac-good-practices/#access-to-proxy-subresource-of-nodes',
    'https://kubernetes.io/docs/reference/access-authn-authz/kubelet-authn-authz/',
  ],
  evaluate(snapshot, params) {
    const view = rbacView(snapshot, params.rbacIgnoredPrefixes);
    return sensitiveAccessOutcomes(snapshot, view, {
      what: 'reach the kubelet API through nodes/proxy',
      grants: GRANTS,
      approved: [
        { names: params.clusterAdminAllowedSubjects, param: 'clusterAdminAllowedSubjects' },
        {
          names: params.nodeProxyAllowedSubjects,
          param: 'nodeProxyAllowedSubjects, e.g. the scanner’s opt-in kubelet-config role',
        },
      ],
    });
  },
};
