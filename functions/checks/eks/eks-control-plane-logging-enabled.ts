import type { Check } from '../../core/model.ts';
import { clusterResource, fail, notEvaluated, pass } from '../lib/outcomes.ts';

/**
 * CIS EKS 2.1.1: AWS produces the control-plane logs, but only for the types the customer
 * turns on (all are off by default). https://docs.aws.amazon.com/eks/latest/userguide/control-plane-logs.html
 */
export const eksControlPlaneLoggingEnabled: Check = {
  id: 'eks-control-plane-logging-enabled',
  title: 'Required control-plane log types are sent to CloudWatch Logs',
  severity: 'medium',
  responsibility: 'shared',
  frameworks: [
    { framework: 'cis-eks-1.8.0', requirement: '2.1.1' },
    { framework: 'nsa-cisa-1.2', requirement: 'logging' },
    { framework: 'eks-best-practices', requirement: 'detective-controls' },
  ],
  reads: ['eks:cluster'],
  rationale:
    'The API server audit log is the only record of who read or changed what in the cluster, and the ' +
    'authenticator log ties Kubernetes identities to IAM principals. EKS emits these logs only for the ' +
    'types enabled on the cluster; without them an intrusion, a privilege escalation or a deleted ' +
    'workload leaves no trace to investigate or alert on.',
  remediation: {
    summary:
      'Enable every required log type (by default api, audit, authenticator, controllerManager and ' +
      'scheduler) and set a retention period on the /aws/eks/<cluster>/cluster log group.',
    cli:
      'aws eks update-cluster-config --name <cluster> --logging ' +
      '\'{"clusterLogging":[{"types":["api","audit","authenticator","controllerManager","scheduler"],"enabled":true}]}\'',
    iac:
      'resource "aws_eks_cluster" "this" {\n' +
      '  enabled_cluster_log_types = ["api", "audit", "authenticator", "controllerManager", "scheduler"]\n}',
  },
  docs: [
    'https://docs.aws.amazon.com/eks/latest/userguide/control-plane-logs.html',
    'https://docs.aws.amazon.com/eks/latest/best-practices/auditing-and-logging.html',
  ],
  evaluate(snapshot, params) {
    const resource = clusterResource(snapshot);
    const logging = snapshot.eks.cluster?.logging;
    if (!logging) {
      return [
        notEvaluated(
          resource,
          'The snapshot has no DescribeCluster logging section, so the enabled log types are unknown.',
        ),
      ];
    }
    const enabled = new Set<string>();
    for (const setup of logging.clusterLogging ?? []) {
      if (setup.enabled === true) for (const type of setup.types ?? []) enabled.add(type.toLowerCase());
    }
    const enabledList = params.requiredLogTypes.filter((type) => enabled.has(type.toLowerCase()));
    const missing = params.requiredLogTypes.filter((type) => !enabled.has(type.toLowerCase()));
    const evidence = {
      enabled: enabledList.join(', ') || '(none)',
      missing: missing.join(', ') || '(none)',
    };
    if (missing.length > 0) {
      return [
        fail(
          resource,
          `Cluster ${resource.name}: control-plane log types not enabled: ${missing.join(', ')}.`,
          { path: 'logging.clusterLogging', evidence },
        ),
      ];
    }
    return [
      pass(
        resource,
        `Cluster ${resource.name}: every required control-plane log type is enabled ` +
          `(${params.requiredLogTypes.join(', ')}).`,
        { evidence },
      ),
    ];
  },
};
