import type { Check } from '../../core/model.ts';
import { groupBy, namespaceOf } from '../lib/group.ts';
import { clusterResource, manual } from '../lib/outcomes.ts';
import { rbacView } from '../lib/rbac.ts';
import { WORKLOAD_KINDS, workloads } from '../lib/workloads.ts';

const MAX_LISTED = 15;

/**
 * CIS EKS 4.5.1 (Manual): namespaces are the unit of RBAC, quota, network policy and Pod
 * Security scope, so teams and applications should each get their own. Whether the split
 * matches the organisation is for a person to judge; the check gathers the facts.
 * https://docs.aws.amazon.com/eks/latest/best-practices/tenant-isolation.html
 */
export const namespaceAdminBoundaries: Check = {
  id: 'namespace-admin-boundaries',
  title: 'Namespaces separate teams and applications into administrative units',
  severity: 'medium',
  responsibility: 'customer',
  frameworks: [
    { framework: 'cis-eks-1.8.0', requirement: '4.5.1' },
    { framework: 'nsa-cisa-1.2', requirement: 'network-separation' },
    { framework: 'eks-best-practices', requirement: 'multi-tenancy' },
  ],
  reads: [
    'namespaces',
    'resourcequotas',
    'limitranges',
    'rolebindings',
    'clusterrolebindings',
    ...WORKLOAD_KINDS,
  ],
  rationale:
    'RoleBindings, ResourceQuotas, LimitRanges, NetworkPolicies and Pod Security levels all apply per ' +
    'namespace. When unrelated teams or applications share one, none of those controls can tell them ' +
    'apart: a developer of one can read the other’s Secrets, and one runaway workload can starve the ' +
    'rest. Access granted cluster-wide instead of per namespace erases the boundary altogether.',
  remediation: {
    summary:
      'Give each team or application its own namespace; grant access there with RoleBindings rather than ' +
      'ClusterRoleBindings, and add a ResourceQuota and a LimitRange to every application namespace.',
    cli:
      'kubectl create namespace <team>\n' +
      'kubectl create rolebinding <team>-edit --clusterrole=edit --group=<team-group> -n <team>\n' +
      'kubectl create quota <team>-quota --hard=requests.cpu=8,requests.memory=16Gi -n <team>',
  },
  docs: [
    'https://docs.aws.amazon.com/eks/latest/best-practices/tenant-isolation.html',
    'https://kubernetes.io/docs/concepts/security/multi-tenancy/',
    'https://kubernetes.io/docs/concepts/policy/resource-quotas/',
  ],
  outcomes: ['manual'],
  evaluate(snapshot, params) {
    const system = new Set(params.systemNamespaces);
    const names = snapshot.k8s.namespaces.map((ns) => ns.metadata.name).filter((name) => !system.has(name));
    const view = rbacView(snapshot, params.rbacIgnoredPrefixes);
    // Counted per namespace in one pass each, then looked up: no scan of every list per namespace.
    const workloadsIn = groupBy(workloads(snapshot), (w) => w.resource.namespace ?? 'default');
    const roleBindingsIn = groupBy(
      view.bindings.filter((b) => b.kind === 'RoleBinding'),
      (b) => b.scope ?? '',
    );
    const quotas = groupBy(snapshot.k8s.resourcequotas, namespaceOf);
    const limitRanges = groupBy(snapshot.k8s.limitranges, namespaceOf);
    const rows = [...names].sort().map((namespace) => ({
      namespace,
      workloads: workloadsIn.get(namespace)?.length ?? 0,
      roleBindings: roleBindingsIn.get(namespace)?.length ?? 0,
      quota: quotas.has(namespace),
      limits: limitRanges.has(namespace),
    }));
    const clusterWide = view.bindings.filter((b) => b.kind === 'ClusterRoleBinding').length;
    const namespaced = view.bindings.filter((b) => b.kind === 'RoleBinding').length;
    const withQuota = rows.filter((row) => row.quota).length;
    const withLimits = rows.filter((row) => row.limits).length;
    const table = rows
      .slice(0, MAX_LISTED)
      .map(
        (row) =>
          `${row.namespace}: ${row.workloads} workload(s), ${row.roleBindings} RoleBinding(s), ` +
          `quota ${row.quota ? 'yes' : 'no'}, limits ${row.limits ? 'yes' : 'no'}`,
      )
      .join('; ');
    const more = rows.length > MAX_LISTED ? `; and ${rows.length - MAX_LISTED} more` : '';
    return [
      manual(
        clusterResource(snapshot),
        'Attest that each team and application has its own namespace and that access is granted per ' +
          `namespace. Evidence: ${rows.length} non-system namespace(s); ${namespaced} RoleBinding(s) vs ` +
          `${clusterWide} cluster-wide ClusterRoleBinding(s) (built-ins left out); ${withQuota} namespace(s) ` +
          `with a ResourceQuota and ${withLimits} with a LimitRange` +
          (rows.length > 0 ? `. Per namespace: ${table}${more}.` : '.'),
        {
          evidence: {
            namespaces: rows.length,
            roleBindings: namespaced,
            clusterRoleBindings: clusterWide,
            namespacesWithQuota: withQuota,
            namespacesWithLimitRange: withLimits,
          },
        },
      ),
    ];
  },
};
