import type { SecurityContext } from '../../core/k8s-types.ts';
import type { Check, DeepReadonly, Outcome } from '../../core/model.ts';
import {
  allowedAt,
  containerLabel,
  failure,
  outcomesOf,
  POD_SECURITY_KINDS,
  type PolicyVersion,
  policyVersions,
  seLinuxTypeAllowedSince,
  undetermined,
} from '../lib/pod-security.ts';
import { containersOf, type Workload, workloads } from '../lib/workloads.ts';

type SeLinuxOptions = DeepReadonly<NonNullable<SecurityContext['seLinuxOptions']>>;

function violations(
  workload: Workload,
  options: SeLinuxOptions | undefined,
  owner: string,
  path: string,
  version: PolicyVersion,
  evidence: Record<string, string>,
): Outcome[] {
  if (!options) return [];
  const found: Outcome[] = [];
  const type = options.type ?? '';
  const allowed = allowedAt(seLinuxTypeAllowedSince(type), version);
  if (allowed !== true) {
    const detail = `${owner} sets SELinux type "${type}", outside the container types the baseline allows`;
    const at = { path: `${path}.type`, evidence: { ...evidence, type } };
    found.push(
      allowed === false ? failure(workload, detail, at) : undetermined(workload, detail, version, at),
    );
  }
  for (const field of ['user', 'role'] as const) {
    const value = options[field];
    if (!value) continue;
    found.push(
      failure(workload, `${owner} sets a custom SELinux ${field} "${value}"`, {
        path: `${path}.${field}`,
        evidence: { ...evidence, [field]: value },
      }),
    );
  }
  return found;
}

/**
 * PSS baseline `seLinuxOptions`: on the pod and on every container, `type` must be empty or one
 * of the container types (`container_t`, `container_init_t`, `container_kvm_t`, and
 * `container_engine_t` from policy v1.31), and `user` and `role` must be empty.
 * https://kubernetes.io/docs/concepts/security/pod-security-standards/#baseline
 */
export const podSelinuxOptionsRestricted: Check = {
  id: 'pod-selinux-options-restricted',
  title: 'Pods keep the container SELinux types and set no custom SELinux user or role',
  severity: 'high',
  responsibility: 'customer',
  frameworks: [
    { framework: 'pss-baseline', requirement: 'seLinuxOptions' },
    { framework: 'nsa-cisa-1.2', requirement: 'pod-security' },
    { framework: 'eks-best-practices', requirement: 'pod-security' },
  ],
  reads: POD_SECURITY_KINDS,
  rationale:
    'On nodes that enforce SELinux, such as Bottlerocket, the SELinux label is what keeps a container away ' +
    "from the host's files and from other containers. A custom type such as spc_t (super-privileged container) " +
    'or unconfined_t, or a custom SELinux user or role, lifts that confinement and gives a compromised ' +
    'process access it would otherwise be denied.',
  remediation: {
    summary:
      'Remove `seLinuxOptions.user` and `seLinuxOptions.role`, and leave `seLinuxOptions.type` unset or use ' +
      'container_t (or container_init_t / container_kvm_t / container_engine_t where needed); set only the ' +
      'MCS `level` when pods must share files.',
    cli: 'kubectl label namespace <namespace> pod-security.kubernetes.io/enforce=baseline',
    iac: 'securityContext:\n  seLinuxOptions:\n    level: "s0:c123,c456"  # no type, user or role',
  },
  docs: [
    'https://kubernetes.io/docs/concepts/security/pod-security-standards/#baseline',
    'https://kubernetes.io/docs/tasks/configure-pod-container/security-context/#assign-selinux-labels-to-a-container',
  ],
  evaluate(snapshot) {
    const outcomes: Outcome[] = [];
    const versionOf = policyVersions(snapshot);
    for (const workload of workloads(snapshot)) {
      const version = versionOf(workload.resource.namespace);
      const findings = violations(
        workload,
        workload.spec.securityContext?.seLinuxOptions,
        'the pod',
        `${workload.specPath}.securityContext.seLinuxOptions`,
        version,
        {},
      );
      for (const ref of containersOf(workload)) {
        findings.push(
          ...violations(
            workload,
            ref.container.securityContext?.seLinuxOptions,
            containerLabel(ref),
            `${ref.path}.securityContext.seLinuxOptions`,
            version,
            { container: ref.container.name },
          ),
        );
      }
      outcomes.push(
        ...outcomesOf(workload, findings, 'keeps the container SELinux types and no custom user or role.'),
      );
    }
    return outcomes;
  },
};
