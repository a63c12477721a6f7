import type { Check } from '../../core/model.ts';
import { evaluateKubeletRule } from '../lib/nodes.ts';

/**
 * CIS EKS 3.2.2: the kubelet must not authorize everything. EKS AMIs use `Webhook`, which
 * asks the API server (SubjectAccessReview, so RBAC) about every request.
 * https://kubernetes.io/docs/reference/access-authn-authz/kubelet-authn-authz/#kubelet-authorization
 */
export const nodeKubeletAuthorizationNotAlwaysAllow: Check = {
  id: 'node-kubelet-authorization-not-always-allow',
  title: 'Kubelets authorize requests through the API server, not AlwaysAllow',
  severity: 'high',
  responsibility: 'shared',
  frameworks: [
    { framework: 'cis-eks-1.8.0', requirement: '3.2.2' },
    { framework: 'nsa-cisa-1.2', requirement: 'rbac' },
    { framework: 'eks-best-practices', requirement: 'infrastructure-security' },
  ],
  reads: ['nodes', 'kubelet:configz'],
  evaluation: 'kubelet-configz-opt-in',
  rationale:
    'In AlwaysAllow mode the kubelet lets every authenticated (or anonymous) caller use its whole ' +
    'API: read every pod on the node, stream logs, exec into containers. Webhook mode asks the API ' +
    'server, so RBAC decides who may reach the kubelet.',
  remediation: {
    summary:
      'Set authorization.mode to Webhook in the kubelet configuration (NodeConfig on AL2023, ' +
      'Bottlerocket settings, or --authorization-mode=Webhook on AL2), and roll the nodes.',
    cli: 'kubectl get --raw "/api/v1/nodes/<node>/proxy/configz" | jq .kubeletconfig.authorization',
    iac: 'apiVersion: node.eks.aws/v1alpha1\nkind: NodeConfig\nspec:\n  kubelet:\n    config:\n      authorization:\n        mode: Webhook',
  },
  docs: [
    'https://kubernetes.io/docs/reference/access-authn-authz/kubelet-authn-authz/#kubelet-authorization',
    'https://kubernetes.io/docs/reference/config-api/kubelet-config.v1beta1/',
  ],
  evaluate(snapshot, params) {
    return evaluateKubeletRule(snapshot, params, {
      path: 'authorization.mode',
      what: 'its kubelet authorization settings',
      judge(config) {
        const mode = config.authorization?.mode;
        const evidence = { authorizationMode: mode ?? null };
        if (mode === undefined || mode === '') {
          return {
            ok: false,
            message: 'the kubelet reports no authorization mode (authorization.mode is not set)',
            evidence,
          };
        }
        if (mode === 'AlwaysAllow') {
          return {
            ok: false,
            message: 'the kubelet allows every request it authenticates (authorization.mode: AlwaysAllow)',
            evidence,
          };
        }
        return {
          ok: true,
          message: `the kubelet authorizes requests (authorization.mode: ${mode})`,
          evidence,
        };
      },
    });
  },
};
