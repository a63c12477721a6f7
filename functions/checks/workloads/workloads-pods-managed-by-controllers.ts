import type { Check, Outcome } from '../../core/model.ts';
import { clusterResource, fail, pass } from '../lib/outcomes.ts';
import { describe } from '../lib/workloads.ts';

/** Static pods are managed by the kubelet and mirrored to the API server with this annotation. */
const MIRROR = 'kubernetes.io/config.mirror';

/**
 * A Pod created directly is not recreated when it dies or its node goes away, is not rolled out
 * by any controller and tends to be a forgotten debug session. Catalog EKS-RS-09 (kubescape
 * C-0073 "Naked pods", hardeneks avoid_running_singleton_pods).
 * https://kubernetes.io/docs/concepts/configuration/overview/#naked-pods-vs-replicasets-deployments-and-jobs
 */
export const workloadsPodsManagedByControllers: Check = {
  id: 'workloads-pods-managed-by-controllers',
  title: 'Pods are managed by a controller, not created directly',
  severity: 'low',
  responsibility: 'customer',
  frameworks: [{ framework: 'eks-best-practices', requirement: 'reliability' }],
  reads: ['pods'],
  rationale:
    'A bare Pod is not rescheduled when its node is drained, replaced or fails, so node patching silently ' +
    'deletes it; it never gets a rolling update; and it is often an interactive debug or test pod left ' +
    'running with broad permissions long after it was needed. Deployments, StatefulSets, DaemonSets and ' +
    'Jobs recreate their pods and keep them matching a reviewed template. Static (mirror) pods and pods ' +
    'in system namespaces are left out.',
  remediation: {
    summary:
      'Run the workload through a Deployment, StatefulSet, DaemonSet or Job; delete leftover debug pods and ' +
      'use `kubectl debug` or ephemeral containers instead.',
    cli: 'kubectl get pods -A -o json | jq -r \'.items[] | select(.metadata.ownerReferences == null) | "\\(.metadata.namespace)/\\(.metadata.name)"\'',
  },
  docs: [
    'https://kubernetes.io/docs/concepts/configuration/overview/#naked-pods-vs-replicasets-deployments-and-jobs',
    'https://docs.aws.amazon.com/eks/latest/best-practices/application.html',
  ],
  evaluate(snapshot, params) {
    const system = new Set(params.systemNamespaces);
    const outcomes: Outcome[] = [];
    let managed = 0;
    for (const pod of snapshot.k8s.pods) {
      const namespace = pod.metadata.namespace ?? 'default';
      if (system.has(namespace)) continue;
      const owner = pod.metadata.ownerReferences?.find((ref) => ref.controller === true);
      if (owner || pod.metadata.annotations?.[MIRROR] !== undefined) {
        managed += 1;
        continue;
      }
      const resource = { apiVersion: 'v1', kind: 'Pod', namespace, name: pod.metadata.name };
      outcomes.push(
        fail(
          resource,
          `${describe(resource)} was created directly: no controller recreates it when its node is drained or fails.`,
          {
            path: 'metadata.ownerReferences',
            ...(pod.metadata.creationTimestamp
              ? { evidence: { created: pod.metadata.creationTimestamp } }
              : {}),
          },
        ),
      );
    }
    if (outcomes.length === 0) {
      outcomes.push(
        managed > 0
          ? pass(clusterResource(snapshot), `All ${managed} application pod(s) are managed by a controller.`)
          : {
              status: 'not_applicable',
              resource: clusterResource(snapshot),
              message: 'The cluster runs no pods outside system namespaces.',
            },
      );
    }
    return outcomes;
  },
};
