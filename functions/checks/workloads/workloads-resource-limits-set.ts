import type { Check, Outcome } from '../../core/model.ts';
import { fail, inSystemNamespace, pass } from '../lib/outcomes.ts';
import { containerLabel } from '../lib/pod-security.ts';
import { containersOf, describeWorkload, WORKLOAD_KINDS, workloads } from '../lib/workloads.ts';

/** What each container must declare, and why, in the order reported. */
const REQUIRED = [
  {
    field: 'limits',
    resource: 'memory',
    why: 'without it one container can exhaust the node and get its neighbours killed',
  },
  {
    field: 'requests',
    resource: 'cpu',
    why: 'without it the scheduler can pack the node until every pod starves',
  },
] as const;

/**
 * Containers without a memory limit or CPU request let one workload starve the node: a denial of
 * service, by accident or by an attacker. Catalog EKS-RS-02/EKS-RS-03 (kubescape C-0271 in the
 * NSA framework, Polaris memoryLimitsMissing/cpuRequestsMissing, Trivy KSV-0018/KSV-0015).
 * https://kubernetes.io/docs/concepts/configuration/manage-resources-containers/
 */
export const workloadsResourceLimitsSet: Check = {
  id: 'workloads-resource-limits-set',
  title: 'Containers set a memory limit and a CPU request',
  severity: 'medium',
  responsibility: 'customer',
  frameworks: [
    { framework: 'nsa-cisa-1.2', requirement: 'network-separation' },
    { framework: 'eks-best-practices', requirement: 'pod-security' },
    { framework: 'eks-best-practices', requirement: 'reliability' },
  ],
  reads: WORKLOAD_KINDS,
  rationale:
    'A container with no memory limit can grow until the kernel kills processes on the node, often not ' +
    'its own, and a pod with no CPU request is scheduled as if it needed nothing, so nodes get ' +
    'overcommitted. Either way a leaking, compromised or cryptomining container degrades every other ' +
    'workload on the node. The NSA/CISA guidance lists resource limits among its resource policies. A ' +
    'LimitRange can supply defaults at admission, but only on pods, so templates are expected to declare ' +
    'their own. Workloads in system namespaces are left out.',
  remediation: {
    summary:
      'Set resources.limits.memory and resources.requests.cpu (and a memory request) on every container and ' +
      'init container, sized from observed usage (e.g. the Vertical Pod Autoscaler in recommendation mode); ' +
      'add a LimitRange with defaults as a safety net.',
    cli: 'kubectl set resources deployment/<name> -n <namespace> --requests=cpu=100m,memory=128Mi --limits=memory=256Mi',
    iac: 'resources:\n  requests:\n    cpu: 100m\n    memory: 128Mi\n  limits:\n    memory: 256Mi',
  },
  docs: [
    'https://kubernetes.io/docs/concepts/configuration/manage-resources-containers/',
    'https://docs.aws.amazon.com/eks/latest/best-practices/pod-security.html',
    'https://docs.aws.amazon.com/eks/latest/best-practices/application.html',
  ],
  evaluate(snapshot, params) {
    const system = new Set(params.systemNamespaces);
    const outcomes: Outcome[] = [];
    for (const workload of workloads(snapshot)) {
      const name = describeWorkload(workload);
      const namespace = workload.resource.namespace ?? 'default';
      if (system.has(namespace)) {
        outcomes.push(inSystemNamespace(workload.resource, name, namespace));
        continue;
      }
      const failures: Outcome[] = [];
      // Ephemeral containers cannot declare resources; they are left out.
      for (const ref of containersOf(workload)) {
        if (ref.list === 'ephemeralContainers') continue;
        for (const { field, resource, why } of REQUIRED) {
          const value = ref.container.resources?.[field]?.[resource];
          if (value !== undefined && value.trim() !== '') continue;
          failures.push(
            fail(
              workload.resource,
              `${name}: ${containerLabel(ref)} sets no ${resource === 'cpu' ? 'CPU' : resource} ` +
                `${field === 'limits' ? 'limit' : 'request'}; ${why}.`,
              {
                path: `${ref.path}.resources.${field}.${resource}`,
                evidence: { container: ref.container.name, missing: `${field}.${resource}` },
              },
            ),
          );
        }
      }
      outcomes.push(
        ...(failures.length > 0
          ? failures
          : [pass(workload.resource, `${name} sets a memory limit and a CPU request on every container.`)]),
      );
    }
    return outcomes;
  },
};
