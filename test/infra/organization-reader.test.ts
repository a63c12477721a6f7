import type { Template } from 'aws-cdk-lib/assertions';
import { beforeAll, describe, expect, it, vi } from 'vitest';
import { ORGANIZATION_READ_ACTIONS } from '../../infra/constructs/read-actions.ts';
import { FULL_CONFIG, synth } from './helpers.ts';

// A synth runs cdk-nag and the CloudFormation rules (wasm): seconds alone, minutes when the
// whole suite shares two CPUs.
vi.setConfig({ testTimeout: 300_000, hookTimeout: 300_000 });

const READER = 'arn:aws:iam::999988887777:role/watchkeeper-org-reader';
let reader: Template;
let central: Template;
let stackNames: string[];

beforeAll(() => {
  const app = synth({
    ...FULL_CONFIG,
    fleet: {
      ...FULL_CONFIG.fleet,
      organization: { parents: ['ou-ab12-cdef3456'], roleArn: READER, externalId: 'org-reader-ext' },
    },
  });
  reader = app.template('WatchkeeperOrganizationReader');
  central = app.template('Watchkeeper');
  stackNames = synth(FULL_CONFIG).app.node.children.map((child) => child.node.id);
});

describe('organization reader role', () => {
  it('is trusted only by the central discover role, with the external id', () => {
    const [role] = Object.values(reader.findResources('AWS::IAM::Role'));
    expect(role?.Properties.RoleName).toEqual({ Ref: 'RoleName' });
    expect(role?.Properties.AssumeRolePolicyDocument.Statement).toEqual([
      {
        Effect: 'Allow',
        Action: 'sts:AssumeRole',
        Principal: { AWS: { Ref: 'DiscoverRoleArn' } },
        Condition: { StringEquals: { 'sts:ExternalId': { Ref: 'ExternalId' } } },
      },
    ]);
    // Defaults from the central config: the role name its roleArn names, and its external id.
    const parameters = reader.toJSON().Parameters;
    expect(parameters.RoleName).toMatchObject({ Default: 'watchkeeper-org-reader' });
    expect(parameters.ExternalId).toMatchObject({ Default: 'org-reader-ext', MinLength: 2 });
    expect(parameters.DiscoverRoleArn.Default).toBeUndefined();
  });

  it('may only list accounts and OUs', () => {
    const [role] = Object.values(reader.findResources('AWS::IAM::Role'));
    const statements = role?.Properties.Policies.flatMap(
      (policy: { PolicyDocument: { Statement: unknown[] } }) => policy.PolicyDocument.Statement,
    );
    expect(statements).toEqual([{ Effect: 'Allow', Action: [...ORGANIZATION_READ_ACTIONS], Resource: '*' }]);
  });

  it('is synthesized only with fleet.organization, beside a central stack that outputs the discover role', () => {
    expect(stackNames).not.toContain('WatchkeeperOrganizationReader');
    expect(central.toJSON().Outputs.DiscoverRoleArn.Value).toEqual({
      'Fn::GetAtt': [expect.stringMatching(/^DiscoverRole/), 'Arn'],
    });
  });
});
