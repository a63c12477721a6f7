import type { Check, Outcome } from '../../core/model.ts';
import { networkEnforcement } from '../lib/network-enforcement.ts';
import { clusterResource, fail, manual, pass } from '../lib/outcomes.ts';

/**
 * CIS EKS 5.4.4: a capable engine must also be switched on. The VPC CNI ships its policy agent
 * turned off; `enableNetworkPolicy: "true"` in the add-on configuration turns it on.
 * https://docs.aws.amazon.com/eks/latest/userguide/cni-network-policy-configure.html
 */
export const networkPolicyEnforcementEnabled: Check = {
  id: 'network-policy-enforcement-enabled',
  title: 'NetworkPolicies are enforced by an enabled policy engine',
  severity: 'high',
  responsibility: 'shared',
  frameworks: [
    { framework: 'cis-eks-1.8.0', requirement: '5.4.4' },
    { framework: 'nsa-cisa-1.2', requirement: 'network-separation' },
    { framework: 'eks-best-practices', requirement: 'network-security' },
  ],
  reads: ['daemonsets', 'configmaps', 'networkpolicies', 'eks:addons', 'eks:cluster'],
  rationale:
    'The VPC CNI network policy agent is installed with enforcement turned off, and nothing warns when ' +
    'NetworkPolicies are applied to a cluster that does not enforce them. Default-deny and namespace ' +
    'isolation policies then exist only on paper: reviews and scanners that read the policies report ' +
    'isolation that the network does not provide.',
  remediation: {
    summary:
      'Set enableNetworkPolicy to "true" in the vpc-cni add-on configuration (on Auto Mode, set ' +
      'enable-network-policy-controller: "true" in ConfigMap kube-system/amazon-vpc-cni), or run Calico or ' +
      'Cilium with enforcement on; then test that a default-deny policy blocks traffic.',
    cli:
      'aws eks update-addon --cluster-name <cluster> --addon-name vpc-cni ' +
      '--configuration-values \'{"enableNetworkPolicy":"true"}\' --resolve-conflicts PRESERVE',
    iac:
      'resource "aws_eks_addon" "vpc_cni" {\n  cluster_name         = aws_eks_cluster.this.name\n' +
      '  addon_name           = "vpc-cni"\n  configuration_values = jsonencode({ enableNetworkPolicy = "true" })\n}',
  },
  docs: [
    'https://docs.aws.amazon.com/eks/latest/userguide/cni-network-policy-configure.html',
    'https://docs.aws.amazon.com/eks/latest/userguide/auto-net-pol.html',
    'https://docs.aws.amazon.com/eks/latest/best-practices/network-security.html',
  ],
  evaluate(snapshot) {
    const { engines, cniWithoutAgent } = networkEnforcement(snapshot);
    const policies = snapshot.k8s.networkpolicies.length;
    const inert = policies > 0 ? ` ${policies} NetworkPolicy object(s) in the cluster are not enforced.` : '';
    const enabled = engines.filter((engine) => engine.enabled);
    if (enabled.length > 0) {
      return enabled.map((engine) =>
        pass(engine.resource, `${engine.name} enforces NetworkPolicies: ${engine.how}.`, {
          evidence: { engine: engine.name, networkPolicies: policies },
        }),
      );
    }
    const outcomes: Outcome[] = engines.map((engine) =>
      fail(engine.resource, `${engine.name} is installed with enforcement off: ${engine.how}.${inert}`, {
        ...(engine.path ? { path: engine.path } : {}),
        evidence: { engine: engine.name, enforcing: false, networkPolicies: policies },
      }),
    );
    if (cniWithoutAgent) {
      outcomes.push(
        fail(
          cniWithoutAgent.resource,
          'The VPC CNI runs without its network policy agent (no aws-eks-nodeagent container in DaemonSet ' +
            `kube-system/aws-node) and no other engine was found, so nothing enforces NetworkPolicies.${inert}`,
          {
            path: 'spec.template.spec.containers',
            evidence: { image: cniWithoutAgent.image ?? null, networkPolicies: policies },
          },
        ),
      );
    }
    if (outcomes.length === 0) {
      outcomes.push(
        manual(
          clusterResource(snapshot),
          'Heuristic: no known policy engine was found (VPC CNI agent, EKS Auto Mode, Calico, Cilium). Confirm ' +
            `that the cluster's CNI enforces NetworkPolicy and that it is turned on.${inert}`,
          { evidence: { networkPolicies: policies } },
        ),
      );
    }
    return outcomes;
  },
};
