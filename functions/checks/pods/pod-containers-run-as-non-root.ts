import type { Check, FrameworkRef, Outcome } from '../../core/model.ts';
import {
  atLeast,
  containerLabel,
  failure,
  outcomesOf,
  POD_SECURITY_KINDS,
  PSA_SINCE,
  policyVersions,
  type RunAsRootViolation,
  requirementEvidence,
  runAsRootViolations,
  undetermined,
  usesUserNamespace,
} from '../lib/pod-security.ts';
import { workloads } from '../lib/workloads.ts';

const FRAMEWORKS: readonly FrameworkRef[] = [
  { framework: 'pss-restricted', requirement: 'runAsNonRoot' },
  { framework: 'pss-restricted', requirement: 'runAsUser' },
  { framework: 'nsa-cisa-1.2', requirement: 'pod-security' },
  { framework: 'eks-best-practices', requirement: 'pod-security' },
];

/** A runAsNonRoot violation does not break runAsUser and vice versa. */
const requirementsOf = (violation: RunAsRootViolation) =>
  FRAMEWORKS.filter((ref) => ref.framework !== 'pss-restricted' || ref.requirement === violation.requirement);

function message(violation: RunAsRootViolation): string {
  const who = violation.container ? containerLabel(violation.container) : 'the pod';
  switch (violation.reason) {
    case 'pod-run-as-non-root-false':
      return 'the pod sets runAsNonRoot: false, which containers inherit unless they override it';
    case 'container-run-as-non-root-false':
      return `${who} sets runAsNonRoot: false, overriding any pod-level setting`;
    case 'run-as-non-root-unset':
      return `neither ${who} nor the pod sets runAsNonRoot: true, so the image may run it as root`;
    case 'pod-run-as-user-zero':
      return 'the pod sets runAsUser: 0 (root) for every container that does not override it';
    case 'container-run-as-user-zero':
      return `${who} sets runAsUser: 0 and runs as root, whatever the pod sets`;
  }
}

/**
 * Containers must be kept from running as UID 0, exactly as PSA's restricted `runAsNonRoot`
 * and `runAsUser` checks decide it at the namespace's policy version (see
 * runAsRootViolations): `runAsUser` from v1.23, pods in a user namespace exempt from v1.35.
 * https://kubernetes.io/docs/concepts/security/pod-security-standards/#restricted
 */
export const podContainersRunAsNonRoot: Check = {
  id: 'pod-containers-run-as-non-root',
  title: 'Containers run as a non-root user',
  severity: 'medium',
  responsibility: 'customer',
  frameworks: FRAMEWORKS,
  reads: POD_SECURITY_KINDS,
  rationale:
    'Most images run as root unless told otherwise. Root in a container is the same UID 0 as root on the ' +
    'node, held back only by capabilities, seccomp and the runtime: one kernel or runtime flaw, a writable ' +
    'hostPath or an added capability turns it into root on the node. runAsNonRoot: true makes the kubelet ' +
    'refuse to start a container whose user is 0, and a non-zero runAsUser states the user explicitly.',
  remediation: {
    summary:
      'Set `securityContext.runAsNonRoot: true` and a non-zero `runAsUser` at pod level (containers inherit ' +
      'them), remove any `runAsNonRoot: false` or `runAsUser: 0` from pods and containers, and build images ' +
      'with a non-root USER.',
    cli: 'kubectl label namespace <namespace> pod-security.kubernetes.io/enforce=restricted',
    iac: 'spec:\n  securityContext:\n    runAsNonRoot: true\n    runAsUser: 10001\n    runAsGroup: 10001',
  },
  docs: [
    'https://kubernetes.io/docs/concepts/security/pod-security-standards/#restricted',
    'https://kubernetes.io/docs/tasks/configure-pod-container/security-context/',
    'https://docs.aws.amazon.com/eks/latest/best-practices/pod-security.html',
  ],
  evaluate(snapshot) {
    const outcomes: Outcome[] = [];
    const versionOf = policyVersions(snapshot);
    for (const workload of workloads(snapshot)) {
      const version = versionOf(workload.resource.namespace);
      const findings = runAsRootViolations(workload, version).map((violation) => {
        const options = {
          path: violation.path,
          evidence: {
            ...(violation.container ? { container: violation.container.container.name } : {}),
            ...requirementEvidence({ framework: 'pss-restricted', requirement: violation.requirement }),
          },
          requirements: requirementsOf(violation),
        };
        return violation.undetermined
          ? undetermined(
              workload,
              `${message(violation)}, in a pod with its own user namespace (hostUsers: false), which PSA ` +
                `exempts from policy v1.${PSA_SINCE.userNamespaces}`,
              version,
              options,
            )
          : failure(workload, message(violation), options);
      });
      const relaxed = usesUserNamespace(workload.spec) && atLeast(version, PSA_SINCE.userNamespaces) === true;
      const passMessage = relaxed
        ? 'runs in its own user namespace (hostUsers: false), so UID 0 in the pod is not root on the node.'
        : 'runs every container as a non-root user.';
      outcomes.push(...outcomesOf(workload, findings, passMessage));
    }
    return outcomes;
  },
};
