import type { Check } from '../../core/model.ts';
import { authenticationMode, readAwsAuth } from '../lib/aws-auth.ts';
import { clusterResource, fail, notEvaluated, pass } from '../lib/outcomes.ts';

const MAX_NAMED = 5;

/**
 * CIS EKS 4.1.7: manage cluster access with EKS access entries (the Cluster Access Manager
 * API) rather than the aws-auth ConfigMap. Modes only move forward: CONFIG_MAP →
 * API_AND_CONFIG_MAP → API.
 * https://docs.aws.amazon.com/eks/latest/userguide/setting-up-access-entries.html
 */
export const eksAccessEntriesUsed: Check = {
  id: 'eks-access-entries-used',
  title: 'Cluster access is managed with EKS access entries, not aws-auth',
  severity: 'medium',
  responsibility: 'customer',
  frameworks: [
    { framework: 'cis-eks-1.8.0', requirement: '4.1.7' },
    { framework: 'nsa-cisa-1.2', requirement: 'authentication' },
    { framework: 'eks-best-practices', requirement: 'cluster-access-management' },
  ],
  reads: ['eks:cluster', 'configmaps'],
  rationale:
    'With the aws-auth ConfigMap, cluster access lives in a Kubernetes object: anyone who can edit it in ' +
    'kube-system can map any IAM principal to system:masters, a typo can lock everyone out, and the ' +
    'grants are invisible to IAM and CloudTrail. Access entries are managed through the EKS API with IAM ' +
    'permissions, logged in CloudTrail, and grant scoped access policies instead of raw groups.',
  remediation: {
    summary:
      'Switch the authentication mode to API_AND_CONFIG_MAP, create an access entry for every principal ' +
      'mapped in aws-auth (node roles of managed node groups get theirs automatically), then switch to API ' +
      'and delete the aws-auth ConfigMap. The change cannot be reversed.',
    cli:
      'aws eks update-cluster-config --name <cluster> --access-config authenticationMode=API_AND_CONFIG_MAP\n' +
      'aws eks create-access-entry --cluster-name <cluster> --principal-arn <role-arn>\n' +
      'aws eks associate-access-policy --cluster-name <cluster> --principal-arn <role-arn> \\\n' +
      '  --policy-arn arn:aws:eks::aws:cluster-access-policy/AmazonEKSViewPolicy --access-scope type=cluster\n' +
      'aws eks update-cluster-config --name <cluster> --access-config authenticationMode=API',
    iac: 'resource "aws_eks_cluster" "this" {\n  access_config {\n    authentication_mode = "API"\n  }\n}',
  },
  docs: [
    'https://docs.aws.amazon.com/eks/latest/userguide/setting-up-access-entries.html',
    'https://docs.aws.amazon.com/eks/latest/userguide/migrating-access-entries.html',
    'https://docs.aws.amazon.com/eks/latest/best-practices/identity-and-access-management.html',
  ],
  evaluate(snapshot) {
    const resource = clusterResource(snapshot);
    const mode = authenticationMode(snapshot);
    if (!mode) {
      return [
        notEvaluated(
          resource,
          'The snapshot has no DescribeCluster data, so the authentication mode is unknown.',
        ),
      ];
    }
    const evidence = { authenticationMode: mode.mode, stated: mode.stated };
    if (mode.mode === 'API') {
      return [
        pass(resource, `Cluster ${resource.name} uses access entries only (authenticationMode API).`, {
          evidence,
        }),
      ];
    }
    if (mode.mode !== 'API_AND_CONFIG_MAP') {
      return [
        fail(
          resource,
          `Cluster ${resource.name} authenticates IAM principals only through the aws-auth ConfigMap ` +
            `(authenticationMode ${mode.mode}${mode.stated ? '' : ': DescribeCluster gives no accessConfig'}). ` +
            'Switch to API_AND_CONFIG_MAP, migrate the mappings to access entries, then switch to API.',
          { path: 'accessConfig.authenticationMode', evidence },
        ),
      ];
    }
    const awsAuth = readAwsAuth(snapshot);
    if (awsAuth && awsAuth.problems.length > 0) {
      return [
        notEvaluated(
          awsAuth.resource,
          `Cluster ${resource.name} still honours aws-auth (API_AND_CONFIG_MAP), and ` +
            `${awsAuth.problems.map((p) => p.message).join('; ')}, so whether it still grants access is unknown.`,
          { evidence },
        ),
      ];
    }
    const people = (awsAuth?.mappings ?? []).filter((mapping) => !mapping.node);
    const nodes = (awsAuth?.mappings ?? []).length - people.length;
    const accounts = awsAuth?.accounts ?? [];
    if (people.length > 0 || accounts.length > 0) {
      const named = people.slice(0, MAX_NAMED).map((m) => `${m.principal ?? '(no ARN)'} (${m.path})`);
      const more = people.length > MAX_NAMED ? ` and ${people.length - MAX_NAMED} more` : '';
      const accountText =
        accounts.length > 0 ? `; mapAccounts admits every principal of ${accounts.join(', ')}` : '';
      return [
        fail(
          resource,
          `Cluster ${resource.name} is in API_AND_CONFIG_MAP and ConfigMap kube-system/aws-auth still grants ` +
            `access to ${people.length} principal(s) other than nodes: ${named.join(', ')}${more}${accountText}. ` +
            'Create access entries for them, then switch the cluster to API and delete aws-auth.',
          {
            path: 'accessConfig.authenticationMode',
            evidence: {
              ...evidence,
              awsAuthMappings: people.length,
              awsAuthNodeMappings: nodes,
              mapAccounts: accounts.length,
            },
          },
        ),
      ];
    }
    return [
      pass(
        resource,
        `Cluster ${resource.name} is in API_AND_CONFIG_MAP and aws-auth maps ` +
          (nodes > 0 ? `only node roles (${nodes})` : 'nothing') +
          '. Once every node role has an access entry, switch to API to retire aws-auth for good.',
        { evidence: { ...evidence, awsAuthNodeMappings: nodes } },
      ),
    ];
  },
};
