import { Match, type Template } from 'aws-cdk-lib/assertions';
import { beforeAll, describe, expect, it, vi } from 'vitest';
import { DISCOVERY_READ_ACTIONS, SCAN_READ_ACTIONS } from '../../infra/constructs/read-actions.ts';
import { API_ROUTES } from '../../infra/constructs/scanner-api.ts';
import {
  actionsOf,
  allowStatements,
  FULL_CONFIG,
  type PolicyStatementJson,
  roleStatements,
  stateMachineDefinition,
  synth,
} from './helpers.ts';

// A synth runs cdk-nag and the CloudFormation rules (wasm): seconds alone, minutes when the
// whole suite shares two CPUs.
vi.setConfig({ testTimeout: 300_000, hookTimeout: 300_000 });

let defaults: Template;
let full: Template;

beforeAll(() => {
  // Template.fromStack synthesizes the whole app, cdk-nag included: it throws on any
  // unacknowledged AwsSolutions finding, so building these is itself the nag check.
  defaults = synth({}).template('Watchkeeper');
  full = synth(FULL_CONFIG).template('Watchkeeper');
});

/** The Payload the state machine sends Discover (references shown as `<ref>`). */
function discoverPayload(template: Template): unknown {
  const states = stateMachineDefinition(template).States as Record<
    string,
    { Parameters?: { Payload?: unknown } }
  >;
  return states.Discover?.Parameters?.Payload;
}

function bucketWithKms(template: Template): [string, { Properties: Record<string, unknown> }] {
  const buckets = Object.entries(
    template.findResources('AWS::S3::Bucket', {
      Properties: {
        BucketEncryption: {
          ServerSideEncryptionConfiguration: [{ ServerSideEncryptionByDefault: { SSEAlgorithm: 'aws:kms' } }],
        },
      },
    }),
  );
  expect(buckets).toHaveLength(1);
  return buckets[0] as [string, { Properties: Record<string, unknown> }];
}

describe('results bucket', () => {
  it('is encrypted with the rotated customer key and an S3 Bucket Key', () => {
    defaults.hasResourceProperties('AWS::KMS::Key', { EnableKeyRotation: true });
    defaults.hasResourceProperties('AWS::S3::Bucket', {
      BucketEncryption: {
        ServerSideEncryptionConfiguration: [
          {
            BucketKeyEnabled: true,
            ServerSideEncryptionByDefault: {
              SSEAlgorithm: 'aws:kms',
              KMSMasterKeyID: { 'Fn::GetAtt': [Match.stringLikeRegexp('^ResultsKey'), 'Arn'] },
            },
          },
        ],
      },
    });
  });

  it('is versioned, never public, owner-enforced, access-logged and retained', () => {
    const [id, bucket] = bucketWithKms(defaults);
    expect(bucket.Properties).toMatchObject({
      VersioningConfiguration: { Status: 'Enabled' },
      PublicAccessBlockConfiguration: {
        BlockPublicAcls: true,
        BlockPublicPolicy: true,
        IgnorePublicAcls: true,
        RestrictPublicBuckets: true,
      },
      OwnershipControls: { Rules: [{ ObjectOwnership: 'BucketOwnerEnforced' }] },
      LoggingConfiguration: { DestinationBucketName: { Ref: expect.stringMatching(/^ResultsAccessLogs/) } },
    });
    expect(defaults.toJSON().Resources[id].DeletionPolicy).toBe('Retain');
  });

  it('denies requests without TLS (and below TLS 1.2)', () => {
    const [id] = bucketWithKms(defaults);
    defaults.hasResourceProperties('AWS::S3::BucketPolicy', {
      Bucket: { Ref: id },
      PolicyDocument: {
        Statement: Match.arrayWith([
          Match.objectLike({
            Effect: 'Deny',
            Action: 's3:*',
            Principal: { AWS: '*' },
            Condition: { Bool: { 'aws:SecureTransport': 'false' } },
          }),
          Match.objectLike({
            Effect: 'Deny',
            Condition: { NumericLessThan: { 's3:TlsVersion': 1.2 } },
          }),
        ]),
      },
    });
  });

  it('expires old scans and noncurrent versions, with the configured days', () => {
    const rules = (config: Template) =>
      (bucketWithKms(config)[1].Properties.LifecycleConfiguration as { Rules: Record<string, unknown>[] })
        .Rules;
    expect(rules(defaults)).toEqual(
      expect.arrayContaining([
        expect.objectContaining({
          Id: 'expire-old-scans',
          Prefix: 'scans/',
          ExpirationInDays: 400,
          Status: 'Enabled',
        }),
        expect.objectContaining({
          Id: 'expire-noncurrent-versions',
          NoncurrentVersionExpiration: { NoncurrentDays: 30 },
          Status: 'Enabled',
        }),
        expect.objectContaining({ AbortIncompleteMultipartUpload: { DaysAfterInitiation: 7 } }),
      ]),
    );
    expect(rules(full)).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ Id: 'expire-old-scans', ExpirationInDays: 730 }),
        expect.objectContaining({ NoncurrentVersionExpiration: { NoncurrentDays: 14 } }),
      ]),
    );
  });

  it('sends its access logs to a separate TLS-only, non-public, expiring bucket', () => {
    defaults.hasResourceProperties('AWS::S3::Bucket', {
      BucketEncryption: {
        ServerSideEncryptionConfiguration: [{ ServerSideEncryptionByDefault: { SSEAlgorithm: 'AES256' } }],
      },
      PublicAccessBlockConfiguration: { BlockPublicAcls: true, RestrictPublicBuckets: true },
      LifecycleConfiguration: { Rules: Match.arrayWith([Match.objectLike({ ExpirationInDays: 365 })]) },
    });
  });
});

