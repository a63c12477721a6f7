import type { Check } from '../../core/model.ts';
import { evaluateHostFile } from '../lib/nodes.ts';

/**
 * CIS EKS 3.1.4. File ownership on the host, not visible through any API.
 * https://aws.amazon.com/blogs/containers/introducing-cis-amazon-eks-benchmark/
 */
export const nodeKubeletConfigFileOwnedByRoot: Check = {
  id: 'node-kubelet-config-file-owned-by-root',
  title: 'Kubelet configuration file is owned by root:root on every node',
  severity: 'medium',
  responsibility: 'shared',
  frameworks: [
    { framework: 'cis-eks-1.8.0', requirement: '3.1.4' },
    { framework: 'eks-best-practices', requirement: 'infrastructure-security' },
  ],
  reads: ['nodes', 'eks:nodegroups'],
  evaluation: 'not-remotely-evaluable',
  rationale:
    'A kubelet configuration file owned by a non-root user lets that user weaken the kubelet ' +
    '(anonymous access, no authorization, an open read-only port) without root on the host. The ' +
    'EKS-optimized AMIs create it as root; a custom AMI or bootstrap step may not.',
  remediation: {
    summary:
      'On every EC2 node, check the kubelet configuration file is owned by root:root (kube-bench or ' +
      'SSM) and correct the AMI or bootstrap script that changed it, then replace the nodes.',
    cli:
      'aws ssm send-command --document-name AWS-RunShellScript --targets Key=tag:eks:cluster-name,Values=<cluster> ' +
      '--parameters \'commands=["stat -c \\"%U:%G %n\\" /etc/kubernetes/kubelet/*.json"]\'',
  },
  docs: [
    'https://aws.amazon.com/blogs/containers/introducing-cis-amazon-eks-benchmark/',
    'https://kubernetes.io/docs/tasks/administer-cluster/kubelet-config-file/',
  ],
  outcomes: ['not_evaluated', 'inherited'],
  evaluate(snapshot) {
    return evaluateHostFile(snapshot, {
      requirement: 'CIS 3.1.4 (owner root:root)',
      what: 'the kubelet configuration file',
    });
  },
};
