import type { Check, FrameworkRef, Outcome } from '../../core/model.ts';
import { failure, outcomesOf, requirementEvidence } from '../lib/pod-security.ts';
import { WORKLOAD_KINDS, workloads } from '../lib/workloads.ts';

/** Each host namespace, the CIS recommendation about it and what sharing it gives away. */
const HOST_NAMESPACES = [
  {
    field: 'hostPID',
    cis: '4.2.2',
    risk:
      "shares the node's process namespace: it can see every process on the node, read their " +
      'environment and, with ptrace, step into them',
  },
  {
    field: 'hostIPC',
    cis: '4.2.3',
    risk: "shares the node's IPC namespace: it can read and write the shared memory of every process on the node",
  },
  {
    field: 'hostNetwork',
    cis: '4.2.4',
    risk:
      "uses the node's network namespace: it bypasses network policies, can listen on the node's ports and " +
      'reaches the instance metadata service as the node, whatever the hop limit',
  },
] as const;

const FRAMEWORKS: readonly FrameworkRef[] = [
  { framework: 'cis-eks-1.8.0', requirement: '4.2.2' },
  { framework: 'cis-eks-1.8.0', requirement: '4.2.3' },
  { framework: 'cis-eks-1.8.0', requirement: '4.2.4' },
  { framework: 'pss-baseline', requirement: 'hostNamespaces' },
  { framework: 'nsa-cisa-1.2', requirement: 'pod-security' },
  { framework: 'eks-best-practices', requirement: 'pod-security' },
];

/**
 * Host namespaces remove the isolation between a pod and its node. CIS EKS 4.2.2–4.2.4,
 * PSS baseline `hostNamespaces`: https://kubernetes.io/docs/concepts/security/pod-security-standards/#baseline
 */
export const podHostNamespacesNotShared: Check = {
  id: 'pod-host-namespaces-not-shared',
  title: "Pods do not share the node's PID, IPC or network namespace",
  severity: 'high',
  responsibility: 'customer',
  frameworks: FRAMEWORKS,
  reads: WORKLOAD_KINDS,
  rationale:
    'A pod that joins the host PID, IPC or network namespace is no longer isolated from its node: it can ' +
    'inspect and signal node processes, read shared memory, sniff or serve node traffic outside any network ' +
    "policy, and call the instance metadata service with the node's identity. Any compromise of such a pod " +
    'is a big step towards the node and every workload on it.',
  remediation: {
    summary:
      'Remove `hostPID`, `hostIPC` and `hostNetwork` from the pod spec (or set them to false); expose ports ' +
      'through a Service instead of the host network, and enforce the baseline Pod Security Standard on the ' +
      'namespace. Node agents that truly need a host namespace belong in a dedicated, tightly controlled namespace.',
    cli: 'kubectl label namespace <namespace> pod-security.kubernetes.io/enforce=baseline',
    iac: 'spec:\n  hostPID: false\n  hostIPC: false\n  hostNetwork: false',
  },
  docs: [
    'https://kubernetes.io/docs/concepts/security/pod-security-standards/#baseline',
    'https://docs.aws.amazon.com/eks/latest/best-practices/pod-security.html',
  ],
  evaluate(snapshot) {
    const outcomes: Outcome[] = [];
    for (const workload of workloads(snapshot)) {
      const failures: Outcome[] = [];
      for (const { field, cis, risk } of HOST_NAMESPACES) {
        if (workload.spec[field] !== true) continue;
        const ref: FrameworkRef = { framework: 'cis-eks-1.8.0', requirement: cis };
        // Each field is its own CIS recommendation; the other two are not broken by it.
        const requirements = FRAMEWORKS.filter(
          (r) => r.framework !== 'cis-eks-1.8.0' || r.requirement === cis,
        );
        failures.push(
          failure(workload, `sets ${field}: true and ${risk}`, {
            path: `${workload.specPath}.${field}`,
            evidence: { field, ...requirementEvidence(ref) },
            requirements,
          }),
        );
      }
      outcomes.push(...outcomesOf(workload, failures, "shares none of the node's namespaces."));
    }
    return outcomes;
  },
};