describe('functions', () => {
  const functions = (template: Template) => template.findResources('AWS::Lambda::Function');

  it('are four Node.js 24 arm64 functions, each with its own role and log group', () => {
    const all = Object.values(functions(defaults));
    expect(all).toHaveLength(4);
    const roles = new Set<string>();
    for (const fn of all) {
      expect(fn.Properties).toMatchObject({
        Runtime: 'nodejs24.x',
        Architectures: ['arm64'],
        Handler: 'index.handler',
        TracingConfig: { Mode: 'Active' },
        LoggingConfig: { LogFormat: 'JSON', LogGroup: { Ref: expect.any(String) } },
      });
      expect(fn.Properties.Environment.Variables.NODE_OPTIONS).toBe('--enable-source-maps');
      roles.add(fn.Properties.Role['Fn::GetAtt'][0]);
    }
    expect(roles.size).toBe(4);
    // Explicit log groups with the configured retention (plus the state machine's and the API's).
    const groups = Object.values(defaults.findResources('AWS::Logs::LogGroup'));
    expect(groups).toHaveLength(6);
    for (const group of groups) expect(group.Properties.RetentionInDays).toBe(90);
    for (const group of Object.values(full.findResources('AWS::Logs::LogGroup'))) {
      expect(group.Properties.RetentionInDays).toBe(180);
    }
  });

  it('attach no AWS managed policy to any role', () => {
    for (const role of Object.values(defaults.findResources('AWS::IAM::Role'))) {
      expect(role.Properties.ManagedPolicyArns).toBeUndefined();
    }
    expect(defaults.findResources('Custom::LogRetention')).toEqual({});
  });

  it('scan-cluster has the configured memory and timeout, and optional VPC attachment', () => {
    defaults.hasResourceProperties('AWS::Lambda::Function', {
      Description: Match.stringLikeRegexp('one cluster'),
      MemorySize: 2048,
      Timeout: 600,
      VpcConfig: Match.absent(),
    });
    full.hasResourceProperties('AWS::Lambda::Function', {
      Description: Match.stringLikeRegexp('one cluster'),
      MemorySize: 3008,
      Timeout: 720,
      VpcConfig: {
        SubnetIds: ['subnet-0123456789abcdef0', 'subnet-0123456789abcdef1'],
        SecurityGroupIds: ['sg-0123456789abcdef0'],
      },
    });
    const eni = roleStatements(full, 'ScanClusterRole').find((s) =>
      actionsOf(s).includes('ec2:CreateNetworkInterface'),
    );
    expect(eni).toBeDefined();
  });

  it('receive the runtime contract environment', () => {
    const env = (template: Template, description: RegExp): Record<string, unknown> => {
      const match = Object.values(functions(template)).find((fn) =>
        description.test(fn.Properties.Description),
      );
      return match?.Properties.Environment.Variables;
    };
    const bucket = { Ref: expect.stringMatching(/^ResultsBucket/) };
    const keyArn = { 'Fn::GetAtt': [expect.stringMatching(/^ResultsKey/), 'Arn'] };

    const discover = env(full, /enumerate the fleet/);
    // Discovery of a large organization may take minutes: Lambda's longest timeout.
    const discoverFunction = Object.values(functions(full)).find((fn) =>
      /enumerate the fleet/.test(fn.Properties.Description),
    );
    expect(discoverFunction?.Properties.Timeout).toBe(900);
    expect(discover).toMatchObject({ RESULTS_BUCKET: bucket, RESULTS_KMS_KEY_ID: keyArn });
    // The fleet travels in the state machine's Discover input, not in the 4 KB environment.
    expect(discover).not.toHaveProperty('FLEET_CONFIG');
    expect(discoverPayload(full)).toEqual({
      'input.$': '$',
      // Recorded with the scan, so GET /scans/{scanId} finds a run the schedule started.
      'executionArn.$': '$$.Execution.Id',
      fleet: expect.objectContaining({
        includeSelf: true,
        regions: ['eu-west-1', 'us-east-1'],
        accounts: [
          {
            accountId: '111122223333',
            roleArn: 'arn:<ref>:iam::111122223333:role/WatchkeeperReadRole',
            externalId: 'watchkeeper-test-external-id',
          },
          {
            accountId: '444455556666',
            roleArn: 'arn:<ref>:iam::444455556666:role/WatchkeeperReadRole',
            externalId: 'watchkeeper-test-external-id',
          },
        ],
      }),
    });

    expect(env(full, /one cluster/)).toMatchObject({
      RESULTS_BUCKET: bucket,
      RESULTS_KMS_KEY_ID: keyArn,
      MEMBER_ROLE_NAME: 'WatchkeeperReadRole',
      EXTERNAL_ID: 'watchkeeper-test-external-id',
      SCANNER_ACCOUNT_ID: { Ref: 'AWS::AccountId' },
      POLICY: JSON.stringify(FULL_CONFIG.policy),
    });
    expect(env(defaults, /one cluster/)).not.toHaveProperty('EXTERNAL_ID');

    expect(env(full, /email digest/)).toMatchObject({
      RESULTS_BUCKET: bucket,
      EMAIL_FROM: 'watchkeeper@example.com',
      EMAIL_TO: 'security@example.com,soc@example.org',
      REPORT_BASE_URL: 'https://watchkeeper.example.com',
    });
    // No email configured: no SES identity and no email variables.
    expect(env(defaults, /email digest/)).not.toHaveProperty('EMAIL_FROM');
    expect(defaults.findResources('AWS::SES::EmailIdentity')).toEqual({});

    expect(env(full, /results API/)).toMatchObject({
      RESULTS_BUCKET: bucket,
      STATE_MACHINE_ARN: { Ref: expect.stringMatching(/StateMachine/) },
    });
  });
});

