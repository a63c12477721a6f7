import { Match, Template } from 'aws-cdk-lib/assertions';
import { beforeAll, describe, expect, it, vi } from 'vitest';
import { MEMBER_READ_ACTIONS } from '../../infra/constructs/read-actions.ts';
import { MemberReadRoleStack } from '../../infra/stacks/member-read-role-stack.ts';
import { memberReadRoleTemplate } from '../../infra/stacks/member-stack-set-stack.ts';
import { cdkJsonContext, FULL_CONFIG, synth, testApp } from './helpers.ts';

// A synth runs cdk-nag and the CloudFormation rules (wasm): seconds alone, minutes when the
// whole suite shares two CPUs.
vi.setConfig({ testTimeout: 300_000, hookTimeout: 300_000 });

let member: Template;
let stackSet: Template;

beforeAll(() => {
  const app = synth(FULL_CONFIG);
  member = app.template('WatchkeeperMemberReadRole');
  stackSet = app.template('WatchkeeperMemberStackSet');
});

describe('member read role', () => {
  it('trusts only the scanner principals, with the external id and the organization', () => {
    member.hasResourceProperties('AWS::IAM::Role', {
      RoleName: { Ref: 'RoleName' },
      AssumeRolePolicyDocument: {
        Statement: [
          {
            Effect: 'Allow',
            Action: 'sts:AssumeRole',
            Principal: { AWS: { Ref: 'ScannerPrincipalArns' } },
            Condition: {
              StringEquals: {
                'sts:ExternalId': { Ref: 'ExternalId' },
                'aws:PrincipalOrgID': {
                  'Fn::If': ['HasOrganizationId', { Ref: 'OrganizationId' }, { Ref: 'AWS::NoValue' }],
                },
              },
            },
          },
        ],
      },
    });
    const parameters = member.toJSON().Parameters;
    expect(parameters.ExternalId).toMatchObject({ Default: 'watchkeeper-test-external-id', MinLength: 2 });
    expect(parameters.OrganizationId).toMatchObject({ Default: 'o-abcdefghij' });
    expect(parameters.RoleName).toMatchObject({ Default: 'WatchkeeperReadRole' });
  });

  it('requires the external id at deployment when the config has none', () => {
    const stack = new MemberReadRoleStack(testApp(), 'Member', { roleName: 'WatchkeeperReadRole' });
    const parameters = Template.fromStack(stack).toJSON().Parameters;
    expect(parameters.ExternalId.Default).toBeUndefined();
    expect(parameters.ScannerPrincipalArns.Default).toBeUndefined();
    expect(parameters.OrganizationId.Default).toBe('');
  });

  it('allows exactly the read-only EKS, EC2 and Auto Scaling actions, and nothing else', () => {
    const [role] = Object.values(member.findResources('AWS::IAM::Role'));
    const statements = role?.Properties.Policies.flatMap(
      (policy: { PolicyDocument: { Statement: unknown[] } }) => policy.PolicyDocument.Statement,
    );
    expect(statements).toEqual([
      { Effect: 'Allow', Action: expect.arrayContaining([...MEMBER_READ_ACTIONS]), Resource: '*' },
    ]);
    expect(statements[0].Action).toHaveLength(MEMBER_READ_ACTIONS.length);
    for (const action of MEMBER_READ_ACTIONS) {
      expect(action).toMatch(/^(eks|ec2|autoscaling):(List|Describe)[A-Za-z]+$/);
    }
    expect(role?.Properties.ManagedPolicyArns).toBeUndefined();
    member.resourceCountIs('AWS::IAM::Policy', 0);
  });

  it('needs no CDK bootstrap in member accounts (a StackSet template)', () => {
    const template = member.toJSON();
    expect(template.Rules?.CheckBootstrapVersion).toBeUndefined();
    expect(template.Parameters.BootstrapVersion).toBeUndefined();
  });
});

describe('member StackSet', () => {
  it('deploys the member template to the organizational units, one region, auto-deployed', () => {
    stackSet.hasResourceProperties('AWS::CloudFormation::StackSet', {
      PermissionModel: 'SERVICE_MANAGED',
      AutoDeployment: { Enabled: true, RetainStacksOnAccountRemoval: false },
      CallAs: 'SELF',
      Capabilities: ['CAPABILITY_NAMED_IAM'],
      StackInstancesGroup: [
        { DeploymentTargets: { OrganizationalUnitIds: ['ou-abcd-12345678'] }, Regions: ['eu-west-1'] },
      ],
      Parameters: [
        {
          ParameterKey: 'ScannerPrincipalArns',
          // The central stack's discover and scan-cluster role ARNs (a cross-stack reference).
          ParameterValue: { 'Fn::Join': [',', [Match.anyValue(), Match.anyValue()]] },
        },
        { ParameterKey: 'ExternalId', ParameterValue: 'watchkeeper-test-external-id' },
        { ParameterKey: 'OrganizationId', ParameterValue: 'o-abcdefghij' },
      ],
    });
  });

  it('embeds the same template the member stack synthesizes', () => {
    const [set] = Object.values(stackSet.findResources('AWS::CloudFormation::StackSet'));
    const body = JSON.parse(set?.Properties.TemplateBody as string) as { Resources: Record<string, unknown> };
    expect(body.Resources).toEqual(member.toJSON().Resources);
    expect(
      JSON.parse(
        memberReadRoleTemplate(
          {
            roleName: 'WatchkeeperReadRole',
            externalId: 'watchkeeper-test-external-id',
            organizationId: 'o-abcdefghij',
          },
          cdkJsonContext(),
        ),
      ).Resources,
    ).toEqual(body.Resources);
  });

  it('is not synthesized without an OU list', () => {
    const app = synth({});
    expect(app.app.node.tryFindChild('WatchkeeperMemberStackSet')).toBeUndefined();
  });
});
