import type { Check, Outcome, ResourceRef } from '../../core/model.ts';
import { describeNode, nodeEvidence, nodesOf } from '../lib/nodes.ts';
import { fail, inherited, notEvaluated, pass } from '../lib/outcomes.ts';

/**
 * Pods that reach the node's instance metadata service can take the node IAM role. Requiring
 * IMDSv2 tokens with a PUT response hop limit of 1 keeps the token from crossing into pod
 * network namespaces. Read from the launch templates of managed node groups; the template EKS
 * generates for groups without one, and self-managed instances, are not read.
 * https://docs.aws.amazon.com/eks/latest/best-practices/identity-and-access-management.html#restrict-access-to-the-instance-profile-assigned-to-the-worker-node
 */
export const nodeImdsv2Required: Check = {
  id: 'node-imdsv2-required',
  title: 'Node launch templates require IMDSv2 with a hop limit of 1',
  severity: 'high',
  responsibility: 'customer',
  frameworks: [
    { framework: 'cis-eks-1.8.0', requirement: '5.2.1' },
    { framework: 'eks-best-practices', requirement: 'identity-and-access-management' },
    { framework: 'eks-best-practices', requirement: 'infrastructure-security' },
  ],
  reads: ['eks:nodegroups', 'ec2:launchTemplates', 'nodes'],
  rationale:
    'Every process on a node, pods included, can ask the instance metadata service for the node IAM ' +
    "role's credentials unless IMDSv2 is required and the hop limit is 1. The node role can pull " +
    'images, describe the VPC and more; a compromised pod that borrows it escapes the least ' +
    'privilege that IRSA or Pod Identity were meant to give it.',
  remediation: {
    summary:
      'Use a launch template with metadata options HttpTokens=required and HttpPutResponseHopLimit=1 ' +
      'for every node group (give pods AWS access through IRSA or EKS Pod Identity), then update the ' +
      'node group to the new template version.',
    cli:
      'aws ec2 create-launch-template-version --launch-template-id <lt> --source-version <n> ' +
      '--launch-template-data \'{"MetadataOptions":{"HttpTokens":"required","HttpPutResponseHopLimit":1,"HttpEndpoint":"enabled"}}\'',
    iac:
      'resource "aws_launch_template" "nodes" {\n  metadata_options {\n    http_endpoint               = "enabled"\n' +
      '    http_tokens                 = "required"\n    http_put_response_hop_limit = 1\n  }\n}',
  },
  docs: [
    'https://docs.aws.amazon.com/eks/latest/best-practices/identity-and-access-management.html',
    'https://docs.aws.amazon.com/AWSEC2/latest/UserGuide/configuring-instance-metadata-options.html',
    'https://docs.aws.amazon.com/eks/latest/userguide/launch-templates.html',
  ],
  evaluate(snapshot, params) {
    const outcomes: Outcome[] = [];
    const templates = snapshot.eks.launchTemplates ?? [];
    for (const group of snapshot.eks.nodegroups ?? []) {
      const name = group.nodegroupName ?? '(unnamed)';
      const resource: ResourceRef = {
        kind: 'Nodegroup',
        name,
        ...(group.nodegroupArn ? { arn: group.nodegroupArn } : {}),
      };
      const what = `Node group ${name}`;
      if (!group.launchTemplate) {
        outcomes.push(
          notEvaluated(
            resource,
            `${what}: runs on the launch template EKS generated, whose metadata options are not read; ` +
              'requiring IMDSv2 with a hop limit of 1 needs a launch template of your own.',
            { evidence: { launchTemplate: null } },
          ),
        );
        continue;
      }
      const templateName = group.launchTemplate.name ?? group.launchTemplate.id ?? '(unnamed)';
      const template = templates.find((t) => t.nodegroupNames?.includes(name));
      if (!template) {
        outcomes.push(
          notEvaluated(resource, `${what}: launch template ${templateName} was not read.`, {
            evidence: {
              launchTemplate: templateName,
              launchTemplateVersion: group.launchTemplate.version ?? null,
            },
          }),
        );
        continue;
      }
      const options = template.metadataOptions ?? {};
      const tokens = options.httpTokens;
      const hops = options.httpPutResponseHopLimit;
      const evidence = {
        launchTemplate: template.launchTemplateName ?? template.launchTemplateId ?? templateName,
        launchTemplateVersion: template.versionNumber ?? null,
        httpTokens: tokens ?? null,
        httpPutResponseHopLimit: hops ?? null,
        httpEndpoint: options.httpEndpoint ?? null,
      };
      const where = `${what} (launch template ${evidence.launchTemplate} version ${evidence.launchTemplateVersion ?? '?'})`;
      if (options.httpEndpoint === 'disabled') {
        outcomes.push(pass(resource, `${where}: the instance metadata service is turned off.`, { evidence }));
        continue;
      }
      const problems: string[] = [];
      if (tokens !== 'required') {
        problems.push(
          tokens === undefined
            ? 'IMDSv2 is not required (httpTokens not set in the template, so the account or AMI default applies)'
            : `IMDSv1 is allowed (httpTokens: ${tokens})`,
        );
      }
      if (hops === undefined) {
        problems.push(
          'the hop limit is not set in the template (the AMI default can be 2, which lets pods through)',
        );
      } else if (hops > params.nodeImdsMaxHopLimit) {
        problems.push(
          `the hop limit is ${hops}, above ${params.nodeImdsMaxHopLimit}, so pods can reach the metadata service`,
        );
      }
      if (problems.length > 0) {
        outcomes.push(
          fail(resource, `${where}: ${problems.join('; ')}.`, {
            path: 'launchTemplate.metadataOptions',
            evidence,
          }),
        );
      } else {
        outcomes.push(
          pass(resource, `${where}: IMDSv2 is required with a hop limit of ${hops}.`, { evidence }),
        );
      }
    }
    for (const ref of nodesOf(snapshot)) {
      if (ref.computeType === 'fargate') {
        outcomes.push(
          inherited(
            ref.resource,
            `${describeNode(ref)}: Fargate does not expose an instance metadata service to pods.`,
            {
              evidence: nodeEvidence(ref),
            },
          ),
        );
      } else if (ref.computeType === 'auto-mode') {
        outcomes.push(
          inherited(
            ref.resource,
            `${describeNode(ref)}: AWS sets the instance metadata options of Auto Mode instances.`,
            {
              evidence: nodeEvidence(ref),
            },
          ),
        );
      } else if (ref.computeType === 'self-managed') {
        outcomes.push(
          notEvaluated(
            ref.resource,
            `${describeNode(ref)}: the instance metadata options of self-managed instances are not read ` +
              '(check the launch template or Karpenter EC2NodeClass metadataOptions).',
            { evidence: nodeEvidence(ref) },
          ),
        );
      }
    }
    return outcomes;
  },
};