describe('state machine', () => {
  it('runs Discover, a Distributed Map over S3 and Report', () => {
    const definition = stateMachineDefinition(defaults) as {
      StartAt: string;
      States: Record<string, Record<string, unknown>>;
    };
    expect(definition.StartAt).toBe('Discover');
    expect(definition.States.Discover?.Next).toBe('ScanClusters');
    const map = definition.States.ScanClusters as Record<string, unknown>;
    expect(map).toMatchObject({
      Type: 'Map',
      Next: 'Report',
      MaxConcurrency: 20,
      ToleratedFailurePercentage: 100,
      ItemReader: {
        Resource: 'arn:<ref>:states:::s3:getObject',
        ReaderConfig: { InputType: 'JSON' },
        Parameters: { Bucket: '<ref>', 'Key.$': '$.clustersKey' },
      },
      ItemSelector: { 'scanId.$': '$.scanId', 'cluster.$': '$$.Map.Item.Value' },
      ItemProcessor: { ProcessorConfig: { Mode: 'DISTRIBUTED', ExecutionType: 'STANDARD' } },
      ResultWriter: {
        Resource: 'arn:<ref>:states:::s3:putObject',
        Parameters: { Bucket: '<ref>', 'Prefix.$': "States.Format('scans/{}/map-run', $.scanId)" },
      },
      ResultPath: '$.mapRun',
      Catch: [{ ErrorEquals: ['States.ALL'], Next: 'Report', ResultPath: '$.mapError' }],
    });
    const child = (map.ItemProcessor as { States: Record<string, { Retry: { ErrorEquals: string[] }[] }> })
      .States.ScanCluster;
    const retried = child?.Retry.flatMap((retry) => retry.ErrorEquals);
    expect(retried).toEqual(
      expect.arrayContaining([
        'Lambda.ServiceException',
        'Lambda.SdkClientException',
        'Lambda.TooManyRequestsException',
      ]),
    );
    expect(retried).not.toContain('States.ALL');
    expect(definition.States.Report).toMatchObject({
      End: true,
      Parameters: {
        Payload: { 'scanId.$': '$.scanId', 'startedAt.$': '$.startedAt', 'skipped.$': '$.skipped' },
      },
    });
  });

  it('contains the Distributed Map processor config verbatim', () => {
    const [machine] = Object.values(defaults.findResources('AWS::StepFunctions::StateMachine'));
    expect(JSON.stringify(machine?.Properties.DefinitionString)).toContain(
      '\\"ProcessorConfig\\":{\\"Mode\\":\\"DISTRIBUTED\\"',
    );
  });

  it('takes MaxConcurrency from the config', () => {
    expect(
      (stateMachineDefinition(full).States as Record<string, { MaxConcurrency: number }>).ScanClusters
        ?.MaxConcurrency,
    ).toBe(50);
  });

  it('logs everything to its own log group and traces', () => {
    defaults.hasResourceProperties('AWS::StepFunctions::StateMachine', {
      StateMachineType: 'STANDARD',
      TracingConfiguration: { Enabled: true },
      LoggingConfiguration: {
        Level: 'ALL',
        IncludeExecutionData: true,
        Destinations: [
          { CloudWatchLogsLogGroup: { LogGroupArn: { 'Fn::GetAtt': [Match.anyValue(), 'Arn'] } } },
        ],
      },
    });
    defaults.hasResourceProperties('AWS::Logs::LogGroup', {
      LogGroupName: { 'Fn::Join': ['', Match.arrayWith(['/aws/vendedlogs/states/watchkeeper-'])] },
    });
  });

  it('reads clusters.json and writes map results only under scans/, with the key through S3', () => {
    const statements = roleStatements(defaults, 'FleetScanStateMachineRole');
    const s3 = statements.filter((s) => actionsOf(s).some((a) => a.startsWith('s3:')));
    expect(s3.length).toBeGreaterThan(0);
    for (const statement of s3) {
      expect(JSON.stringify(statement.Resource)).toMatch(/\/scans\/\*/);
    }
    expect(statements).toContainEqual(
      expect.objectContaining({
        Action: expect.arrayContaining(['kms:GenerateDataKey', 'kms:Decrypt']),
        Condition: { StringEquals: { 'kms:ViaService': expect.anything() } },
      }),
    );
  });
});

