import type { Check, FrameworkRef, Outcome } from '../../core/model.ts';
import {
  capabilityFindings,
  containerLabel,
  failure,
  isEscapeCapability,
  isWindowsPod,
  outcomesOf,
  POD_SECURITY_KINDS,
  policyVersions,
  requirementEvidence,
  restrictedCapabilitiesApply,
} from '../lib/pod-security.ts';
import { containersOf, workloads } from '../lib/workloads.ts';

const BASELINE: FrameworkRef = { framework: 'pss-baseline', requirement: 'capabilities_baseline' };
const RESTRICTED: FrameworkRef = { framework: 'pss-restricted', requirement: 'capabilities_restricted' };
const FRAMEWORKS: readonly FrameworkRef[] = [
  BASELINE,
  RESTRICTED,
  { framework: 'nsa-cisa-1.2', requirement: 'pod-security' },
  { framework: 'eks-best-practices', requirement: 'pod-security' },
];
/** A restricted-only failure must not count against the baseline. */
const RESTRICTED_ONLY = FRAMEWORKS.filter((ref) => ref !== BASELINE);
/** Where the restricted rule does not apply (Windows pods, old policy versions), nor does it fail. */
const BASELINE_ONLY = FRAMEWORKS.filter((ref) => ref !== RESTRICTED);

const list = (names: readonly string[]) => names.join(', ');

/**
 * PSS baseline `capabilities_baseline` (add nothing outside the runtime defaults, NET_RAW
 * excluded) and restricted `capabilities_restricted` (drop ALL, add back NET_BIND_SERVICE at
 * most; Windows pods exempt). One finding per container and field, so a baseline violation
 * and a restricted one never share a path.
 * https://kubernetes.io/docs/concepts/security/pod-security-standards/
 */
export const podCapabilitiesRestricted: Check = {
  id: 'pod-capabilities-restricted',
  title: 'Containers drop ALL capabilities and add back only NET_BIND_SERVICE',
  severity: 'high',
  responsibility: 'customer',
  frameworks: FRAMEWORKS,
  reads: POD_SECURITY_KINDS,
  rationale:
    'Linux capabilities split root into pieces. Containers get a default set (including NET_RAW, which ' +
    'allows spoofed packets) and a pod spec can add more: SYS_ADMIN, SYS_MODULE, SYS_PTRACE or ' +
    'DAC_READ_SEARCH are each enough to break out to the node. The baseline standard forbids adding anything ' +
    'beyond the runtime defaults; the restricted standard requires dropping ALL and adding back at most ' +
    'NET_BIND_SERVICE, so a compromised process holds no capability it does not need.',
  remediation: {
    summary:
      'Drop ALL capabilities in every container and add back only NET_BIND_SERVICE where a process must bind ' +
      'a port below 1024; remove SYS_ADMIN, NET_ADMIN, NET_RAW and every other added capability.',
    cli: 'kubectl label namespace <namespace> pod-security.kubernetes.io/enforce=restricted',
    iac:
      'containers:\n  - name: app\n    securityContext:\n      capabilities:\n        drop: ["ALL"]\n' +
      '        add: ["NET_BIND_SERVICE"]  # only if needed',
  },
  docs: [
    'https://kubernetes.io/docs/concepts/security/pod-security-standards/',
    'https://kubernetes.io/docs/tasks/configure-pod-container/security-context/#set-capabilities-for-a-container',
    'https://docs.aws.amazon.com/eks/latest/best-practices/pod-security.html',
  ],
  evaluate(snapshot) {
    const outcomes: Outcome[] = [];
    const versionOf = policyVersions(snapshot);
    for (const workload of workloads(snapshot)) {
      const version = versionOf(workload.resource.namespace);
      const restricted = restrictedCapabilitiesApply(workload.spec, version);
      const failures: Outcome[] = [];
      for (const ref of containersOf(workload)) {
        const found = capabilityFindings(ref.container);
        const subject = containerLabel(ref);
        const addPath = `${ref.path}.securityContext.capabilities.add`;
        if (found.baselineForbidden.length > 0) {
          const breakout = found.baselineForbidden.filter(isEscapeCapability);
          const warning =
            breakout.length > 0 ? `; ${list(breakout)} can be enough to break out to the node` : '';
          failures.push(
            failure(
              workload,
              `${subject} adds ${list(found.baselineForbidden)}, outside the capabilities the baseline ` +
                `Pod Security Standard allows${warning}`,
              {
                path: addPath,
                evidence: {
                  container: ref.container.name,
                  capabilities: list(found.baselineForbidden),
                  ...requirementEvidence(BASELINE),
                },
                requirements: restricted ? FRAMEWORKS : BASELINE_ONLY,
              },
            ),
          );
        } else if (restricted && found.restrictedForbidden.length > 0) {
          failures.push(
            failure(
              workload,
              `${subject} adds ${list(found.restrictedForbidden)}; the restricted Pod Security Standard ` +
                'allows adding back only NET_BIND_SERVICE',
              {
                path: addPath,
                evidence: {
                  container: ref.container.name,
                  capabilities: list(found.restrictedForbidden),
                  ...requirementEvidence(RESTRICTED),
                },
                requirements: RESTRICTED_ONLY,
              },
            ),
          );
        }
        if (restricted && found.missingDropAll) {
          failures.push(
            failure(
              workload,
              `${subject} does not drop ALL capabilities, so it keeps the runtime's default set ` +
                '(including NET_RAW); the restricted Pod Security Standard requires drop: ["ALL"]',
              {
                path: `${ref.path}.securityContext.capabilities.drop`,
                evidence: { container: ref.container.name, ...requirementEvidence(RESTRICTED) },
                requirements: RESTRICTED_ONLY,
              },
            ),
          );
        }
      }
      const passMessage = restricted
        ? 'drops ALL capabilities in every container and adds back none beyond NET_BIND_SERVICE.'
        : isWindowsPod(workload.spec)
          ? 'adds no capability beyond the baseline set (a Windows pod: the restricted rule does not apply).'
          : `adds no capability beyond the baseline set (policy ${version.text} predates the restricted rule).`;
      outcomes.push(...outcomesOf(workload, failures, passMessage));
    }
    return outcomes;
  },
};
