import type { Check, Outcome } from '../../core/model.ts';
import {
  allowedAt,
  failure,
  outcomesOf,
  POD_SECURITY_KINDS,
  policyVersions,
  sysctlAllowedSince,
  undetermined,
} from '../lib/pod-security.ts';
import { workloads } from '../lib/workloads.ts';

/**
 * PSS baseline `sysctls`: `spec.securityContext.sysctls[*].name` only from the safe set of the
 * namespace's policy version (v1.0 five names; v1.27, v1.29, v1.32 and v1.37 add more).
 * https://kubernetes.io/docs/concepts/security/pod-security-standards/#baseline
 */
export const podSysctlsSafe: Check = {
  id: 'pod-sysctls-safe',
  title: 'Pods set only sysctls that the baseline standard treats as safe',
  severity: 'medium',
  responsibility: 'customer',
  frameworks: [
    { framework: 'pss-baseline', requirement: 'sysctls' },
    { framework: 'nsa-cisa-1.2', requirement: 'pod-security' },
    { framework: 'eks-best-practices', requirement: 'pod-security' },
  ],
  reads: POD_SECURITY_KINDS,
  rationale:
    'A sysctl set by a pod changes a kernel parameter. Only a few are namespaced and isolated to the pod; the ' +
    'others change the kernel for the whole node, where they can weaken protections every other pod relies on ' +
    'or starve the node. The kubelet refuses unsafe sysctls unless an administrator allowed them on the node, ' +
    'so a pod that asks for one depends on a node-wide exception.',
  remediation: {
    summary:
      'Remove sysctls outside the safe set from `spec.securityContext.sysctls`; tune node-wide kernel ' +
      'parameters in the node image or launch template instead, for the nodes that need them.',
    cli: 'kubectl label namespace <namespace> pod-security.kubernetes.io/enforce=baseline',
    iac: 'spec:\n  securityContext:\n    sysctls:\n      - name: net.ipv4.ip_local_port_range\n        value: "32768 60999"',
  },
  docs: [
    'https://kubernetes.io/docs/concepts/security/pod-security-standards/#baseline',
    'https://kubernetes.io/docs/tasks/administer-cluster/sysctl-cluster/',
  ],
  evaluate(snapshot) {
    const outcomes: Outcome[] = [];
    const versionOf = policyVersions(snapshot);
    for (const workload of workloads(snapshot)) {
      const version = versionOf(workload.resource.namespace);
      const findings: Outcome[] = [];
      workload.spec.securityContext?.sysctls?.forEach((sysctl, index) => {
        const name = sysctl.name ?? '';
        const since = sysctlAllowedSince(name);
        const allowed = allowedAt(since, version);
        if (allowed === true) return;
        const options = {
          path: `${workload.specPath}.securityContext.sysctls[${index}].name`,
          evidence: { sysctl: name, policyVersion: version.text },
        };
        const detail =
          since === undefined
            ? `sets sysctl "${name}", which is not in the safe set at any policy version`
            : `sets sysctl "${name}", which the baseline allows only from policy v1.${since}`;
        findings.push(
          allowed === false
            ? failure(workload, `${detail} (this namespace: ${version.text})`, options)
            : undetermined(workload, detail, version, options),
        );
      });
      outcomes.push(...outcomesOf(workload, findings, 'sets no sysctl outside the safe set.'));
    }
    return outcomes;
  },
};
