import type { Check, Outcome } from '../../core/model.ts';
import { authenticationMode, awsAuthResource, readAwsAuth } from '../lib/aws-auth.ts';
import { clusterResource, fail, notEvaluated, pass } from '../lib/outcomes.ts';

const MASTERS = 'system:masters';

/**
 * Members of system:masters pass every authorization check: no RBAC binding grants it and none
 * can take it away. On EKS the usual way in is an aws-auth mapping.
 * https://kubernetes.io/docs/concepts/security/rbac-good-practices/#least-privilege
 */
export const rbacAwsAuthNoSystemMasters: Check = {
  id: 'rbac-aws-auth-no-system-masters',
  title: 'No IAM principal is mapped to system:masters in aws-auth',
  severity: 'high',
  responsibility: 'customer',
  frameworks: [
    { framework: 'cis-eks-1.8.0', requirement: '4.1.1' },
    { framework: 'nsa-cisa-1.2', requirement: 'rbac' },
    { framework: 'eks-best-practices', requirement: 'cluster-access-management' },
  ],
  reads: ['configmaps', 'eks:cluster'],
  rationale:
    'An IAM role or user mapped to system:masters in the aws-auth ConfigMap is a cluster superuser: the ' +
    'group bypasses RBAC entirely, so no binding shows the grant, no RBAC change can limit it, and every ' +
    'person or pipeline that can assume the role inherits it. IAM users mapped this way authenticate with ' +
    'long-lived access keys.',
  remediation: {
    summary:
      'Replace each system:masters mapping with an access entry holding a scoped access policy (or a ' +
      'mapping to a group bound to a narrower role); keep at most an approved break-glass role, listed in ' +
      'eksClusterAdminAllowedPrincipals, and move the cluster to authenticationMode API.',
    cli:
      'kubectl -n kube-system get configmap aws-auth -o yaml\n' +
      'aws eks create-access-entry --cluster-name <cluster> --principal-arn <role-arn>\n' +
      'aws eks associate-access-policy --cluster-name <cluster> --principal-arn <role-arn> \\\n' +
      '  --policy-arn arn:aws:eks::aws:cluster-access-policy/AmazonEKSEditPolicy \\\n' +
      '  --access-scope type=namespace,namespaces=<namespace>',
  },
  docs: [
    'https://docs.aws.amazon.com/eks/latest/userguide/auth-configmap.html',
    'https://kubernetes.io/docs/concepts/security/rbac-good-practices/#least-privilege',
    'https://docs.aws.amazon.com/eks/latest/best-practices/identity-and-access-management.html',
  ],
  evaluate(snapshot, params) {
    const cluster = clusterResource(snapshot);
    const awsAuth = readAwsAuth(snapshot);
    if (!awsAuth) return [pass(cluster, 'The cluster has no kube-system/aws-auth ConfigMap.')];
    const mode = authenticationMode(snapshot);
    // Without DescribeCluster data, assume the ConfigMap is honoured: the safe reading.
    const honoured = mode?.configMapHonoured ?? true;
    const modeText = mode ? `authenticationMode ${mode.mode}` : 'authentication mode unknown';
    const approved = new Set(params.eksClusterAdminAllowedPrincipals);
    const outcomes: Outcome[] = awsAuth.problems.map((problem) =>
      notEvaluated(awsAuth.resource, `ConfigMap kube-system/aws-auth: ${problem.message}.`, {
        path: `data.${problem.key}`,
      }),
    );
    let masters = 0;
    for (const mapping of awsAuth.mappings) {
      const groupIndex = mapping.groups.indexOf(MASTERS);
      if (groupIndex < 0) continue;
      masters += 1;
      const kind = mapping.key === 'mapUsers' ? 'IAM user' : 'IAM role';
      const principal = mapping.principal ?? '(no ARN)';
      const evidence = {
        principal,
        username: mapping.username ?? null,
        groups: mapping.groups.join(', '),
        authenticationMode: mode?.mode ?? null,
      };
      const where = `${mapping.path}.groups[${groupIndex}]`;
      if (mapping.principal && approved.has(mapping.principal)) {
        outcomes.push(
          pass(
            awsAuthResource(),
            `${kind} ${principal} is mapped to system:masters (${mapping.path}); it is in ` +
              'eksClusterAdminAllowedPrincipals.',
            { path: where, evidence },
          ),
        );
      } else if (!honoured) {
        outcomes.push(
          pass(
            awsAuthResource(),
            `${kind} ${principal} is mapped to system:masters (${mapping.path}), but the cluster uses ` +
              `${modeText} and ignores aws-auth; delete the stale mapping.`,
            { path: where, evidence },
          ),
        );
      } else {
        outcomes.push(
          fail(
            awsAuthResource(),
            `${kind} ${principal} is mapped to system:masters in ConfigMap kube-system/aws-auth (${mapping.path}` +
              `${mapping.username ? `, user name ${mapping.username}` : ''}): it is a cluster superuser that no ` +
              `RBAC rule can limit (${modeText}).` +
              (mapping.key === 'mapUsers' ? ' An IAM user signs in with long-lived access keys.' : ''),
            { path: where, evidence },
          ),
        );
      }
    }
    if (masters === 0 && awsAuth.problems.length === 0) {
      const redacted = awsAuth.mappings.reduce((n, mapping) => n + mapping.redactedGroups, 0);
      outcomes.push(
        pass(
          awsAuthResource(),
          `ConfigMap kube-system/aws-auth maps ${awsAuth.mappings.length} principal(s), none to system:masters` +
            (redacted > 0 ? ` (${redacted} other group name(s) were partly redacted at collection)` : '') +
            '.',
          { evidence: { mappings: awsAuth.mappings.length, authenticationMode: mode?.mode ?? null } },
        ),
      );
    }
    return outcomes;
  },
};
