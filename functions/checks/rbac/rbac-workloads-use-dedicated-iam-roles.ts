import type { Check, Outcome, ResourceRef } from '../../core/model.ts';
import { isRedacted } from '../../core/redaction.ts';
import { clusterResource, fail, manual, notEvaluated, pass } from '../lib/outcomes.ts';
import { describe, WORKLOAD_KINDS, workloads } from '../lib/workloads.ts';

const IRSA_ANNOTATION = 'eks.amazonaws.com/role-arn';
const POD_IDENTITY_AGENT = 'eks-pod-identity-agent';
const MAX_LISTED = 10;

/** The service account each EKS add-on that calls AWS runs as, so the add-on's own role can be credited. */
const ADDON_ACCOUNTS: Readonly<Record<string, string>> = {
  'vpc-cni': 'kube-system/aws-node',
  'aws-ebs-csi-driver': 'kube-system/ebs-csi-controller-sa',
  'aws-efs-csi-driver': 'kube-system/efs-csi-controller-sa',
  'aws-fsx-csi-driver': 'kube-system/fsx-csi-controller-sa',
  'aws-mountpoint-s3-csi-driver': 'kube-system/s3-csi-driver-sa',
  'amazon-cloudwatch-observability': 'amazon-cloudwatch/cloudwatch-agent',
};

function accountRef(key: string): ResourceRef {
  const [namespace = '', name = ''] = key.split('/');
  return { apiVersion: 'v1', kind: 'ServiceAccount', namespace, name };
}

/**
 * CIS EKS 5.2.1: pods that call AWS should do so with an IAM role of their own (IRSA or EKS Pod
 * Identity), not with the node's instance role. Which application pods call AWS cannot be seen
 * from the cluster, so the check evaluates the known AWS-calling add-ons and controllers
 * (awsApiServiceAccounts) and lists the other workloads without a role as evidence.
 * https://docs.aws.amazon.com/eks/latest/best-practices/identity-and-access-management.html
 */
