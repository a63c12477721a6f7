import type { Check } from '../../core/model.ts';
import { evaluateKubeletRule } from '../lib/nodes.ts';

/**
 * CIS EKS 3.2.8: the kubelet renews its client certificate to the API server before it
 * expires. CIS accepts the setting true or absent.
 * https://kubernetes.io/docs/tasks/tls/certificate-rotation/
 */
export const nodeKubeletClientCertRotationEnabled: Check = {
  id: 'node-kubelet-client-cert-rotation-enabled',
  title: 'Kubelets rotate their client certificates',
  severity: 'medium',
  responsibility: 'shared',
  frameworks: [
    { framework: 'cis-eks-1.8.0', requirement: '3.2.8' },
    { framework: 'nsa-cisa-1.2', requirement: 'authentication' },
    { framework: 'eks-best-practices', requirement: 'infrastructure-security' },
  ],
  reads: ['nodes', 'kubelet:configz'],
  evaluation: 'kubelet-configz-opt-in',
  rationale:
    'A kubelet that does not rotate its client certificate keeps one long-lived credential to the ' +
    'API server: stolen from the node, it stays valid until it expires, and when it expires the ' +
    'node silently drops out of the cluster.',
  remediation: {
    summary:
      'Set rotateCertificates to true in the kubelet configuration (the EKS AMIs do), and roll the nodes.',
    cli: 'kubectl get --raw "/api/v1/nodes/<node>/proxy/configz" | jq .kubeletconfig.rotateCertificates',
    iac: 'apiVersion: node.eks.aws/v1alpha1\nkind: NodeConfig\nspec:\n  kubelet:\n    config:\n      rotateCertificates: true',
  },
  docs: [
    'https://kubernetes.io/docs/tasks/tls/certificate-rotation/',
    'https://kubernetes.io/docs/reference/config-api/kubelet-config.v1beta1/',
  ],
  evaluate(snapshot, params) {
    return evaluateKubeletRule(snapshot, params, {
      path: 'rotateCertificates',
      what: 'its kubelet certificates',
      judge(config) {
        const value = config.rotateCertificates;
        const evidence = { rotateCertificates: value ?? null };
        if (value === false) {
          return {
            ok: false,
            message: 'the kubelet does not rotate its client certificate (rotateCertificates: false)',
            evidence,
          };
        }
        return {
          ok: true,
          message:
            value === true
              ? 'the kubelet rotates its client certificate (rotateCertificates: true)'
              : 'rotateCertificates is not set, which CIS 3.2.8 accepts',
          evidence,
        };
      },
    });
  },
};
