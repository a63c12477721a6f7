import type { Check, Outcome } from '../../core/model.ts';
import {
  atLeast,
  containerLabel,
  failure,
  handlerHosts,
  notApplicable,
  outcomesOf,
  POD_SECURITY_KINDS,
  PSA_SINCE,
  policyVersions,
  undetermined,
} from '../lib/pod-security.ts';
import { containersOf, workloads } from '../lib/workloads.ts';

const PROBES = ['livenessProbe', 'readinessProbe', 'startupProbe'] as const;
const HOOKS = ['postStart', 'preStop'] as const;

/**
 * PSS baseline `hostProbesAndHostLifecycle` (policy v1.34+): probes and lifecycle hooks must
 * not name a `host` for `httpGet` or `tcpSocket`, so the kubelet only ever calls the pod itself.
 * Before v1.34 PSA has no such control, and such pods are reported as not applicable.
 * https://kubernetes.io/docs/concepts/security/pod-security-standards/#baseline
 */
export const podProbeHostsNotSet: Check = {
  id: 'pod-probe-hosts-not-set',
  title: 'Probes and lifecycle hooks target only the pod, never another host',
  severity: 'medium',
  responsibility: 'customer',
  frameworks: [
    { framework: 'pss-baseline', requirement: 'hostProbesAndHostLifecycle' },
    { framework: 'nsa-cisa-1.2', requirement: 'pod-security' },
    { framework: 'eks-best-practices', requirement: 'pod-security' },
  ],
  reads: POD_SECURITY_KINDS,
  rationale:
    'The kubelet runs HTTP and TCP probes and lifecycle hooks from the node. A `host` field points it at any ' +
    'address the node can reach instead of the pod: other pods past their network policies, services bound to ' +
    "the node's loopback, or the instance metadata service. Anyone who can create pods then has the node make " +
    'requests on their behalf and learns from probe results what answers.',
  remediation: {
    summary:
      'Remove `host` from `httpGet` and `tcpSocket` in liveness, readiness and startup probes and in postStart/' +
      'preStop hooks, so they target the pod IP; for a virtual host, set an HTTP `Host` header instead.',
    cli: 'kubectl label namespace <namespace> pod-security.kubernetes.io/enforce=baseline',
    iac:
      'livenessProbe:\n  httpGet:\n    path: /healthz\n    port: 8080\n    httpHeaders:\n' +
      '      - name: Host\n        value: app.example.com  # instead of host:',
  },
  docs: [
    'https://kubernetes.io/docs/concepts/security/pod-security-standards/#baseline',
    'https://kubernetes.io/docs/tasks/configure-pod-container/configure-liveness-readiness-startup-probes/',
  ],
  evaluate(snapshot) {
    const outcomes: Outcome[] = [];
    const versionOf = policyVersions(snapshot);
    for (const workload of workloads(snapshot)) {
      const version = versionOf(workload.resource.namespace);
      const applies = atLeast(version, PSA_SINCE.hostProbesAndHostLifecycle);
      const found: Array<{ path: string; detail: string; container: string; host: string }> = [];
      for (const ref of containersOf(workload)) {
        const handlers: Array<[string, unknown]> = PROBES.map((probe) => [probe, ref.container[probe]]);
        const lifecycle = ref.container.lifecycle;
        if (typeof lifecycle === 'object' && lifecycle !== null) {
          for (const hook of HOOKS)
            handlers.push([`lifecycle.${hook}`, (lifecycle as Record<string, unknown>)[hook]]);
        }
        for (const [name, handler] of handlers) {
          for (const { field, host } of handlerHosts(handler)) {
            found.push({
              path: `${ref.path}.${name}.${field}.host`,
              detail: `${containerLabel(ref)} points its ${name} ${field} at host "${host}"`,
              container: ref.container.name,
              host,
            });
          }
        }
      }
      if (found.length > 0 && applies === false) {
        outcomes.push(
          notApplicable(
            workload,
            `sets a probe or hook host, but its namespace's policy ${version.text} predates the control ` +
              `(policy v1.${PSA_SINCE.hostProbesAndHostLifecycle}).`,
          ),
        );
        continue;
      }
      const findings = found.map(({ path, detail, container, host }) => {
        const options = { path, evidence: { container, host } };
        return applies === true
          ? failure(workload, `${detail}, so the kubelet calls that host from the node`, options)
          : undetermined(workload, detail, version, options);
      });
      outcomes.push(
        ...outcomesOf(workload, findings, 'lets every probe and lifecycle hook target the pod itself.'),
      );
    }
    return outcomes;
  },
};
