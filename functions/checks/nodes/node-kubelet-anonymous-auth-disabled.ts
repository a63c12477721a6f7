import type { Check } from '../../core/model.ts';
import { evaluateKubeletRule } from '../lib/nodes.ts';

/**
 * CIS EKS 3.2.1: `authentication.anonymous.enabled` must be false. Read from each node's
 * configz when the operator opts in; a value the kubelet does not report is not a pass.
 * https://kubernetes.io/docs/reference/access-authn-authz/kubelet-authn-authz/
 */
export const nodeKubeletAnonymousAuthDisabled: Check = {
  id: 'node-kubelet-anonymous-auth-disabled',
  title: 'Kubelets reject anonymous requests',
  severity: 'high',
  responsibility: 'shared',
  frameworks: [
    { framework: 'cis-eks-1.8.0', requirement: '3.2.1' },
    { framework: 'nsa-cisa-1.2', requirement: 'authentication' },
    { framework: 'eks-best-practices', requirement: 'infrastructure-security' },
  ],
  reads: ['nodes', 'kubelet:configz'],
  evaluation: 'kubelet-configz-opt-in',
  rationale:
    'With anonymous authentication on, any request that reaches the kubelet port (10250) without ' +
    'credentials is served as system:anonymous. Combined with a permissive authorization mode it ' +
    'exposes pod listings, logs and command execution on the node to anyone on the network path.',
  remediation: {
    summary:
      'Set authentication.anonymous.enabled to false in the kubelet configuration: in the NodeConfig ' +
      '(nodeadm, AL2023) or Bottlerocket settings of the node launch template, or with ' +
      '--anonymous-auth=false on AL2; then roll the node group.',
    cli: 'kubectl get --raw "/api/v1/nodes/<node>/proxy/configz" | jq .kubeletconfig.authentication.anonymous',
    iac:
      'apiVersion: node.eks.aws/v1alpha1\nkind: NodeConfig\nspec:\n  kubelet:\n    config:\n' +
      '      authentication:\n        anonymous:\n          enabled: false',
  },
  docs: [
    'https://kubernetes.io/docs/reference/access-authn-authz/kubelet-authn-authz/',
    'https://kubernetes.io/docs/reference/config-api/kubelet-config.v1beta1/',
    'https://awslabs.github.io/amazon-eks-ami/nodeadm/',
  ],
  evaluate(snapshot, params) {
    return evaluateKubeletRule(snapshot, params, {
      path: 'authentication.anonymous.enabled',
      what: 'its kubelet authentication settings',
      judge(config) {
        const enabled = config.authentication?.anonymous?.enabled;
        const evidence = { anonymousEnabled: enabled ?? null };
        if (enabled === false) {
          return {
            ok: true,
            message: 'the kubelet rejects anonymous requests (authentication.anonymous.enabled: false)',
            evidence,
          };
        }
        return {
          ok: false,
          message:
            enabled === true
              ? 'the kubelet serves anonymous requests as system:anonymous (authentication.anonymous.enabled: true)'
              : 'the kubelet does not report anonymous authentication as disabled (authentication.anonymous.enabled is not set)',
          evidence,
        };
      },
    });
  },
};
