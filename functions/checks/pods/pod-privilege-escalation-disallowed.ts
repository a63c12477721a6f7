import type { Check, Outcome } from '../../core/model.ts';
import {
  atLeast,
  containerLabel,
  failure,
  notApplicable,
  outcomesOf,
  POD_SECURITY_KINDS,
  PSA_SINCE,
  policyVersions,
  windowsExempt,
} from '../lib/pod-security.ts';
import { containersOf, workloads } from '../lib/workloads.ts';

/**
 * `allowPrivilegeEscalation` defaults to true, so only an explicit false sets the kernel's
 * no_new_privs flag. CIS EKS 4.2.5, PSS restricted `allowPrivilegeEscalation` (Windows pods
 * exempt from policy v1.25; the check exists from policy v1.8):
 * https://kubernetes.io/docs/concepts/security/pod-security-standards/#restricted
 */
export const podPrivilegeEscalationDisallowed: Check = {
  id: 'pod-privilege-escalation-disallowed',
  title: 'Containers set allowPrivilegeEscalation to false',
  severity: 'medium',
  responsibility: 'customer',
  frameworks: [
    { framework: 'cis-eks-1.8.0', requirement: '4.2.5' },
    { framework: 'pss-restricted', requirement: 'allowPrivilegeEscalation' },
    { framework: 'nsa-cisa-1.2', requirement: 'pod-security' },
    { framework: 'eks-best-practices', requirement: 'pod-security' },
  ],
  reads: POD_SECURITY_KINDS,
  rationale:
    'Unless a container sets allowPrivilegeEscalation to false, its processes can gain more privileges ' +
    'than their parent, for example through a set-user-ID binary such as sudo or a file capability. The ' +
    'field defaults to true, so a container that leaves it unset lets an attacker who lands as an ordinary ' +
    'user climb to root inside the container, the usual first step of a container escape.',
  remediation: {
    summary:
      'Set `securityContext.allowPrivilegeEscalation: false` on every container, init container and ephemeral ' +
      'container, and enforce the restricted Pod Security Standard on the namespace.',
    cli: 'kubectl label namespace <namespace> pod-security.kubernetes.io/enforce=restricted',
    iac: 'containers:\n  - name: app\n    securityContext:\n      allowPrivilegeEscalation: false',
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
      if (atLeast(version, PSA_SINCE.allowPrivilegeEscalation) === false) {
        outcomes.push(
          notApplicable(
            workload,
            `is in a namespace pinned to policy ${version.text}, before the rule existed.`,
          ),
        );
        continue;
      }
      if (windowsExempt(workload.spec, version)) {
        outcomes.push(
          notApplicable(
            workload,
            'is a Windows pod: the field is Linux-only and PSA exempts Windows pods from this rule.',
          ),
        );
        continue;
      }
      const failures: Outcome[] = [];
      for (const ref of containersOf(workload)) {
        const value = ref.container.securityContext?.allowPrivilegeEscalation;
        if (value === false) continue;
        const why =
          value === true
            ? 'sets allowPrivilegeEscalation: true'
            : 'does not set allowPrivilegeEscalation, which defaults to true';
        failures.push(
          failure(workload, `${containerLabel(ref)} ${why}`, {
            path: `${ref.path}.securityContext.allowPrivilegeEscalation`,
            evidence: { container: ref.container.name, allowPrivilegeEscalation: value ?? null },
          }),
        );
      }
      outcomes.push(...outcomesOf(workload, failures, 'disallows privilege escalation in every container.'));
    }
    return outcomes;
  },
};
