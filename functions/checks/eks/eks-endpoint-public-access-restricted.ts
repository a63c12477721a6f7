import type { Check } from '../../core/model.ts';
import { clusterResource, fail, notEvaluated, pass } from '../lib/outcomes.ts';

/** A CIDR that admits the whole internet: listed in `openCidrs`, or any `/0` prefix. */
function isOpen(cidr: string, openCidrs: readonly string[]): boolean {
  const value = cidr.trim().toLowerCase();
  return openCidrs.some((open) => open.trim().toLowerCase() === value) || value.endsWith('/0');
}

/**
 * CIS EKS 5.4.1: if the public endpoint stays on, limit it to known source ranges. EKS turns
 * an empty `publicAccessCidrs` into 0.0.0.0/0.
 * https://docs.aws.amazon.com/eks/latest/userguide/cluster-endpoint.html
 */
export const eksEndpointPublicAccessRestricted: Check = {
  id: 'eks-endpoint-public-access-restricted',
  title: 'Public API endpoint is off or limited to known CIDRs',
  severity: 'high',
  responsibility: 'customer',
  frameworks: [
    { framework: 'cis-eks-1.8.0', requirement: '5.4.1' },
    { framework: 'nsa-cisa-1.2', requirement: 'network-separation' },
    { framework: 'eks-best-practices', requirement: 'cluster-access-management' },
  ],
  reads: ['eks:cluster'],
  rationale:
    'A public Kubernetes API endpoint open to 0.0.0.0/0 lets anyone on the internet reach the API ' +
    'server: to probe it, to try stolen or leaked credentials, and to exploit any authentication flaw ' +
    'before it is patched. Limiting the public endpoint to the address ranges of your offices, VPN and ' +
    'CI runners removes most of that exposure while keeping remote access.',
  remediation: {
    summary:
      'Turn the public endpoint off, or list only the egress CIDRs that need it in publicAccessCidrs ' +
      '(include the scanner’s NAT address if it reaches the cluster over the public endpoint).',
    cli:
      'aws eks update-cluster-config --name <cluster> --resources-vpc-config ' +
      'endpointPublicAccess=true,publicAccessCidrs="203.0.113.0/24",endpointPrivateAccess=true',
    iac:
      'resource "aws_eks_cluster" "this" {\n  vpc_config {\n    endpoint_private_access = true\n' +
      '    endpoint_public_access  = true\n    public_access_cidrs     = ["203.0.113.0/24"]\n  }\n}',
  },
  docs: [
    'https://docs.aws.amazon.com/eks/latest/userguide/cluster-endpoint.html',
    'https://docs.aws.amazon.com/eks/latest/best-practices/identity-and-access-management.html',
  ],
  evaluate(snapshot, params) {
    const resource = clusterResource(snapshot);
    const vpc = snapshot.eks.cluster?.resourcesVpcConfig;
    if (vpc?.endpointPublicAccess === undefined) {
      return [
        notEvaluated(
          resource,
          'The snapshot has no DescribeCluster resourcesVpcConfig.endpointPublicAccess, so the exposure of ' +
            'the API endpoint is unknown.',
        ),
      ];
    }
    if (!vpc.endpointPublicAccess) {
      return [
        pass(resource, `Cluster ${resource.name}: the public API endpoint is disabled.`, {
          evidence: { endpointPublicAccess: false },
        }),
      ];
    }
    const cidrs = vpc.publicAccessCidrs ?? [];
    if (cidrs.length === 0) {
      return [
        fail(
          resource,
          `Cluster ${resource.name}: the public API endpoint is enabled and lists no publicAccessCidrs, ` +
            'which EKS treats as 0.0.0.0/0 (the whole internet).',
          {
            path: 'resourcesVpcConfig.publicAccessCidrs',
            evidence: { endpointPublicAccess: true, publicAccessCidrs: '(none: 0.0.0.0/0)' },
          },
        ),
      ];
    }
    const open = cidrs.filter((cidr) => isOpen(cidr, params.openCidrs));
    const evidence = { endpointPublicAccess: true, publicAccessCidrs: cidrs.join(', ') };
    if (open.length > 0) {
      return [
        fail(
          resource,
          `Cluster ${resource.name}: the public API endpoint is open to ${open.join(', ')} ` +
            `(publicAccessCidrs: ${cidrs.join(', ')}).`,
          { path: 'resourcesVpcConfig.publicAccessCidrs', evidence },
        ),
      ];
    }
    return [
      pass(resource, `Cluster ${resource.name}: the public API endpoint is limited to ${cidrs.join(', ')}.`, {
        evidence,
      }),
    ];
  },
};
