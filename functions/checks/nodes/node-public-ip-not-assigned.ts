import type { Check, Outcome } from '../../core/model.ts';
import { describeNode, nodeEvidence, nodesOf } from '../lib/nodes.ts';
import { fail, notEvaluated, pass } from '../lib/outcomes.ts';

/**
 * CIS EKS 5.4.3: nodes belong in private subnets. A node with an `ExternalIP` address has a
 * public IPv4 address, so its kubelet, NodePorts and SSH are one security group rule away
 * from the internet. https://docs.aws.amazon.com/eks/latest/best-practices/subnets.html
 */
export const nodePublicIpNotAssigned: Check = {
  id: 'node-public-ip-not-assigned',
  title: 'Nodes have no public IP address',
  severity: 'medium',
  responsibility: 'customer',
  frameworks: [
    { framework: 'cis-eks-1.8.0', requirement: '5.4.3' },
    { framework: 'nsa-cisa-1.2', requirement: 'network-separation' },
    { framework: 'eks-best-practices', requirement: 'infrastructure-security' },
    { framework: 'eks-best-practices', requirement: 'network-security' },
  ],
  reads: ['nodes'],
  rationale:
    'A node with a public address is directly reachable from the internet whenever a security group ' +
    'rule, a NodePort or a host port allows it: the kubelet API, SSH and every NodePort service are ' +
    'then exposed. Nodes in private subnets reach out through NAT and are reachable only from inside ' +
    'the VPC.',
  remediation: {
    summary:
      'Launch nodes in private subnets (MapPublicIpOnLaunch false, no internet gateway route) and ' +
      'expose services through load balancers; replace the nodes that have public addresses.',
    cli:
      'kubectl get nodes -o jsonpath=\'{range .items[*]}{.metadata.name}{"\\t"}{.status.addresses[?(@.type=="ExternalIP")].address}{"\\n"}{end}\'\n' +
      'aws ec2 modify-subnet-attribute --subnet-id <subnet> --no-map-public-ip-on-launch',
    iac: 'resource "aws_eks_node_group" "this" {\n  subnet_ids = module.vpc.private_subnets\n}',
  },
  docs: [
    'https://docs.aws.amazon.com/eks/latest/best-practices/subnets.html',
    'https://docs.aws.amazon.com/eks/latest/userguide/network-reqs.html',
  ],
  evaluate(snapshot) {
    const outcomes: Outcome[] = [];
    for (const ref of nodesOf(snapshot)) {
      const addresses = ref.node.status?.addresses;
      if (addresses === undefined || addresses.length === 0) {
        outcomes.push(
          notEvaluated(ref.resource, `${describeNode(ref)}: the node reports no addresses.`, {
            evidence: nodeEvidence(ref),
          }),
        );
        continue;
      }
      const index = addresses.findIndex((a) => a.type === 'ExternalIP' && a.address);
      const external = addresses.filter((a) => a.type === 'ExternalIP' && a.address).map((a) => a.address);
      if (index >= 0) {
        outcomes.push(
          fail(ref.resource, `${describeNode(ref)}: has a public IP address (${external.join(', ')}).`, {
            path: `status.addresses[${index}]`,
            evidence: { ...nodeEvidence(ref), externalIP: external.join(', ') },
          }),
        );
      } else {
        outcomes.push(
          pass(ref.resource, `${describeNode(ref)}: has only private addresses.`, {
            evidence: nodeEvidence(ref),
          }),
        );
      }
    }
    return outcomes;
  },
};
