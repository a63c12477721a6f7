import type { PodController } from '../../core/k8s-types.ts';
import type { Check, DeepReadonly, Outcome } from '../../core/model.ts';
import { namespaceStages } from '../lib/environments.ts';
import { clusterResource, fail, pass } from '../lib/outcomes.ts';
import { describe } from '../lib/workloads.ts';

/**
 * A single replica is a single point of failure: every node drain, rollout or crash is an
 * outage. Catalog EKS-RS-09 (Polaris deploymentMissingReplicas, hardeneks run_multiple_replicas).
 * Namespaces whose labels or name mark another stage (dev, staging) are left out.
 * https://docs.aws.amazon.com/eks/latest/best-practices/application.html
 */
export const workloadsReplicasForAvailability: Check = {
  id: 'workloads-replicas-for-availability',
  title: 'Production Deployments and StatefulSets run more than one replica',
  severity: 'low',
  responsibility: 'customer',
  frameworks: [{ framework: 'eks-best-practices', requirement: 'reliability' }],
  reads: ['deployments', 'statefulsets', 'replicasets', 'replicationcontrollers', 'namespaces'],
  rationale:
    'With one replica, every node replacement (AMI updates, Spot interruptions, Karpenter consolidation), ' +
    'every rollout and every crash takes the service down, and PodDisruptionBudgets cannot help. Security ' +
    'work suffers too: teams postpone patching nodes they cannot drain without an outage. Two or more ' +
    'replicas spread across zones keep the service up while nodes are patched. Namespaces whose stage ' +
    'label or name marks them as non-production, and system namespaces, are left out (heuristic).',
  remediation: {
    summary:
      'Run at least two replicas (three for quorum-based StatefulSets), spread them across zones with ' +
      'topologySpreadConstraints, and protect them with a PodDisruptionBudget; with an HPA, set ' +
      'minReplicas to 2 or more.',
    cli: 'kubectl scale deployment/<name> -n <namespace> --replicas=2',
    iac:
      'spec:\n  replicas: 2\n  template:\n    spec:\n      topologySpreadConstraints:\n' +
      '        - maxSkew: 1\n          topologyKey: topology.kubernetes.io/zone\n' +
      '          whenUnsatisfiable: ScheduleAnyway\n          labelSelector: { matchLabels: { app: api } }',
  },
  docs: [
    'https://docs.aws.amazon.com/eks/latest/best-practices/application.html',
    'https://kubernetes.io/docs/concepts/workloads/pods/disruptions/',
  ],
  evaluate(snapshot, params) {
    const system = new Set(params.systemNamespaces);
    const stageOf = namespaceStages(snapshot, params);
    const topLevel = (object: DeepReadonly<PodController>) =>
      !object.metadata.ownerReferences?.some((owner) => owner.controller === true);
    const controllers = [
      ['apps/v1', 'Deployment', snapshot.k8s.deployments],
      ['apps/v1', 'StatefulSet', snapshot.k8s.statefulsets],
      ['apps/v1', 'ReplicaSet', snapshot.k8s.replicasets.filter(topLevel)],
      ['v1', 'ReplicationController', snapshot.k8s.replicationcontrollers.filter(topLevel)],
    ] as const;
    const outcomes: Outcome[] = [];
    for (const [apiVersion, kind, list] of controllers) {
      for (const object of list) {
        const namespace = object.metadata.namespace ?? 'default';
        const resource = { apiVersion, kind, namespace, name: object.metadata.name };
        const name = describe(resource);
        const replicas = object.spec?.replicas ?? 1;
        const stage = stageOf(namespace);
        const skip = system.has(namespace)
          ? `is in system namespace ${namespace} (params.systemNamespaces) and is left out.`
          : stage.stage === 'non-production'
            ? `is in a non-production namespace (heuristic: ${stage.source}) and is left out.`
            : replicas === 0
              ? 'is scaled to zero.'
              : undefined;
        if (skip) {
          outcomes.push({ status: 'not_applicable', resource, message: `${name} ${skip}` });
          continue;
        }
        outcomes.push(
          replicas > 1
            ? pass(resource, `${name} runs ${replicas} replicas.`, { evidence: { replicas } })
            : fail(
                resource,
                `${name} runs a single replica${object.spec?.replicas === undefined ? ' (replicas unset)' : ''}, ` +
                  'so any node drain, rollout or crash interrupts it.',
                { path: 'spec.replicas', evidence: { replicas } },
              ),
        );
      }
    }
    if (outcomes.length === 0) {
      outcomes.push({
        status: 'not_applicable',
        resource: clusterResource(snapshot),
        message: 'The cluster runs no Deployment, StatefulSet, ReplicaSet or ReplicationController.',
      });
    }
    return outcomes;
  },
};
