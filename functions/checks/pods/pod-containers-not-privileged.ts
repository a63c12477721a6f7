import type { Check, Outcome } from '../../core/model.ts';
import { containerLabel, failure, outcomesOf } from '../lib/pod-security.ts';
import { containersOf, WORKLOAD_KINDS, workloads } from '../lib/workloads.ts';

/**
 * A privileged container runs with every capability and full access to the host's devices:
 * it is root on the node. PSS baseline `privileged`, all three container lists; a Pod whose
 * injected sidecar or debug container is privileged is reported even when its controller's
 * template is clean. https://kubernetes.io/docs/concepts/security/pod-security-standards/#baseline
 */
export const podContainersNotPrivileged: Check = {
  id: 'pod-containers-not-privileged',
  title: 'Containers do not run privileged',
  severity: 'critical',
  responsibility: 'customer',
  frameworks: [
    { framework: 'cis-eks-1.8.0', requirement: '4.2.1' },
    { framework: 'pss-baseline', requirement: 'privileged' },
    { framework: 'nsa-cisa-1.2', requirement: 'pod-security' },
    { framework: 'eks-best-practices', requirement: 'pod-security' },
  ],
  reads: WORKLOAD_KINDS,
  rationale:
    'A privileged container has all Linux capabilities and access to every device of the node, so a ' +
    'compromise of the container is a compromise of the node and of every pod and credential on it.',
  remediation: {
    summary:
      'Remove `securityContext.privileged: true` (or set it to false); grant only the specific capabilities the ' +
      'container needs, and enforce the baseline Pod Security Standard on the namespace.',
    cli: 'kubectl label namespace <namespace> pod-security.kubernetes.io/enforce=baseline',
    iac: 'securityContext:\n  privileged: false\n  allowPrivilegeEscalation: false\n  capabilities:\n    drop: ["ALL"]',
  },
  docs: [
    'https://kubernetes.io/docs/concepts/security/pod-security-standards/#baseline',
    'https://docs.aws.amazon.com/eks/latest/best-practices/pod-security.html',
  ],
  evaluate(snapshot) {
    const outcomes: Outcome[] = [];
    for (const workload of workloads(snapshot)) {
      const failures = containersOf(workload)
        .filter((ref) => ref.container.securityContext?.privileged === true)
        .map((ref) =>
          failure(workload, `${containerLabel(ref)} runs privileged`, {
            path: `${ref.path}.securityContext.privileged`,
            evidence: { container: ref.container.name },
          }),
        );
      outcomes.push(...outcomesOf(workload, failures, 'runs no privileged container.'));
    }
    return outcomes;
  },
};
