import type { Check } from '../../core/model.ts';
import { evaluateKubeletRule, goDurationSeconds } from '../lib/nodes.ts';

/**
 * CIS EKS 3.2.5: a zero streaming idle timeout keeps exec, attach and port-forward
 * connections open for ever. Unset means the kubelet default (4h).
 * https://kubernetes.io/docs/reference/config-api/kubelet-config.v1beta1/
 */
export const nodeKubeletStreamingIdleTimeoutSet: Check = {
  id: 'node-kubelet-streaming-idle-timeout-set',
  title: 'Kubelet streaming connections time out when idle',
  severity: 'low',
  responsibility: 'shared',
  frameworks: [
    { framework: 'cis-eks-1.8.0', requirement: '3.2.5' },
    { framework: 'eks-best-practices', requirement: 'infrastructure-security' },
  ],
  reads: ['nodes', 'kubelet:configz'],
  evaluation: 'kubelet-configz-opt-in',
  rationale:
    'Idle exec, attach and port-forward sessions that never time out pile up on the node and can ' +
    'exhaust it, and a forgotten session stays a live shell into a container. A finite idle timeout ' +
    'closes them.',
  remediation: {
    summary:
      'Set streamingConnectionIdleTimeout to a non-zero duration (the default is 4h0m0s; 5m is ' +
      'common) in the kubelet configuration, and roll the nodes.',
    cli: 'kubectl get --raw "/api/v1/nodes/<node>/proxy/configz" | jq .kubeletconfig.streamingConnectionIdleTimeout',
    iac: 'apiVersion: node.eks.aws/v1alpha1\nkind: NodeConfig\nspec:\n  kubelet:\n    config:\n      streamingConnectionIdleTimeout: 5m',
  },
  docs: ['https://kubernetes.io/docs/reference/config-api/kubelet-config.v1beta1/'],
  evaluate(snapshot, params) {
    return evaluateKubeletRule(snapshot, params, {
      path: 'streamingConnectionIdleTimeout',
      what: 'its kubelet streaming settings',
      judge(config) {
        const timeout = config.streamingConnectionIdleTimeout;
        const evidence = { streamingConnectionIdleTimeout: timeout ?? null };
        if (timeout === undefined) {
          return {
            ok: true,
            message: 'streamingConnectionIdleTimeout is not set, so the kubelet default (4h) applies',
            evidence,
          };
        }
        const seconds = goDurationSeconds(timeout);
        if (seconds === undefined) {
          return {
            ok: 'unknown',
            message: `streamingConnectionIdleTimeout "${timeout}" is not a duration Watchkeeper can read`,
            evidence,
          };
        }
        if (seconds <= 0) {
          return {
            ok: false,
            message: `idle streaming connections never time out (streamingConnectionIdleTimeout: ${timeout})`,
            evidence,
          };
        }
        return {
          ok: true,
          message: `idle streaming connections close after ${timeout} (streamingConnectionIdleTimeout)`,
          evidence,
        };
      },
    });
  },
};
