import type { Check } from '../../core/model.ts';
import { rbacView, type SensitiveGrant, sensitiveAccessOutcomes } from '../lib/rbac.ts';

/**
 * Creating a pod means choosing its spec: image, service account, host mounts, privileges.
 * A workload controller creates pods from its template, so creating one, or changing the
 * template of an existing one, creates pods just as well.
 * https://kubernetes.io/docs/concepts/security/rbac-good-practices/#workload-creation
 */
const GRANTS: readonly SensitiveGrant[] = [
  {
    access: { verbs: ['create'], apiGroups: [''], resources: ['pods', 'replicationcontrollers'] },
    nameable: false,
  },
  {
    access: {
      verbs: ['create'],
      apiGroups: ['apps'],
      resources: ['deployments', 'daemonsets', 'statefulsets', 'replicasets'],
    },
    nameable: false,
  },
  { access: { verbs: ['create'], apiGroups: ['batch'], resources: ['jobs', 'cronjobs'] }, nameable: false },
  {
    access: { verbs: ['update', 'patch'], apiGroups: [''], resources: ['replicationcontrollers'] },
    nameable: true,
  },
  {
    access: {
      verbs: ['update', 'patch'],
      apiGroups: ['apps'],
      resources: ['deployments', 'daemonsets', 'statefulsets', 'replicasets'],
    },
    nameable: true,
  },
  { access: { verbs: ['update', 'patch'], apiGroups: ['batch'], resources: ['cronjobs'] }, nameable: true },
];

/** CIS EKS 4.1.4. */
export const rbacPodCreationLimited: Check = {
  id: 'rbac-pod-creation-limited',
  title: 'Only approved subjects can create pods, directly or through controllers',
  severity: 'high',
  responsibility: 'customer',
  frameworks: [
    { framework: 'cis-eks-1.8.0', requirement: '4.1.4' },
    { framework: 'nsa-cisa-1.2', requirement: 'rbac' },
    { framework: 'eks-best-practices', requirement: 'identity-and-access-management' },
  ],
  reads: ['roles', 'clusterroles', 'rolebindings', 'clusterrolebindings'],
  rationale:
    'Whoever can create a pod in a namespace can run any image there as any ServiceAccount of that ' +
    'namespace, mount its Secrets and ConfigMaps, and, unless admission control stops it, ask for ' +
    'privileged mode or host mounts that lead to the node. Deployments, DaemonSets, StatefulSets, ' +
    'ReplicaSets, Jobs, CronJobs and ReplicationControllers create pods from their templates, so ' +
    'creating one, or patching the template of one, is the same power one step removed.',
  remediation: {
    summary:
      'Keep create (and update/patch of workload templates) to the CI/CD identities and operators that ' +
      'deploy workloads, bound per namespace; give people read-only roles and deploy through the ' +
      'pipeline. Approve the remaining identities in podCreationAllowedSubjects.',
    cli:
      'kubectl auth can-i create pods --as <user> -n <namespace>\n' +
      'kubectl auth can-i create deployments.apps --as <user> -n <namespace>\n' +
      'kubectl get rolebindings,clusterrolebindings -A -o wide',
    iac:
      'apiVersion: rbac.authorization.k8s.io/v1\nkind: RoleBinding\nmetadata:\n  name: team-view\n' +
      '  namespace: team\nroleRef:\n  apiGroup: rbac.authorization.k8s.io\n  kind: ClusterRole\n  name: view\n' +
      'subjects:\n  - apiGroup: rbac.authorization.k8s.io\n    kind: Group\n    name: team-developers',
  },
  docs: [
    'https://kubernetes.io/docs/concepts/security/rbac-good-practices/#workload-creation',
    'https://kubernetes.io/docs/reference/access-authn-authz/rbac/',
    'https://docs.aws.amazon.com/eks/latest/best-practices/identity-and-access-management.html',
  ],
  evaluate(snapshot, params) {
    const view = rbacView(snapshot, params.rbacIgnoredPrefixes);
    return sensitiveAccessOutcomes(snapshot, view, {
      what: 'create pods (directly or through workload controllers)',
      grants: GRANTS,
      approved: [
        { names: params.clusterAdminAllowedSubjects, param: 'clusterAdminAllowedSubjects' },
        { names: params.podCreationAllowedSubjects, param: 'podCreationAllowedSubjects' },
      ],
    });
  },
};
