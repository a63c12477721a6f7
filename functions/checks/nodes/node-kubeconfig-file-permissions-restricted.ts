import type { Check } from '../../core/model.ts';
import { evaluateHostFile } from '../lib/nodes.ts';

/**
 * CIS EKS 3.1.1. The kubelet's kubeconfig holds the node's credentials to the API server; it
 * lives on the host, which no Kubernetes or AWS API exposes, so the check reports every EC2
 * node as not evaluated (with what is known of its AMI) and AWS-operated nodes as inherited.
 * https://aws.amazon.com/blogs/containers/introducing-cis-amazon-eks-benchmark/
 */
export const nodeKubeconfigFilePermissionsRestricted: Check = {
  id: 'node-kubeconfig-file-permissions-restricted',
  title: 'Kubelet kubeconfig file permissions are 644 or stricter on every node',
  severity: 'medium',
  responsibility: 'shared',
  frameworks: [
    { framework: 'cis-eks-1.8.0', requirement: '3.1.1' },
    { framework: 'eks-best-practices', requirement: 'infrastructure-security' },
  ],
  reads: ['nodes', 'eks:nodegroups'],
  evaluation: 'not-remotely-evaluable',
  rationale:
    'The kubeconfig the kubelet uses carries the node identity that the API server trusts. If other ' +
    'users or processes on the host can change it, they can point the kubelet at another server or ' +
    'swap its credentials; EKS-optimized AMIs ship it with restrictive permissions, but custom AMIs ' +
    'and bootstrap scripts can loosen them, and only a check on the host can tell.',
  remediation: {
    summary:
      'On every EC2 node, check the kubelet kubeconfig (for example /var/lib/kubelet/kubeconfig) is ' +
      'mode 644 or stricter, with kube-bench or an SSM command; fix the AMI or bootstrap script, not ' +
      'single nodes, then replace the nodes.',
    cli:
      'aws ssm send-command --document-name AWS-RunShellScript --targets Key=tag:eks:cluster-name,Values=<cluster> ' +
      '--parameters \'commands=["stat -c \\"%a %U:%G %n\\" /var/lib/kubelet/kubeconfig"]\'\n' +
      'kubectl apply -f https://raw.githubusercontent.com/aquasecurity/kube-bench/main/job-eks.yaml',
  },
  docs: [
    'https://aws.amazon.com/blogs/containers/introducing-cis-amazon-eks-benchmark/',
    'https://docs.aws.amazon.com/eks/latest/best-practices/protecting-the-infrastructure.html',
    'https://github.com/aquasecurity/kube-bench/blob/main/docs/running.md',
  ],
  outcomes: ['not_evaluated', 'inherited'],
  evaluate(snapshot) {
    return evaluateHostFile(snapshot, {
      requirement: 'CIS 3.1.1 (permissions 644 or stricter)',
      what: "the kubelet's kubeconfig file",
    });
  },
};
