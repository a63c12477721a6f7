import type { Check } from '../../core/model.ts';
import { evaluateKubeletRule } from '../lib/nodes.ts';

/**
 * CIS EKS 3.2.3: with a client CA the kubelet can verify the certificates callers (the API
 * server first of all) present; without it, x509 client authentication is off.
 * https://kubernetes.io/docs/reference/access-authn-authz/kubelet-authn-authz/#kubelet-authentication
 */
export const nodeKubeletClientCaConfigured: Check = {
  id: 'node-kubelet-client-ca-configured',
  title: 'Kubelets verify client certificates against a CA file',
  severity: 'high',
  responsibility: 'shared',
  frameworks: [
    { framework: 'cis-eks-1.8.0', requirement: '3.2.3' },
    { framework: 'nsa-cisa-1.2', requirement: 'authentication' },
    { framework: 'eks-best-practices', requirement: 'infrastructure-security' },
  ],
  reads: ['nodes', 'kubelet:configz'],
  evaluation: 'kubelet-configz-opt-in',
  rationale:
    'The client CA file is how the kubelet tells the API server (and other certificate holders) ' +
    'from anyone else. Without it, client certificates are not checked at all, and the kubelet ' +
    'must rely on other authenticators or anonymous access.',
  remediation: {
    summary:
      'Set authentication.x509.clientCAFile to the cluster CA bundle (the EKS AMIs use ' +
      '/etc/kubernetes/pki/ca.crt) in the kubelet configuration, and roll the nodes.',
    cli: 'kubectl get --raw "/api/v1/nodes/<node>/proxy/configz" | jq .kubeletconfig.authentication.x509',
    iac:
      'apiVersion: node.eks.aws/v1alpha1\nkind: NodeConfig\nspec:\n  kubelet:\n    config:\n' +
      '      authentication:\n        x509:\n          clientCAFile: /etc/kubernetes/pki/ca.crt',
  },
  docs: [
    'https://kubernetes.io/docs/reference/access-authn-authz/kubelet-authn-authz/#kubelet-authentication',
    'https://kubernetes.io/docs/reference/config-api/kubelet-config.v1beta1/',
  ],
  evaluate(snapshot, params) {
    return evaluateKubeletRule(snapshot, params, {
      path: 'authentication.x509.clientCAFile',
      what: 'its kubelet client certificate authority',
      judge(config) {
        const file = config.authentication?.x509?.clientCAFile;
        const evidence = { clientCAFile: file ?? null };
        if (file !== undefined && file.trim() !== '') {
          return {
            ok: true,
            message: `the kubelet verifies client certificates (authentication.x509.clientCAFile: ${file})`,
            evidence,
          };
        }
        return {
          ok: false,
          message: 'the kubelet has no client CA file, so it does not verify client certificates',
          evidence,
        };
      },
    });
  },
};