describe('schedule', () => {
  it('starts the state machine nightly at 02:00 UTC by default', () => {
    defaults.hasResourceProperties('AWS::Scheduler::Schedule', {
      ScheduleExpression: 'cron(0 2 * * ? *)',
      ScheduleExpressionTimezone: 'UTC',
      State: 'ENABLED',
      Target: {
        Arn: { Ref: Match.stringLikeRegexp('StateMachine') },
        Input: '{}',
        RetryPolicy: { MaximumRetryAttempts: 3 },
      },
    });
  });

  it('uses the configured expression and time zone', () => {
    full.hasResourceProperties('AWS::Scheduler::Schedule', {
      ScheduleExpression: 'cron(30 3 * * ? *)',
      ScheduleExpressionTimezone: 'Europe/Berlin',
    });
  });
});

describe('API', () => {
  it('requires IAM authorization and the request validator on every method', () => {
    const methods = Object.values(defaults.findResources('AWS::ApiGateway::Method'));
    expect(methods).toHaveLength(API_ROUTES.length);
    for (const method of methods) {
      expect(method.Properties.AuthorizationType).toBe('AWS_IAM');
      expect(method.Properties.RequestValidatorId).toEqual({ Ref: expect.stringMatching(/Validator/) });
      expect(method.Properties.Integration.Type).toBe('AWS_PROXY');
    }
    defaults.hasResourceProperties('AWS::ApiGateway::RequestValidator', {
      ValidateRequestParameters: true,
      ValidateRequestBody: true,
    });
    defaults.resourcePropertiesCountIs('AWS::ApiGateway::Method', { HttpMethod: 'OPTIONS' }, 0);
  });

  it('serves exactly the contract routes', () => {
    const template = defaults.toJSON();
    const resources = template.Resources as Record<
      string,
      { Type: string; Properties: Record<string, unknown> }
    >;
    const pathOf = (id: string | undefined): string => {
      if (id === undefined) return '';
      const resource = resources[id];
      if (!resource) return '';
      const parent = resource.Properties.ParentId as { Ref?: string };
      return `${pathOf(parent.Ref)}/${resource.Properties.PathPart}`;
    };
    const routes = Object.values(resources)
      .filter((r) => r.Type === 'AWS::ApiGateway::Method')
      .map((r) => {
        const ref = (r.Properties.ResourceId as { Ref?: string }).Ref;
        return `${r.Properties.HttpMethod} ${pathOf(ref)}`;
      })
      .sort();
    expect(routes).toEqual(API_ROUTES.map((route) => `${route.method} ${route.path}`).sort());
  });

  it('logs access as JSON and execution errors, without request bodies', () => {
    defaults.hasResourceProperties('AWS::ApiGateway::Stage', {
      StageName: 'v1',
      TracingEnabled: true,
      AccessLogSetting: { DestinationArn: Match.anyValue(), Format: Match.stringLikeRegexp('requestId') },
      MethodSettings: [
        Match.objectLike({ LoggingLevel: 'ERROR', DataTraceEnabled: false, ThrottlingRateLimit: 10 }),
      ],
    });
  });

  it('sets the account CloudWatch role with an inline policy, not the managed one', () => {
    defaults.hasResourceProperties('AWS::ApiGateway::Account', {
      CloudWatchRoleArn: { 'Fn::GetAtt': [Match.stringLikeRegexp('AccountCloudWatchRole'), 'Arn'] },
    });
    defaults.hasResourceProperties('AWS::IAM::Role', {
      AssumeRolePolicyDocument: {
        Statement: [Match.objectLike({ Principal: { Service: 'apigateway.amazonaws.com' } })],
      },
      ManagedPolicyArns: Match.absent(),
    });
    const unmanaged = synth({ api: { manageAccountCloudWatchRole: false } }).template('Watchkeeper');
    expect(unmanaged.findResources('AWS::ApiGateway::Account')).toEqual({});
  });
});

