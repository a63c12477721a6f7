import type { Check } from '../../core/model.ts';
import { evaluateHostFile } from '../lib/nodes.ts';

/**
 * CIS EKS 3.1.3. The kubelet configuration file sets its authentication, authorization and
 * ports; its permissions are only visible on the host.
 * https://aws.amazon.com/blogs/containers/introducing-cis-amazon-eks-benchmark/
 */
export const nodeKubeletConfigFilePermissionsRestricted: Check = {
  id: 'node-kubelet-config-file-permissions-restricted',
  title: 'Kubelet configuration file permissions are 644 or stricter on every node',
  severity: 'medium',
  responsibility: 'shared',
  frameworks: [
    { framework: 'cis-eks-1.8.0', requirement: '3.1.3' },
    { framework: 'eks-best-practices', requirement: 'infrastructure-security' },
  ],
  reads: ['nodes', 'eks:nodegroups'],
  evaluation: 'not-remotely-evaluable',
  rationale:
    'Whoever can write the kubelet configuration file can turn on anonymous access, switch ' +
    'authorization to AlwaysAllow or open the read-only port at the next kubelet restart. The ' +
    'EKS-optimized AMIs ship it with restrictive permissions; custom AMIs and user data can change ' +
    'them, and only a check on the host can confirm.',
  remediation: {
    summary:
      'On every EC2 node, check the kubelet configuration file (for example ' +
      '/etc/kubernetes/kubelet/config.json on AL2023 or kubelet-config.json on AL2) is mode 644 or ' +
      'stricter with kube-bench or SSM; fix the AMI or bootstrap script and replace the nodes.',
    cli:
      'aws ssm send-command --document-name AWS-RunShellScript --targets Key=tag:eks:cluster-name,Values=<cluster> ' +
      '--parameters \'commands=["stat -c \\"%a %U:%G %n\\" /etc/kubernetes/kubelet/*.json"]\'',
  },
  docs: [
    'https://aws.amazon.com/blogs/containers/introducing-cis-amazon-eks-benchmark/',
    'https://kubernetes.io/docs/tasks/administer-cluster/kubelet-config-file/',
  ],
  outcomes: ['not_evaluated', 'inherited'],
  evaluate(snapshot) {
    return evaluateHostFile(snapshot, {
      requirement: 'CIS 3.1.3 (permissions 644 or stricter)',
      what: 'the kubelet configuration file',
    });
  },
};
