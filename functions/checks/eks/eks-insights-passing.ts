import type { Check, Outcome } from '../../core/model.ts';
import { clusterResource, fail, notEvaluated, pass } from '../lib/outcomes.ts';

const FAILING = new Set(['ERROR', 'WARNING']);

/**
 * EKS cluster insights are AWS's own checks of the cluster, mostly upgrade readiness
 * (deprecated API use, kubelet skew, add-on compatibility) and misconfigurations.
 * https://docs.aws.amazon.com/eks/latest/userguide/cluster-insights.html
 */
export const eksInsightsPassing: Check = {
  id: 'eks-insights-passing',
  title: 'EKS cluster insights report no errors or warnings',
  severity: 'medium',
  responsibility: 'shared',
  frameworks: [
    { framework: 'eks-best-practices', requirement: 'cluster-upgrades' },
    { framework: 'nsa-cisa-1.2', requirement: 'upgrades' },
  ],
  reads: ['eks:insights'],
  rationale:
    'Upgrades are how a cluster keeps receiving security fixes. EKS insights warn ahead of time when an ' +
    'upgrade would break something, such as workloads still calling APIs the next version removes or ' +
    'nodes too far behind the control plane, and an open warning is usually what makes teams postpone ' +
    'the upgrade until the version runs out of support.',
  remediation: {
    summary:
      'Open each insight with an ERROR or WARNING status, fix what it names (migrate manifests off ' +
      'deprecated APIs, upgrade nodes and add-ons), and wait for the next refresh to show PASSING.',
    cli:
      'aws eks list-insights --cluster-name <cluster>\n' +
      'aws eks describe-insight --cluster-name <cluster> --id <insight-id>',
    console: 'EKS console → cluster → Monitor cluster → Upgrade insights',
  },
  docs: [
    'https://docs.aws.amazon.com/eks/latest/userguide/cluster-insights.html',
    'https://docs.aws.amazon.com/eks/latest/best-practices/cluster-upgrades.html',
  ],
  evaluate(snapshot) {
    const insights = snapshot.eks.insights;
    const cluster = clusterResource(snapshot);
    if (!insights) {
      return [notEvaluated(cluster, 'The snapshot has no EKS insights (ListInsights).')];
    }
    if (insights.length === 0) {
      return [pass(cluster, `EKS reports no insights for cluster ${cluster.name}.`)];
    }
    const outcomes: Outcome[] = [];
    for (const insight of insights) {
      const resource = { kind: 'Insight', name: insight.name ?? insight.id ?? '(unnamed insight)' };
      const status = insight.insightStatus?.status ?? 'UNKNOWN';
      const evidence = {
        id: insight.id ?? null,
        category: insight.category ?? null,
        kubernetesVersion: insight.kubernetesVersion ?? null,
        status,
        lastRefreshTime: insight.lastRefreshTime ?? null,
      };
      const reason = insight.insightStatus?.reason ? `: ${insight.insightStatus.reason}` : '.';
      const target = insight.kubernetesVersion ? ` (for Kubernetes ${insight.kubernetesVersion})` : '';
      if (FAILING.has(status)) {
        outcomes.push(
          fail(resource, `EKS insight "${resource.name}"${target} is ${status}${reason}`, {
            path: 'insightStatus.status',
            evidence,
          }),
        );
      } else if (status === 'PASSING') {
        outcomes.push(pass(resource, `EKS insight "${resource.name}"${target} is PASSING.`, { evidence }));
      } else {
        outcomes.push(
          notEvaluated(resource, `EKS insight "${resource.name}"${target} has status ${status}${reason}`, {
            evidence,
          }),
        );
      }
    }
    return outcomes;
  },
};
