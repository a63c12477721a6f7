import type { Check } from '../../core/model.ts';
import { clusterResource, fail, notEvaluated, pass } from '../lib/outcomes.ts';

/**
 * CIS EKS 5.4.2: reach the API server only from inside the VPC (or peered networks).
 * https://docs.aws.amazon.com/eks/latest/userguide/cluster-endpoint.html
 */
export const eksEndpointPrivateAccessEnabled: Check = {
  id: 'eks-endpoint-private-access-enabled',
  title: 'API endpoint is private only: private access on, public access off',
  severity: 'medium',
  responsibility: 'customer',
  frameworks: [
    { framework: 'cis-eks-1.8.0', requirement: '5.4.2' },
    { framework: 'nsa-cisa-1.2', requirement: 'network-separation' },
    { framework: 'eks-best-practices', requirement: 'cluster-access-management' },
  ],
  reads: ['eks:cluster'],
  rationale:
    'With the private endpoint on and the public endpoint off, the Kubernetes API is reachable only ' +
    'from the cluster VPC and networks routed to it, and node-to-control-plane traffic stays inside the ' +
    'VPC. Nothing on the internet can reach the API server, even with valid credentials, which is the ' +
    'strongest protection against credential theft and API-server vulnerabilities.',
  remediation: {
    summary:
      'Enable private endpoint access and disable public access. Tools that call the API (CI, this ' +
      'scanner) must then run in the VPC or reach it through VPN, Direct Connect or peering.',
    cli:
      'aws eks update-cluster-config --name <cluster> --resources-vpc-config ' +
      'endpointPrivateAccess=true,endpointPublicAccess=false',
    iac:
      'resource "aws_eks_cluster" "this" {\n  vpc_config {\n    endpoint_private_access = true\n' +
      '    endpoint_public_access  = false\n  }\n}',
  },
  docs: [
    'https://docs.aws.amazon.com/eks/latest/userguide/cluster-endpoint.html',
    'https://docs.aws.amazon.com/eks/latest/best-practices/network-security.html',
  ],
  evaluate(snapshot) {
    const resource = clusterResource(snapshot);
    const vpc = snapshot.eks.cluster?.resourcesVpcConfig;
    if (vpc?.endpointPrivateAccess === undefined || vpc.endpointPublicAccess === undefined) {
      return [
        notEvaluated(
          resource,
          'The snapshot has no DescribeCluster resourcesVpcConfig endpoint access settings, so the ' +
            'endpoint exposure is unknown.',
        ),
      ];
    }
    const evidence = {
      endpointPrivateAccess: vpc.endpointPrivateAccess,
      endpointPublicAccess: vpc.endpointPublicAccess,
    };
    if (vpc.endpointPrivateAccess && !vpc.endpointPublicAccess) {
      return [pass(resource, `Cluster ${resource.name}: the API endpoint is private only.`, { evidence })];
    }
    const problems = [
      ...(vpc.endpointPublicAccess ? ['public access is enabled'] : []),
      ...(vpc.endpointPrivateAccess ? [] : ['private access is disabled']),
    ];
    return [
      fail(resource, `Cluster ${resource.name}: ${problems.join(' and ')}.`, {
        path: vpc.endpointPublicAccess
          ? 'resourcesVpcConfig.endpointPublicAccess'
          : 'resourcesVpcConfig.endpointPrivateAccess',
        evidence,
      }),
    ];
  },
};