describe('email', () => {
  it('verifies the domain and lets only the report send from it', () => {
    full.hasResourceProperties('AWS::SES::EmailIdentity', { EmailIdentity: 'example.com' });
    const send = roleStatements(full, 'ReportRole').find((s) => actionsOf(s).includes('ses:SendEmail'));
    expect(send).toBeDefined();
    const identities = JSON.stringify(send?.Resource);
    expect(identities).toContain(':identity/example.com');
    expect(identities).toContain(':identity/soc@example.org');
    for (const prefix of ['DiscoverRole', 'ScanClusterRole', 'ApiRole']) {
      expect(roleStatements(full, prefix).flatMap(actionsOf)).not.toContain('ses:SendEmail');
    }
  });

  it('verifies the single from address when no domain is given', () => {
    const template = synth({ email: { from: 'alerts@example.net', to: ['alerts@example.net'] } }).template(
      'Watchkeeper',
    );
    template.hasResourceProperties('AWS::SES::EmailIdentity', { EmailIdentity: 'alerts@example.net' });
  });
});

describe('IAM least privilege', () => {
  it('grants no wildcard action anywhere', () => {
    for (const template of [defaults, full]) {
      const wildcards = allowStatements(template).flatMap(({ statement }) =>
        actionsOf(statement).filter((action) => action.includes('*')),
      );
      expect(wildcards).toEqual([]);
    }
  });

  it('grants `Resource: *` only for actions without resource-level permissions', () => {
    // Each of these is acknowledged in cdk-nag with its reason.
    const allowed = new Set<string>([
      ...SCAN_READ_ACTIONS,
      ...DISCOVERY_READ_ACTIONS,
      'xray:PutTraceSegments',
      'xray:PutTelemetryRecords',
      'xray:GetSamplingRules',
      'xray:GetSamplingTargets',
      // Step Functions execution logging.
      'logs:CreateLogDelivery',
      'logs:GetLogDelivery',
      'logs:UpdateLogDelivery',
      'logs:DeleteLogDelivery',
      'logs:ListLogDeliveries',
      'logs:PutResourcePolicy',
      'logs:DescribeResourcePolicies',
      'logs:DescribeLogGroups',
      // Lambda VPC network interfaces.
      'ec2:CreateNetworkInterface',
      'ec2:DescribeNetworkInterfaces',
      'ec2:DescribeSubnets',
      'ec2:DeleteNetworkInterface',
      'ec2:AssignPrivateIpAddresses',
      'ec2:UnassignPrivateIpAddresses',
    ]);
    for (const template of [defaults, full]) {
      const star = allowStatements(template).filter(({ statement }) =>
        (Array.isArray(statement.Resource) ? statement.Resource : [statement.Resource]).includes('*'),
      );
      for (const { statement } of star) {
        for (const action of actionsOf(statement)) expect(allowed, action).toContain(action);
      }
    }
  });

  it('limits object access to the results layout prefixes', () => {
    const s3Objects = allowStatements(full).filter(({ statement }) =>
      actionsOf(statement).some((a) => a === 's3:GetObject' || a === 's3:PutObject'),
    );
    for (const { statement } of s3Objects) {
      expect(JSON.stringify(statement.Resource)).toMatch(/\/(scans|clusters)\/\*/);
    }
  });

  it('only the report writes nothing under clusters/, and the API writes nothing', () => {
    const writes = (prefix: string) =>
      roleStatements(full, prefix)
        .filter((s: PolicyStatementJson) => actionsOf(s).includes('s3:PutObject'))
        .map((s) => JSON.stringify(s.Resource));
    expect(writes('ApiRole')).toEqual([]);
    expect(writes('ReportRole').join()).not.toContain('/clusters/');
    expect(writes('DiscoverRole').join()).not.toContain('/clusters/');
    expect(writes('ScanClusterRole').join()).toContain('/clusters/');
  });

  it('assumes exactly the member read roles of the configured accounts', () => {
    for (const prefix of ['DiscoverRole', 'ScanClusterRole']) {
      const assume = roleStatements(full, prefix).filter((s) => actionsOf(s).includes('sts:AssumeRole'));
      expect(assume).toHaveLength(1);
      const text = JSON.stringify(assume[0]?.Resource);
      expect(text).toContain(':iam::111122223333:role/WatchkeeperReadRole');
      expect(text).toContain(':iam::444455556666:role/WatchkeeperReadRole');
      expect(text).not.toContain('iam::*');
    }
    expect(roleStatements(defaults, 'ScanClusterRole').flatMap(actionsOf)).not.toContain('sts:AssumeRole');
  });

  it('takes the accounts of an organization: discover may list them and assume the reader and member roles', () => {
    // Prepare
    const reader = 'arn:aws:iam::999988887777:role/watchkeeper-org-reader';
    const config = {
      ...FULL_CONFIG,
      fleet: {
        ...FULL_CONFIG.fleet,
        organization: { parents: ['ou-ab12-cdef3456'], roleArn: reader, externalId: 'org-reader-ext' },
      },
    };

    // Act: the synth runs cdk-nag too.
    const org = synth(config).template('Watchkeeper');

    // Assess
    const payload = discoverPayload(org) as { fleet: { organization: Record<string, unknown> } };
    expect(payload.fleet.organization).toEqual({
      parents: ['ou-ab12-cdef3456'],
      roleArn: reader,
      externalId: 'org-reader-ext',
      memberRoleName: 'WatchkeeperReadRole',
      memberExternalId: 'watchkeeper-test-external-id',
      excludeAccounts: [],
    });
    const discover = roleStatements(org, 'DiscoverRole');
    expect(discover.flatMap(actionsOf)).toEqual(
      expect.arrayContaining([
        'organizations:ListAccounts',
        'organizations:ListAccountsForParent',
        'organizations:ListOrganizationalUnitsForParent',
      ]),
    );
    const assumed = JSON.stringify(
      discover.filter((s) => actionsOf(s).includes('sts:AssumeRole')).map((s) => s.Resource),
    );
    expect(assumed).toContain(reader);
    expect(assumed).toContain(':iam::*:role/WatchkeeperReadRole');
    const scanAssumed = roleStatements(org, 'ScanClusterRole').filter((s) =>
      actionsOf(s).includes('sts:AssumeRole'),
    );
    expect(JSON.stringify(scanAssumed.map((s) => s.Resource))).toContain(':iam::*:role/WatchkeeperReadRole');
    expect(JSON.stringify(scanAssumed.map((s) => s.Resource))).not.toContain('watchkeeper-org-reader');
    // The role name in any account, but only inside the organization; the listed accounts (which
    // may lie outside it) keep their own statement without that condition.
    const wildcard = scanAssumed.find((s) => JSON.stringify(s.Resource).includes(':iam::*:role/'));
    expect(wildcard?.Condition).toEqual({ StringEquals: { 'aws:ResourceOrgID': 'o-abcdefghij' } });
    const listed = scanAssumed.find((s) => JSON.stringify(s.Resource).includes(':iam::111122223333:role/'));
    expect(listed?.Condition).toBeUndefined();
    expect(roleStatements(org, 'ScanClusterRole').flatMap(actionsOf)).not.toContain(
      'organizations:ListAccounts',
    );
  });

  it('scans a fleet of 300 member accounts: all in the Discover input, one member-role ARN per function', () => {
    // Prepare: more accounts than an environment variable (about 20) or listed role ARNs (40) hold.
    const accounts = Array.from({ length: 300 }, (_, i) => ({ accountId: String(200000000000 + i) }));

    // Act: the synth runs cdk-nag too, so the wildcard must be acknowledged with its reason.
    const large = synth({ ...FULL_CONFIG, fleet: { ...FULL_CONFIG.fleet, accounts } }).template(
      'Watchkeeper',
    );

    // Assess
    const payload = discoverPayload(large) as { fleet: { accounts: { accountId: string }[] } };
    expect(payload.fleet.accounts.map((account) => account.accountId)).toEqual(
      accounts.map((account) => account.accountId),
    );
    for (const prefix of ['DiscoverRole', 'ScanClusterRole']) {
      const assume = roleStatements(large, prefix).filter((s) => actionsOf(s).includes('sts:AssumeRole'));
      expect(assume).toHaveLength(1);
      expect(JSON.stringify(assume[0]?.Resource)).toBe(
        JSON.stringify({
          'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':iam::*:role/WatchkeeperReadRole']],
        }),
      );
    }
  });

  it('gives the API StartExecution and DescribeExecution on this state machine only', () => {
    const statements = roleStatements(defaults, 'ApiRole');
    const start = statements.find((s) => actionsOf(s).includes('states:StartExecution'));
    expect(start?.Resource).toEqual({ Ref: expect.stringMatching(/StateMachine/) });
    const describe = statements.find((s) => actionsOf(s).includes('states:DescribeExecution'));
    expect(JSON.stringify(describe?.Resource)).toContain(':execution:');
  });
});

describe('cluster access and outputs', () => {
  it('creates STANDARD access entries for the scanner role, with no access policy', () => {
    full.hasResourceProperties('AWS::EKS::AccessEntry', {
      ClusterName: 'prod-eu',
      Type: 'STANDARD',
      KubernetesGroups: ['watchkeeper-readers'],
      PrincipalArn: { 'Fn::GetAtt': [Match.stringLikeRegexp('^ScanClusterRole'), 'Arn'] },
      AccessPolicies: Match.absent(),
    });
  });

  it('outputs the API URL, bucket, state machine and scanner principals', () => {
    for (const output of [
      'ApiUrl',
      'ResultsBucketName',
      'StateMachineArn',
      'ScannerPrincipalArns',
      'ScanClusterRoleArn',
    ]) {
      defaults.hasOutput(output, {});
    }
    full.hasOutput('DkimRecord1', {});
  });
});
