import type { Check, Outcome } from '../../core/model.ts';
import { clusterResource, inherited } from '../lib/outcomes.ts';

/** What AWS operates for the customer; none of it is visible or configurable through the APIs. */
const COMPONENTS = [
  {
    id: 'kube-apiserver',
    what: 'API server flags (anonymous access, authorization modes, admission plugins, TLS settings, audit policy)',
  },
  { id: 'etcd', what: 'etcd (client and peer TLS, storage, backups, and the hosts it runs on)' },
  {
    id: 'kube-controller-manager',
    what: 'controller manager flags (service account credentials, certificate rotation, profiling)',
  },
  { id: 'kube-scheduler', what: 'scheduler flags (bind address, profiling)' },
  {
    id: 'etcd-encryption',
    what:
      'encryption of etcd data at rest (on Kubernetes 1.28 and later with an AWS-owned KMS key; ' +
      'the customer key for secrets is a separate check)',
  },
] as const;

/**
 * CIS EKS section 1 has no recommendations: the control plane is operated by AWS. Reported as
 * `inherited` so the report shows who owns it, never as a customer pass.
 * https://docs.aws.amazon.com/eks/latest/best-practices/security.html
 */
export const eksControlPlaneManagedByAws: Check = {
  id: 'eks-control-plane-managed-by-aws',
  title: 'Control-plane components are hardened and operated by AWS',
  severity: 'info',
  responsibility: 'aws',
  frameworks: [
    { framework: 'cis-eks-1.8.0', requirement: '1' },
    { framework: 'nsa-cisa-1.2', requirement: 'network-separation' },
  ],
  reads: ['eks:cluster'],
  rationale:
    'In Amazon EKS the API server, etcd, controller manager and scheduler run in an AWS-owned account ' +
    'and are configured, patched and scaled by AWS. Their flags and files cannot be read or changed by ' +
    'the customer, so the CIS control-plane recommendations are inherited from AWS rather than scored ' +
    'against the cluster owner; the customer-side controls are logging, encryption keys, endpoint access ' +
    'and keeping the Kubernetes version supported.',
  remediation: {
    summary:
      'Nothing to configure in the control plane. Keep the platform version current by staying on a ' +
      'supported Kubernetes version, and cover the customer side: control-plane logging, a customer KMS ' +
      'key for secrets, and a restricted API endpoint.',
    cli: "aws eks describe-cluster --name <cluster> --query 'cluster.{version:version,platform:platformVersion}'",
  },
  docs: [
    'https://docs.aws.amazon.com/eks/latest/userguide/security.html',
    'https://docs.aws.amazon.com/eks/latest/best-practices/security.html',
    'https://docs.aws.amazon.com/eks/latest/userguide/platform-versions.html',
  ],
  evaluate(snapshot) {
    const resource = clusterResource(snapshot);
    const platform = snapshot.eks.cluster?.platformVersion;
    const outcomes: Outcome[] = [];
    for (const component of COMPONENTS) {
      outcomes.push(
        inherited(
          resource,
          `Cluster ${resource.name}: ${component.what} — operated and hardened by AWS` +
            (platform ? ` (platform version ${platform}).` : '.'),
          {
            path: `controlPlane.${component.id}`,
            evidence: { component: component.id, platformVersion: platform ?? null },
          },
        ),
      );
    }
    return outcomes;
  },
};
