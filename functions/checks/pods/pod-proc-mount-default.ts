import type { Check, FrameworkRef, Outcome } from '../../core/model.ts';
import {
  atLeast,
  containerLabel,
  failure,
  isDefaultProcMount,
  outcomesOf,
  POD_SECURITY_KINDS,
  PSA_SINCE,
  policyVersions,
  undetermined,
  usesUserNamespace,
} from '../lib/pod-security.ts';
import { containersOf, workloads } from '../lib/workloads.ts';

const BASELINE: FrameworkRef = { framework: 'pss-baseline', requirement: 'procMount' };
const RESTRICTED: FrameworkRef = { framework: 'pss-restricted', requirement: 'procMount_restricted' };
const FRAMEWORKS: readonly FrameworkRef[] = [
  BASELINE,
  RESTRICTED,
  { framework: 'nsa-cisa-1.2', requirement: 'pod-security' },
  { framework: 'eks-best-practices', requirement: 'pod-security' },
];
const BASELINE_ONLY = FRAMEWORKS.filter((ref) => ref !== RESTRICTED);
const RESTRICTED_ONLY = FRAMEWORKS.filter((ref) => ref !== BASELINE);

/**
 * PSS `procMount`: every container keeps the default /proc masks (`procMount` unset or
 * `Default`). The baseline `procMount` check allows any value for pods in their own user
 * namespace (`hostUsers: false`) from policy v1.35, when the restricted
 * `procMount_restricted` check takes over the strict rule; before v1.35 the baseline rule is
 * strict for every pod. Each finding names the requirement it breaks at the namespace's version.
 * https://kubernetes.io/docs/concepts/security/pod-security-standards/
 */
export const podProcMountDefault: Check = {
  id: 'pod-proc-mount-default',
  title: 'Containers keep the default /proc masks (procMount Default)',
  severity: 'medium',
  responsibility: 'customer',
  frameworks: FRAMEWORKS,
  reads: POD_SECURITY_KINDS,
  rationale:
    'The container runtime masks and makes read-only the parts of /proc that expose or control the kernel ' +
    '(/proc/kcore, /proc/sys, /proc/sysrq-trigger and others). procMount: Unmasked removes those masks, so a ' +
    'process in the container can read kernel memory layouts and change kernel settings that are meant to ' +
    'stay out of reach, a direct aid to escaping to the node.',
  remediation: {
    summary:
      'Remove `securityContext.procMount` (or set it to Default) on every container; a nested container runtime ' +
      'that needs Unmasked belongs in a pod with `hostUsers: false` in a namespace that does not enforce restricted.',
    cli: 'kubectl label namespace <namespace> pod-security.kubernetes.io/enforce=baseline',
    iac: 'containers:\n  - name: app\n    securityContext:\n      procMount: Default',
  },
  docs: [
    'https://kubernetes.io/docs/concepts/security/pod-security-standards/',
    'https://kubernetes.io/docs/concepts/workloads/pods/user-namespaces/',
  ],
  evaluate(snapshot) {
    const outcomes: Outcome[] = [];
    const versionOf = policyVersions(snapshot);
    for (const workload of workloads(snapshot)) {
      const version = versionOf(workload.resource.namespace);
      const split = atLeast(version, PSA_SINCE.userNamespaces);
      const userNamespace = usesUserNamespace(workload.spec);
      const findings: Outcome[] = [];
      for (const ref of containersOf(workload)) {
        const procMount = ref.container.securityContext?.procMount;
        if (isDefaultProcMount(procMount)) continue;
        const detail = `${containerLabel(ref)} sets procMount: ${procMount}, removing the /proc masks`;
        const options = {
          path: `${ref.path}.securityContext.procMount`,
          evidence: { container: ref.container.name, procMount: procMount ?? '', hostUsers: !userNamespace },
        };
        if (!userNamespace) {
          findings.push(
            failure(workload, detail, {
              ...options,
              requirements: split === true ? FRAMEWORKS : BASELINE_ONLY,
            }),
          );
        } else if (split === true) {
          findings.push(
            failure(
              workload,
              `${detail}; the baseline allows it in a pod with its own user namespace, the restricted standard does not`,
              { ...options, requirements: RESTRICTED_ONLY },
            ),
          );
        } else if (split === false) {
          findings.push(
            failure(
              workload,
              `${detail}; before policy v1.${PSA_SINCE.userNamespaces} even a pod with its own user namespace may not`,
              { ...options, requirements: BASELINE_ONLY },
            ),
          );
        } else {
          findings.push(
            undetermined(
              workload,
              `${detail} in a pod with its own user namespace (hostUsers: false)`,
              version,
              options,
            ),
          );
        }
      }
      outcomes.push(...outcomesOf(workload, findings, 'keeps the default /proc masks in every container.'));
    }
    return outcomes;
  },
};
