import type { Check } from '../../core/model.ts';
import { evaluateKubeletRule } from '../lib/nodes.ts';

/**
 * CIS EKS 3.2.6: the kubelet should manage its iptables utility chains (default true), so the
 * node's packet filtering stays in step with the pods it runs.
 * https://kubernetes.io/docs/reference/config-api/kubelet-config.v1beta1/
 */
export const nodeKubeletIptablesUtilChainsEnabled: Check = {
  id: 'node-kubelet-iptables-util-chains-enabled',
  title: 'Kubelets manage their iptables utility chains',
  severity: 'low',
  responsibility: 'shared',
  frameworks: [
    { framework: 'cis-eks-1.8.0', requirement: '3.2.6' },
    { framework: 'eks-best-practices', requirement: 'infrastructure-security' },
  ],
  reads: ['nodes', 'kubelet:configz'],
  evaluation: 'kubelet-configz-opt-in',
  rationale:
    'When the kubelet stops maintaining its iptables chains, the rules that drop martian and ' +
    'marked packets are left to manual upkeep and drift from what the pods need, which can leave ' +
    'traffic unfiltered or break networking in ways that hide other problems.',
  remediation: {
    summary:
      'Set makeIPTablesUtilChains to true (the default) in the kubelet configuration, and roll the nodes.',
    cli: 'kubectl get --raw "/api/v1/nodes/<node>/proxy/configz" | jq .kubeletconfig.makeIPTablesUtilChains',
    iac: 'apiVersion: node.eks.aws/v1alpha1\nkind: NodeConfig\nspec:\n  kubelet:\n    config:\n      makeIPTablesUtilChains: true',
  },
  docs: ['https://kubernetes.io/docs/reference/config-api/kubelet-config.v1beta1/'],
  evaluate(snapshot, params) {
    return evaluateKubeletRule(snapshot, params, {
      path: 'makeIPTablesUtilChains',
      what: 'its kubelet network settings',
      judge(config) {
        const value = config.makeIPTablesUtilChains;
        const evidence = { makeIPTablesUtilChains: value ?? null };
        if (value === false) {
          return {
            ok: false,
            message:
              'the kubelet does not manage its iptables utility chains (makeIPTablesUtilChains: false)',
            evidence,
          };
        }
        return {
          ok: true,
          message:
            value === true
              ? 'the kubelet manages its iptables utility chains (makeIPTablesUtilChains: true)'
              : 'makeIPTablesUtilChains is not set, so the kubelet default (true) applies',
          evidence,
        };
      },
    });
  },
};
