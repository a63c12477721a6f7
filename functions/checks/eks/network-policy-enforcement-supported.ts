import type { Check, Outcome } from '../../core/model.ts';
import { networkEnforcement } from '../lib/network-enforcement.ts';
import { clusterResource, fail, manual, pass } from '../lib/outcomes.ts';

/**
 * CIS EKS 4.3.1: the CNI must be able to enforce NetworkPolicy. The VPC CNI can from v1.14 on,
 * through its `aws-eks-nodeagent` container; Calico and Cilium can on their own.
 * https://docs.aws.amazon.com/eks/latest/userguide/cni-network-policy.html
 */
export const networkPolicyEnforcementSupported: Check = {
  id: 'network-policy-enforcement-supported',
  title: 'The cluster network can enforce NetworkPolicies',
  severity: 'medium',
  responsibility: 'shared',
  frameworks: [
    { framework: 'cis-eks-1.8.0', requirement: '4.3.1' },
    { framework: 'nsa-cisa-1.2', requirement: 'network-separation' },
    { framework: 'eks-best-practices', requirement: 'network-security' },
  ],
  reads: ['daemonsets', 'configmaps', 'eks:addons', 'eks:cluster'],
  rationale:
    'NetworkPolicy objects are only stored by the API server; a network plugin must turn them into ' +
    'packet filters. With a CNI that cannot, every policy is silently ignored, so namespaces that look ' +
    'isolated are not, and any compromised pod can reach every other pod, the node and the instance ' +
    'metadata service. AWS ships the engine with the VPC CNI add-on (the network policy agent, v1.14 ' +
    'and later); choosing and enabling it is the customer’s part.',
  remediation: {
    summary:
      'Run the VPC CNI add-on v1.14 or later (it adds the aws-eks-nodeagent container to aws-node), or ' +
      'install an engine such as Calico or Cilium.',
    cli:
      'aws eks describe-addon-versions --addon-name vpc-cni --kubernetes-version <version>\n' +
      'aws eks update-addon --cluster-name <cluster> --addon-name vpc-cni --addon-version <v1.14-or-later>',
    iac:
      'resource "aws_eks_addon" "vpc_cni" {\n  cluster_name  = aws_eks_cluster.this.name\n' +
      '  addon_name    = "vpc-cni"\n  addon_version = "<v1.14-or-later>"\n}',
  },
  docs: [
    'https://docs.aws.amazon.com/eks/latest/userguide/cni-network-policy.html',
    'https://docs.aws.amazon.com/eks/latest/best-practices/network-security.html',
    'https://kubernetes.io/docs/concepts/services-networking/network-policies/#prerequisites',
  ],
  evaluate(snapshot) {
    const { engines, cniWithoutAgent } = networkEnforcement(snapshot);
    const outcomes: Outcome[] = engines.map((engine) =>
      pass(engine.resource, `${engine.name} can enforce NetworkPolicies: ${engine.how}.`, {
        evidence: { engine: engine.name, enforcing: engine.enabled },
      }),
    );
    if (cniWithoutAgent && engines.length === 0) {
      outcomes.push(
        fail(
          cniWithoutAgent.resource,
          `DaemonSet kube-system/aws-node (${cniWithoutAgent.image ?? 'image unknown'}) has no aws-eks-nodeagent ` +
            'container, so the VPC CNI cannot enforce NetworkPolicies, and no Calico or Cilium DaemonSet was found.',
          {
            path: 'spec.template.spec.containers',
            evidence: { image: cniWithoutAgent.image ?? null, policyAgent: false },
          },
        ),
      );
    }
    if (outcomes.length === 0) {
      outcomes.push(
        manual(
          clusterResource(snapshot),
          'Heuristic: no known policy engine was found (no aws-node DaemonSet or vpc-cni add-on, no EKS Auto ' +
            'Mode, no calico-node or cilium DaemonSet). Confirm which CNI the cluster uses and that it enforces ' +
            'NetworkPolicy.',
          { evidence: { daemonSets: snapshot.k8s.daemonsets.length } },
        ),
      );
    }
    return outcomes;
  },
};
