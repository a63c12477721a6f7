import type { Check, Outcome } from '../../core/model.ts';
import { containerLabel, failure, outcomesOf } from '../lib/pod-security.ts';
import { containersOf, WORKLOAD_KINDS, workloads } from '../lib/workloads.ts';

/**
 * PSS baseline `windowsHostProcess`: `windowsOptions.hostProcess` must be unset or false on the
 * pod and on every container, init and ephemeral container.
 * https://kubernetes.io/docs/concepts/security/pod-security-standards/#baseline
 */
export const podWindowsHostProcessDisabled: Check = {
  id: 'pod-windows-host-process-disabled',
  title: 'Windows pods run no HostProcess containers',
  severity: 'critical',
  responsibility: 'customer',
  frameworks: [
    { framework: 'pss-baseline', requirement: 'windowsHostProcess' },
    { framework: 'nsa-cisa-1.2', requirement: 'pod-security' },
    { framework: 'eks-best-practices', requirement: 'pod-security' },
  ],
  reads: WORKLOAD_KINDS,
  rationale:
    'A Windows HostProcess container is not isolated at all: it runs as a process of the Windows node, ' +
    "in the node's network, with its file system and devices, under a node account such as SYSTEM. It is the " +
    'Windows equivalent of a privileged container, so whoever controls its image or its process controls the ' +
    'node and every pod and credential on it.',
  remediation: {
    summary:
      'Remove `windowsOptions.hostProcess: true` from the pod and container security contexts; run node ' +
      'management agents from the node image or a dedicated, tightly controlled namespace, and enforce the ' +
      'baseline Pod Security Standard on application namespaces.',
    cli: 'kubectl label namespace <namespace> pod-security.kubernetes.io/enforce=baseline',
    iac: 'spec:\n  securityContext:\n    windowsOptions:\n      hostProcess: false',
  },
  docs: [
    'https://kubernetes.io/docs/concepts/security/pod-security-standards/#baseline',
    'https://kubernetes.io/docs/tasks/configure-pod-container/create-hostprocess-pod/',
  ],
  evaluate(snapshot) {
    const outcomes: Outcome[] = [];
    for (const workload of workloads(snapshot)) {
      const failures: Outcome[] = [];
      if (workload.spec.securityContext?.windowsOptions?.hostProcess === true) {
        failures.push(
          failure(
            workload,
            'the pod sets windowsOptions.hostProcess: true, so every container runs on the host',
            {
              path: `${workload.specPath}.securityContext.windowsOptions.hostProcess`,
            },
          ),
        );
      }
      for (const ref of containersOf(workload)) {
        if (ref.container.securityContext?.windowsOptions?.hostProcess !== true) continue;
        failures.push(
          failure(workload, `${containerLabel(ref)} runs as a HostProcess container on the Windows node`, {
            path: `${ref.path}.securityContext.windowsOptions.hostProcess`,
            evidence: { container: ref.container.name },
          }),
        );
      }
      outcomes.push(...outcomesOf(workload, failures, 'runs no HostProcess container.'));
    }
    return outcomes;
  },
};
