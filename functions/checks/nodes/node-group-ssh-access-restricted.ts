import type { Check, Outcome, ResourceRef } from '../../core/model.ts';
import { fail, pass } from '../lib/outcomes.ts';

/**
 * A managed node group with an SSH key and no source security groups gets a security group
 * that opens port 22 to 0.0.0.0/0. EKS best practices prefer no SSH at all (SSM Session Manager).
 * https://docs.aws.amazon.com/eks/latest/APIReference/API_RemoteAccessConfig.html
 */
export const nodeGroupSshAccessRestricted: Check = {
  id: 'node-group-ssh-access-restricted',
  title: 'Node group SSH access is disabled or limited to source security groups',
  severity: 'high',
  responsibility: 'customer',
  frameworks: [
    { framework: 'eks-best-practices', requirement: 'infrastructure-security' },
    { framework: 'nsa-cisa-1.2', requirement: 'network-separation' },
  ],
  reads: ['eks:nodegroups'],
  rationale:
    'When a node group is given an SSH key without source security groups, EKS opens port 22 on its ' +
    'nodes to the whole internet (for nodes with a public route) or the whole VPC. Anyone holding or ' +
    'guessing their way to the key reaches a host that runs every pod scheduled on it, with the node ' +
    'IAM role at hand.',
  remediation: {
    summary:
      'Remove SSH remote access and use SSM Session Manager, or restrict it to named source security ' +
      'groups. Remote access cannot be changed in place: create a new node group and migrate.',
    cli: 'aws eks describe-nodegroup --cluster-name <cluster> --nodegroup-name <nodegroup> --query nodegroup.remoteAccess',
    iac:
      'resource "aws_eks_node_group" "this" {\n  remote_access {\n    ec2_ssh_key               = "<key>"\n' +
      '    source_security_group_ids = [aws_security_group.bastion.id]\n  }\n}',
  },
  docs: [
    'https://docs.aws.amazon.com/eks/latest/APIReference/API_RemoteAccessConfig.html',
    'https://docs.aws.amazon.com/eks/latest/best-practices/protecting-the-infrastructure.html',
  ],
  evaluate(snapshot) {
    const outcomes: Outcome[] = [];
    for (const group of snapshot.eks.nodegroups ?? []) {
      const name = group.nodegroupName ?? '(unnamed)';
      const resource: ResourceRef = {
        kind: 'Nodegroup',
        name,
        ...(group.nodegroupArn ? { arn: group.nodegroupArn } : {}),
      };
      const key = group.remoteAccess?.ec2SshKey;
      const sources = group.remoteAccess?.sourceSecurityGroups ?? [];
      const evidence = {
        ec2SshKey: key ?? null,
        sourceSecurityGroups: sources.join(', ') || null,
        remoteAccessSecurityGroup: group.resources?.remoteAccessSecurityGroup ?? null,
      };
      if (!key) {
        outcomes.push(
          pass(resource, `Node group ${name}: SSH remote access is not configured.`, { evidence }),
        );
      } else if (sources.length > 0) {
        outcomes.push(
          pass(
            resource,
            `Node group ${name}: SSH (key ${key}) is limited to source security groups ${sources.join(', ')}.`,
            { evidence },
          ),
        );
      } else {
        outcomes.push(
          fail(
            resource,
            `Node group ${name}: SSH key ${key} is set with no source security groups, so port 22 is open to ` +
              `0.0.0.0/0${evidence.remoteAccessSecurityGroup ? ` on ${evidence.remoteAccessSecurityGroup}` : ''}.`,
            { path: 'remoteAccess.sourceSecurityGroups', evidence },
          ),
        );
      }
    }
    return outcomes;
  },
};
