import type { Check } from '../../core/model.ts';
import { evaluateKubeletRule } from '../lib/nodes.ts';

const GATE = 'RotateKubeletServerCertificate';

/**
 * CIS EKS 3.2.9: the kubelet's serving certificate should be requested from and rotated by
 * the cluster. The feature gate is on by default in current kubelets and often not listed, so
 * `serverTLSBootstrap: true` (what the EKS AMIs set) is accepted as well; a gate turned off fails.
 * https://kubernetes.io/docs/reference/access-authn-authz/kubelet-tls-bootstrapping/#certificate-rotation
 */
export const nodeKubeletServerCertRotationEnabled: Check = {
  id: 'node-kubelet-server-cert-rotation-enabled',
  title: 'Kubelets rotate their serving certificates',
  severity: 'medium',
  responsibility: 'shared',
  frameworks: [
    { framework: 'cis-eks-1.8.0', requirement: '3.2.9' },
    { framework: 'nsa-cisa-1.2', requirement: 'authentication' },
    { framework: 'eks-best-practices', requirement: 'infrastructure-security' },
  ],
  reads: ['nodes', 'kubelet:configz'],
  evaluation: 'kubelet-configz-opt-in',
  rationale:
    'Without serving-certificate rotation the kubelet presents a self-signed or long-lived ' +
    'certificate on port 10250, so clients cannot verify they talk to the real node and a stolen ' +
    'key stays usable for as long as the certificate lives.',
  remediation: {
    summary:
      'Set serverTLSBootstrap to true and leave the RotateKubeletServerCertificate feature gate on ' +
      '(the default) in the kubelet configuration; approve the kubelet-serving CSRs, and roll the nodes.',
    cli: 'kubectl get --raw "/api/v1/nodes/<node>/proxy/configz" | jq \'.kubeletconfig | {serverTLSBootstrap, featureGates}\'',
    iac:
      'apiVersion: node.eks.aws/v1alpha1\nkind: NodeConfig\nspec:\n  kubelet:\n    config:\n' +
      '      serverTLSBootstrap: true\n      featureGates:\n        RotateKubeletServerCertificate: true',
  },
  docs: [
    'https://kubernetes.io/docs/reference/access-authn-authz/kubelet-tls-bootstrapping/#certificate-rotation',
    'https://kubernetes.io/docs/reference/config-api/kubelet-config.v1beta1/',
  ],
  evaluate(snapshot, params) {
    return evaluateKubeletRule(snapshot, params, {
      path: `featureGates.${GATE}`,
      what: 'its kubelet certificates',
      judge(config) {
        const gate = config.featureGates?.[GATE];
        const bootstrap = config.serverTLSBootstrap;
        const evidence = {
          rotateKubeletServerCertificate: gate ?? null,
          serverTLSBootstrap: bootstrap ?? null,
        };
        if (gate === false) {
          return {
            ok: false,
            message: `serving-certificate rotation is turned off (featureGates.${GATE}: false)`,
            evidence,
          };
        }
        if (gate === true) {
          return {
            ok: true,
            message: `serving-certificate rotation is on (featureGates.${GATE}: true)`,
            evidence,
          };
        }
        if (bootstrap === true) {
          return {
            ok: true,
            message: `the kubelet bootstraps and rotates its serving certificate (serverTLSBootstrap: true, ${GATE} on by default)`,
            evidence,
          };
        }
        return {
          ok: false,
          message: `the kubelet neither bootstraps its serving certificate (serverTLSBootstrap) nor sets ${GATE}`,
          evidence,
        };
      },
    });
  },
};