export const rbacWorkloadsUseDedicatedIamRoles: Check = {
  id: 'rbac-workloads-use-dedicated-iam-roles',
  title: 'Workloads that call AWS use IAM roles of their own, not the node role',
  severity: 'medium',
  responsibility: 'customer',
  frameworks: [
    { framework: 'cis-eks-1.8.0', requirement: '5.2.1' },
    { framework: 'eks-best-practices', requirement: 'identity-and-access-management' },
  ],
  reads: ['serviceaccounts', ...WORKLOAD_KINDS, 'eks:addons', 'eks:cluster'],
  rationale:
    'A pod without an IAM role of its own gets AWS credentials from the node’s instance role through the ' +
    'instance metadata service. That role must then hold the union of what every pod on the node needs ' +
    '(network interfaces for the VPC CNI, volumes for the CSI drivers, load balancers for the controller), ' +
    'and every pod on the node, compromised ones included, can use all of it. IRSA and EKS Pod Identity ' +
    'give each service account its own least-privilege role, and CloudTrail shows which workload acted.',
  remediation: {
    summary:
      'Give each service account that calls AWS its own IAM role, with IRSA (annotation ' +
      'eks.amazonaws.com/role-arn) or an EKS Pod Identity association; for add-ons, set the add-on’s ' +
      'service account role. Then remove those permissions from the node role and require IMDSv2 with a hop ' +
      'limit of 1 so other pods cannot borrow it.',
    cli:
      'aws eks create-pod-identity-association --cluster-name <cluster> --namespace <ns> ' +
      '--service-account <sa> --role-arn <role-arn>\n' +
      'aws eks update-addon --cluster-name <cluster> --addon-name vpc-cni --service-account-role-arn <role-arn>',
    iac:
      'resource "aws_eks_pod_identity_association" "app" {\n  cluster_name    = aws_eks_cluster.this.name\n' +
      '  namespace       = "app"\n  service_account = "app"\n  role_arn        = aws_iam_role.app.arn\n}',
  },
  docs: [
    'https://docs.aws.amazon.com/eks/latest/best-practices/identity-and-access-management.html',
    'https://docs.aws.amazon.com/eks/latest/userguide/iam-roles-for-service-accounts.html',
    'https://docs.aws.amazon.com/eks/latest/userguide/pod-identities.html',
    'https://docs.aws.amazon.com/eks/latest/userguide/cni-iam-role.html',
  ],
  evaluate(snapshot, params) {
    const annotations = new Map<string, string | undefined>();
    for (const sa of snapshot.k8s.serviceaccounts) {
      annotations.set(
        `${sa.metadata.namespace ?? 'default'}/${sa.metadata.name}`,
        sa.metadata.annotations?.[IRSA_ANNOTATION],
      );
    }
    const addonRole = new Map<string, string>();
    for (const addon of snapshot.eks.addons ?? []) {
      const key = ADDON_ACCOUNTS[addon.addonName ?? ''];
      if (!key) continue;
      if (addon.serviceAccountRoleArn)
        addonRole.set(key, `add-on ${addon.addonName} role ${addon.serviceAccountRoleArn}`);
      else if ((addon.podIdentityAssociations ?? []).length > 0)
        addonRole.set(key, `add-on ${addon.addonName} Pod Identity association`);
    }
    const agent =
      (snapshot.eks.addons ?? []).some((addon) => addon.addonName === POD_IDENTITY_AGENT) ||
      snapshot.k8s.daemonsets.some((ds) => ds.metadata.name === POD_IDENTITY_AGENT);
    // Which workloads run as each service account.
    const users = new Map<string, string[]>();
    for (const workload of workloads(snapshot)) {
      const namespace = workload.resource.namespace ?? 'default';
      const account = workload.spec.serviceAccountName || workload.spec.serviceAccount || 'default';
      const key = `${namespace}/${account}`;
      users.set(key, [...(users.get(key) ?? []), describe(workload.resource)]);
    }
    const roleOf = (key: string): string | undefined => {
      const arn = annotations.get(key)?.trim();
      if (arn && !isRedacted(arn)) return `IRSA role ${arn}`;
      return addonRole.get(key);
    };
    const evidence = {
      oidcIssuer: snapshot.eks.cluster?.identity?.oidc?.issuer ? 'configured' : 'none',
      podIdentityAgent: agent,
    };

    const outcomes: Outcome[] = [];
    const known = new Set(params.awsApiServiceAccounts);
    for (const key of [...known].sort()) {
      const running = users.get(key) ?? [];
      if (!annotations.has(key) && running.length === 0) continue;
      const resource = accountRef(key);
      const role = roleOf(key);
      const by = running.length > 0 ? ` (used by ${running.join(', ')})` : '';
      if (role) {
        outcomes.push(
          pass(resource, `ServiceAccount ${key}${by} calls AWS with its own ${role}.`, { evidence }),
        );
      } else if (agent) {
        outcomes.push(
          notEvaluated(
            resource,
            `ServiceAccount ${key}${by} calls AWS APIs and has no IRSA annotation or add-on role; it may have an ` +
              'EKS Pod Identity association, which Watchkeeper does not collect (aws eks list-pod-identity-associations).',
            { evidence },
          ),
        );
      } else {
        outcomes.push(
          fail(
            resource,
            `ServiceAccount ${key}${by} calls AWS APIs but has no IAM role of its own (no ${IRSA_ANNOTATION} ` +
              'annotation, no add-on role, no Pod Identity agent in the cluster), so it uses the node’s IAM role.',
            { path: `metadata.annotations["${IRSA_ANNOTATION}"]`, evidence },
          ),
        );
      }
    }

    const system = new Set(params.systemNamespaces);
    const without = [...users]
      .filter(([key]) => !known.has(key) && !system.has(key.split('/')[0] ?? '') && !roleOf(key))
      .sort(([a], [b]) => a.localeCompare(b));
    if (without.length > 0) {
      const listed = without
        .slice(0, MAX_LISTED)
        .map(([key, running]) => `${key} (${running.join(', ')})`)
        .join('; ');
      const more = without.length > MAX_LISTED ? `; and ${without.length - MAX_LISTED} more` : '';
      outcomes.push(
        manual(
          clusterResource(snapshot),
          `Heuristic: ${without.length} application service account(s) have no IAM role of their own` +
            (agent ? ' visible to Watchkeeper (Pod Identity associations are not collected)' : '') +
            `: ${listed}${more}. Attest that none of them calls AWS APIs, or give those that do their own role.`,
          { evidence: { ...evidence, serviceAccountsWithoutRole: without.length } },
        ),
      );
    } else {
      outcomes.push(
        pass(
          clusterResource(snapshot),
          'Every application service account in use has an IAM role of its own.',
          {
            evidence,
          },
        ),
      );
    }
    return outcomes;
  },
};
