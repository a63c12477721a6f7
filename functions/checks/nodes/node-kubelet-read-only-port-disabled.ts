import type { Check } from '../../core/model.ts';
import { evaluateKubeletRule } from '../lib/nodes.ts';

/**
 * CIS EKS 3.2.4: the read-only port (10255 when enabled) serves pod and node data with no
 * authentication and no authorization. `0` or unset (the v1beta1 default) disables it.
 * https://kubernetes.io/docs/reference/config-api/kubelet-config.v1beta1/
 */
export const nodeKubeletReadOnlyPortDisabled: Check = {
  id: 'node-kubelet-read-only-port-disabled',
  title: 'Kubelet read-only port is disabled',
  severity: 'medium',
  responsibility: 'shared',
  frameworks: [
    { framework: 'cis-eks-1.8.0', requirement: '3.2.4' },
    { framework: 'nsa-cisa-1.2', requirement: 'network-separation' },
    { framework: 'eks-best-practices', requirement: 'infrastructure-security' },
  ],
  reads: ['nodes', 'kubelet:configz'],
  evaluation: 'kubelet-configz-opt-in',
  rationale:
    'The read-only port answers anyone who can reach the node with the specs of every pod on it ' +
    '(images, commands, environment variable names, volumes) and node metrics, without credentials. ' +
    'It is reconnaissance for free and bypasses both authentication and RBAC.',
  remediation: {
    summary:
      'Set readOnlyPort to 0 in the kubelet configuration (or remove --read-only-port), and roll the nodes.',
    cli: 'kubectl get --raw "/api/v1/nodes/<node>/proxy/configz" | jq .kubeletconfig.readOnlyPort',
    iac: 'apiVersion: node.eks.aws/v1alpha1\nkind: NodeConfig\nspec:\n  kubelet:\n    config:\n      readOnlyPort: 0',
  },
  docs: [
    'https://kubernetes.io/docs/reference/config-api/kubelet-config.v1beta1/',
    'https://kubernetes.io/docs/reference/command-line-tools-reference/kubelet/',
  ],
  evaluate(snapshot, params) {
    return evaluateKubeletRule(snapshot, params, {
      path: 'readOnlyPort',
      what: 'its kubelet ports',
      judge(config) {
        const port = config.readOnlyPort;
        const evidence = { readOnlyPort: port ?? null };
        if (port === undefined || port === 0) {
          return { ok: true, message: 'the kubelet read-only port is disabled (readOnlyPort: 0)', evidence };
        }
        return {
          ok: false,
          message: `the kubelet serves unauthenticated read-only data on port ${port}`,
          evidence,
        };
      },
    });
  },
};
