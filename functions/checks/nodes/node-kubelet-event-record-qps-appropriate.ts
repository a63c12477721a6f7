import type { Check } from '../../core/model.ts';
import { evaluateKubeletRule } from '../lib/nodes.ts';

/** The kubelet's own default (KubeletConfiguration v1beta1). */
const DEFAULT_EVENT_QPS = 50;

/**
 * CIS EKS 3.2.7: events are evidence; a rate limit set too low drops them. kube-bench accepts
 * any value >= 0, so the floor (and whether 0, unlimited, is accepted) are policy parameters.
 * https://kubernetes.io/docs/reference/config-api/kubelet-config.v1beta1/
 */
export const nodeKubeletEventRecordQpsAppropriate: Check = {
  id: 'node-kubelet-event-record-qps-appropriate',
  title: 'Kubelet event rate limit keeps events from being dropped',
  severity: 'low',
  responsibility: 'shared',
  frameworks: [
    { framework: 'cis-eks-1.8.0', requirement: '3.2.7' },
    { framework: 'nsa-cisa-1.2', requirement: 'logging' },
    { framework: 'eks-best-practices', requirement: 'detective-controls' },
  ],
  reads: ['nodes', 'kubelet:configz'],
  evaluation: 'kubelet-configz-opt-in',
  rationale:
    'Kubelet events (failed mounts, image pulls, probe failures, evictions) are often the first ' +
    'trace of an attack or a misbehaving workload. A very low eventRecordQPS silently drops them ' +
    'under load; 0 removes the limit, which captures everything but lets a noisy node flood the API server.',
  remediation: {
    summary:
      'Leave eventRecordQPS at its default (50) or set it at or above the configured minimum ' +
      '(parameter kubeletMinEventRecordQps); use 0 only if policy accepts an unlimited rate.',
    cli: 'kubectl get --raw "/api/v1/nodes/<node>/proxy/configz" | jq .kubeletconfig.eventRecordQPS',
    iac: 'apiVersion: node.eks.aws/v1alpha1\nkind: NodeConfig\nspec:\n  kubelet:\n    config:\n      eventRecordQPS: 50',
  },
  docs: ['https://kubernetes.io/docs/reference/config-api/kubelet-config.v1beta1/'],
  evaluate(snapshot, params) {
    return evaluateKubeletRule(snapshot, params, {
      path: 'eventRecordQPS',
      what: 'its kubelet event settings',
      judge(config, p) {
        const qps = config.eventRecordQPS;
        const evidence = { eventRecordQPS: qps ?? null, minimum: p.kubeletMinEventRecordQps };
        if (qps === undefined) {
          return {
            ok: DEFAULT_EVENT_QPS >= p.kubeletMinEventRecordQps,
            message: `eventRecordQPS is not set, so the kubelet default (${DEFAULT_EVENT_QPS}) applies`,
            evidence,
          };
        }
        if (qps === 0) {
          return p.kubeletAllowUnlimitedEventQps
            ? {
                ok: true,
                message: 'the kubelet records events without a rate limit (eventRecordQPS: 0)',
                evidence,
              }
            : {
                ok: false,
                message:
                  'the kubelet records events without a rate limit (eventRecordQPS: 0), which the policy ' +
                  'does not accept (kubeletAllowUnlimitedEventQps: false)',
                evidence,
              };
        }
        if (qps < 0 || qps < p.kubeletMinEventRecordQps) {
          return {
            ok: false,
            message: `the kubelet records at most ${qps} event${qps === 1 ? '' : 's'} per second (eventRecordQPS), below the minimum of ${p.kubeletMinEventRecordQps}, so events are dropped under load`,
            evidence,
          };
        }
        return {
          ok: true,
          message: `the kubelet records up to ${qps} events per second (eventRecordQPS)`,
          evidence,
        };
      },
    });
  },
};
