import type { Check } from '../../core/model.ts';
import { evaluateHostFile } from '../lib/nodes.ts';

/**
 * CIS EKS 3.1.2. Ownership of a host file cannot be read through any API: EC2 nodes are
 * reported as not evaluated with their AMI as evidence, AWS-operated nodes as inherited.
 * https://aws.amazon.com/blogs/containers/introducing-cis-amazon-eks-benchmark/
 */
export const nodeKubeconfigFileOwnedByRoot: Check = {
  id: 'node-kubeconfig-file-owned-by-root',
  title: 'Kubelet kubeconfig file is owned by root:root on every node',
  severity: 'medium',
  responsibility: 'shared',
  frameworks: [
    { framework: 'cis-eks-1.8.0', requirement: '3.1.2' },
    { framework: 'eks-best-practices', requirement: 'infrastructure-security' },
  ],
  reads: ['nodes', 'eks:nodegroups'],
  evaluation: 'not-remotely-evaluable',
  rationale:
    'A kubeconfig owned by a non-root user can be rewritten by that user, who then controls which ' +
    'API server the kubelet trusts and with which credentials. The EKS-optimized AMIs create it as ' +
    'root, but a custom AMI or bootstrap step can change that, and only the host shows it.',
  remediation: {
    summary:
      'On every EC2 node, check the kubelet kubeconfig is owned by root:root (kube-bench or an SSM ' +
      'command) and correct the AMI or bootstrap script that changed it, then replace the nodes.',
    cli:
      'aws ssm send-command --document-name AWS-RunShellScript --targets Key=tag:eks:cluster-name,Values=<cluster> ' +
      '--parameters \'commands=["stat -c \\"%U:%G %n\\" /var/lib/kubelet/kubeconfig"]\'',
  },
  docs: [
    'https://aws.amazon.com/blogs/containers/introducing-cis-amazon-eks-benchmark/',
    'https://docs.aws.amazon.com/eks/latest/best-practices/protecting-the-infrastructure.html',
  ],
  outcomes: ['not_evaluated', 'inherited'],
  evaluate(snapshot) {
    return evaluateHostFile(snapshot, {
      requirement: 'CIS 3.1.2 (owner root:root)',
      what: "the kubelet's kubeconfig file",
    });
  },
};
