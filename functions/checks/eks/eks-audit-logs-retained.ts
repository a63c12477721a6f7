import type { Check } from '../../core/model.ts';
import { clusterResource, fail, manual, notEvaluated } from '../lib/outcomes.ts';

/**
 * CIS EKS 2.1.2 asks that audit logs be collected and managed: kept for a defined period,
 * protected and reviewed. Watchkeeper does not read CloudWatch Logs or GuardDuty, so this is
 * a manual attestation with the evidence it has; the only verdict it can prove is a failure:
 * with the audit log type off, there is nothing to retain.
 * https://docs.aws.amazon.com/eks/latest/userguide/control-plane-logs.html
 */
export const eksAuditLogsRetained: Check = {
  id: 'eks-audit-logs-retained',
  title: 'Audit logs are retained, protected and monitored',
  severity: 'medium',
  responsibility: 'customer',
  frameworks: [
    { framework: 'cis-eks-1.8.0', requirement: '2.1.2' },
    { framework: 'nsa-cisa-1.2', requirement: 'audit' },
    { framework: 'nsa-cisa-1.2', requirement: 'logging' },
    { framework: 'eks-best-practices', requirement: 'detective-controls' },
  ],
  reads: ['eks:cluster'],
  evaluation: 'manual-with-evidence',
  rationale:
    'Turning the audit log on is only half of the control: logs kept for a few days, readable by ' +
    'anyone with CloudWatch access, or never looked at do not support an investigation or raise an ' +
    'alert. A retention period that matches policy, encryption with a customer key, forwarding to ' +
    'the SIEM and GuardDuty EKS audit log monitoring make the audit trail usable.',
  remediation: {
    summary:
      'Set a retention period on /aws/eks/<cluster>/cluster that meets your policy, encrypt the log ' +
      'group with a customer KMS key, forward it to your SIEM with a subscription filter, and turn on ' +
      'GuardDuty EKS Audit Log Monitoring.',
    cli:
      'aws logs put-retention-policy --log-group-name /aws/eks/<cluster>/cluster --retention-in-days 365\n' +
      'aws logs associate-kms-key --log-group-name /aws/eks/<cluster>/cluster --kms-key-id <key-arn>\n' +
      'aws logs describe-subscription-filters --log-group-name /aws/eks/<cluster>/cluster\n' +
      'aws guardduty update-detector --detector-id <id> --features Name=EKS_AUDIT_LOGS,Status=ENABLED',
    iac:
      'resource "aws_cloudwatch_log_group" "eks" {\n  name              = "/aws/eks/<cluster>/cluster"\n' +
      '  retention_in_days = 365\n  kms_key_id        = aws_kms_key.logs.arn\n}',
  },
  docs: [
    'https://docs.aws.amazon.com/eks/latest/userguide/control-plane-logs.html',
    'https://docs.aws.amazon.com/eks/latest/best-practices/auditing-and-logging.html',
    'https://docs.aws.amazon.com/guardduty/latest/ug/guardduty-eks-audit-log-monitoring.html',
    'https://docs.aws.amazon.com/AmazonCloudWatch/latest/logs/encrypt-log-data-kms.html',
  ],
  outcomes: ['manual', 'fail'],
  evaluate(snapshot) {
    const resource = clusterResource(snapshot);
    const logging = snapshot.eks.cluster?.logging;
    if (!logging) {
      return [
        notEvaluated(
          resource,
          'The snapshot has no DescribeCluster logging section, so it is unknown whether audit logs are collected.',
        ),
      ];
    }
    const auditEnabled = (logging.clusterLogging ?? []).some(
      (setup) => setup.enabled === true && (setup.types ?? []).some((type) => type.toLowerCase() === 'audit'),
    );
    const logGroup = `/aws/eks/${resource.name}/cluster`;
    const evidence = { auditLogEnabled: auditEnabled, logGroup };
    if (!auditEnabled) {
      return [
        fail(
          resource,
          `Cluster ${resource.name}: the audit log type is not enabled, so no audit log is collected and ` +
            'there is nothing to retain or monitor. Enable it first (CIS 2.1.1).',
          { path: 'logging.clusterLogging', evidence },
        ),
      ];
    }
    return [
      manual(
        resource,
        `Cluster ${resource.name}: audit logs are sent to ${logGroup}. Confirm by hand (Watchkeeper does not ` +
          'read CloudWatch Logs or GuardDuty): the log group has a retention period that meets your policy ' +
          '(not "never expire" by oversight, not a few days), it is encrypted with a customer KMS key, a ' +
          'subscription filter forwards it to your SIEM, and GuardDuty EKS Audit Log Monitoring is on.',
        { evidence },
      ),
    ];
  },
};
