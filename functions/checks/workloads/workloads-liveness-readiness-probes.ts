import type { Check, Outcome } from '../../core/model.ts';
import { fail, pass } from '../lib/outcomes.ts';
import {
  containersOf,
  describeWorkload,
  WORKLOAD_KINDS,
  type Workload,
  workloads,
} from '../lib/workloads.ts';

/** Kinds whose pods run to completion: probes do not apply to them. */
const BATCH_KINDS: ReadonlySet<string> = new Set(['Job', 'CronJob']);

function runsToCompletion(workload: Workload): boolean {
  if (BATCH_KINDS.has(workload.resource.kind)) return true;
  // A Pod created by a Job that is not in the snapshot, or by its CronJob.
  const owner = workload.metadata.ownerReferences?.find((ref) => ref.controller === true);
  return workload.resource.kind === 'Pod' && owner?.kind !== undefined && BATCH_KINDS.has(owner.kind);
}

const PROBES = [
  { field: 'livenessProbe', what: 'liveness probe', why: 'a hung process is never restarted' },
  {
    field: 'readinessProbe',
    what: 'readiness probe',
    why: 'traffic reaches it before it is ready and while it is failing',
  },
] as const;

/**
 * Probes let the kubelet restart hung containers and keep traffic away from unready ones.
 * Catalog EKS-RS-07/EKS-RS-08 (kubescape C-0056/C-0018, Polaris livenessProbeMissing and
 * readinessProbeMissing, Prowler core_liveness_probe_configured).
 * https://kubernetes.io/docs/concepts/configuration/liveness-readiness-startup-probes/
 */
export const workloadsLivenessReadinessProbes: Check = {
  id: 'workloads-liveness-readiness-probes',
  title: 'Long-running containers define liveness and readiness probes',
  severity: 'low',
  responsibility: 'customer',
  frameworks: [{ framework: 'eks-best-practices', requirement: 'reliability' }],
  reads: WORKLOAD_KINDS,
  rationale:
    'Without a liveness probe the kubelet only notices a container that exits, so a deadlocked or ' +
    'exhausted process keeps its place and serves errors until someone intervenes; without a readiness ' +
    'probe a pod receives traffic as soon as it starts and keeps receiving it while it cannot answer, ' +
    'turning every rollout and every partial failure into client errors. Jobs and CronJobs run to ' +
    'completion and are left out, as are init and ephemeral containers and workloads in system namespaces.',
  remediation: {
    summary:
      'Give each long-running container a readiness probe on an endpoint that reflects whether it can serve, ' +
      'and a liveness probe that fails only when a restart would help; add a startup probe for slow starters ' +
      'instead of a long initial delay.',
    iac:
      'readinessProbe:\n  httpGet: { path: /ready, port: 8080 }\n  periodSeconds: 5\n' +
      'livenessProbe:\n  httpGet: { path: /healthz, port: 8080 }\n  periodSeconds: 10\n  failureThreshold: 3',
  },
  docs: [
    'https://kubernetes.io/docs/concepts/configuration/liveness-readiness-startup-probes/',
    'https://docs.aws.amazon.com/eks/latest/best-practices/application.html',
  ],
  evaluate(snapshot, params) {
    const system = new Set(params.systemNamespaces);
    const outcomes: Outcome[] = [];
    for (const workload of workloads(snapshot)) {
      const name = describeWorkload(workload);
      const namespace = workload.resource.namespace ?? 'default';
      const skip = system.has(namespace)
        ? `is in system namespace ${namespace} (params.systemNamespaces) and is left out.`
        : runsToCompletion(workload)
          ? 'runs to completion; probes do not apply.'
          : undefined;
      if (skip) {
        outcomes.push({ status: 'not_applicable', resource: workload.resource, message: `${name} ${skip}` });
        continue;
      }
      const failures: Outcome[] = [];
      for (const ref of containersOf(workload)) {
        if (ref.list !== 'containers') continue;
        for (const { field, what, why } of PROBES) {
          if (ref.container[field] !== undefined && ref.container[field] !== null) continue;
          failures.push(
            fail(workload.resource, `${name}: container "${ref.container.name}" has no ${what}, so ${why}.`, {
              path: `${ref.path}.${field}`,
              evidence: { container: ref.container.name, missing: field },
            }),
          );
        }
      }
      outcomes.push(
        ...(failures.length > 0
          ? failures
          : [pass(workload.resource, `${name} defines liveness and readiness probes on every container.`)]),
      );
    }
    return outcomes;
  },
};
