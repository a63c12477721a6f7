import type { Check, Outcome } from '../../core/model.ts';
import { clusterStage, namespaceStages, type StageEvidence } from '../lib/environments.ts';
import { namespacesInScope } from '../lib/network.ts';
import { clusterResource, fail, pass } from '../lib/outcomes.ts';

/**
 * Heuristic, catalog §4.13 / EKS-NS-04: production should not share a cluster with development
 * or staging. The cluster's stage comes from its EKS tags (env, environment, stage) or name;
 * a namespace's from its labels or name.
 * https://docs.aws.amazon.com/eks/latest/best-practices/tenant-isolation.html
 */
export const namespacesProductionSeparated: Check = {
  id: 'namespaces-production-separated',
  title: 'Production clusters host no development or staging namespaces',
  severity: 'low',
  responsibility: 'customer',
  frameworks: [{ framework: 'eks-best-practices', requirement: 'multi-tenancy' }],
  reads: ['namespaces', 'eks:cluster'],
  rationale:
    'Namespaces are a soft boundary: workloads of every namespace share nodes, the kernel, the cluster ' +
    'network, the control plane and cluster-wide add-ons. Development and staging workloads change ' +
    'often, run unreviewed images and are operated by more people with broader rights, so a staging ' +
    'namespace in a production cluster gives those people and that code a path to production data and ' +
    'credentials. Separate clusters (ideally separate accounts) per stage are the boundary the EKS ' +
    'best practices recommend. This is a heuristic based on tags, labels and names, configurable through ' +
    '`productionStages` and `nonProductionStages`.',
  remediation: {
    summary:
      'Move development, test and staging workloads to their own cluster (and AWS account); if the namespace ' +
      'is in fact production, label it accordingly (env=prod) or waive the finding.',
    cli: 'kubectl label namespace <namespace> env=prod --overwrite',
  },
  docs: [
    'https://docs.aws.amazon.com/eks/latest/best-practices/tenant-isolation.html',
    'https://kubernetes.io/docs/concepts/security/multi-tenancy/',
  ],
  evaluate(snapshot, params) {
    const cluster = clusterStage(snapshot, params);
    const stageOf = namespaceStages(snapshot, params);
    const { inScope } = namespacesInScope(snapshot, params);
    const stages = inScope.map((namespace) => ({ namespace, stage: stageOf(namespace) }));
    const production = stages.filter((entry) => entry.stage.stage === 'production');
    const other = stages.filter((entry) => entry.stage.stage === 'non-production');
    const clusterRef = clusterResource(snapshot);
    if (cluster.stage === 'non-production') {
      return [
        pass(clusterRef, `heuristic: the cluster is not production (${cluster.source}).`, {
          evidence: { clusterStage: cluster.stage, source: cluster.source },
        }),
      ];
    }
    // Without a production tag, a production namespace next to a non-production one shows the mix.
    const mixed: StageEvidence | undefined =
      cluster.stage === 'production'
        ? cluster
        : production.length > 0
          ? {
              stage: 'production',
              source: `production namespace(s) ${production.map((entry) => entry.namespace).join(', ')}`,
            }
          : undefined;
    if (!mixed || other.length === 0) {
      return [
        pass(
          clusterRef,
          cluster.stage === 'production'
            ? `heuristic: the cluster is production (${cluster.source}) and no namespace looks like another stage.`
            : 'heuristic: the cluster has no stage tag, and its namespaces do not mix production with other stages.',
          { evidence: { clusterStage: cluster.stage, source: cluster.source } },
        ),
      ];
    }
    return other.map(
      ({ namespace, stage }): Outcome =>
        fail(
          { apiVersion: 'v1', kind: 'Namespace', name: namespace },
          `heuristic: namespace ${namespace} looks like a non-production stage (${stage.source}) in a cluster ` +
            `that runs production (${mixed.source}).`,
          { evidence: { namespaceStage: stage.source, clusterStage: mixed.source } },
        ),
    );
  },
};
