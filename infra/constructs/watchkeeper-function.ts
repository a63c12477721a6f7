import { basename, extname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Aws, type Duration, RemovalPolicy } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as nodejs from 'aws-cdk-lib/aws-lambda-nodejs';
import * as logs from 'aws-cdk-lib/aws-logs';
import type * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import { Construct } from 'constructs';
import type { VpcConfig } from '../config.ts';
import { acknowledgeWildcardResource } from './nag.ts';
import type { ResultsBucket } from './results-bucket.ts';

/** The repository root: entries, the lock file and `templates/` are found from here. */
export const REPO_ROOT = fileURLToPath(new URL('../../', import.meta.url));

/**
 * Where the report templates sit inside every bundle: `templates/` next to `index.mjs`, so a
 * handler finds them with `new URL('./templates/', import.meta.url)`.
 */
export const BUNDLED_TEMPLATES_DIR = 'templates';

/**
 * ESM bundles still contain CommonJS (undici inside @kubernetes/client-node calls `require`);
 * this banner gives them a real `require` (reference/aws-notes.md §4.4).
 */
export const ESM_REQUIRE_BANNER =
  "import { createRequire } from 'module';const require = createRequire(import.meta.url);";

/** The Lambda runtime for every function. cdk-nag L1 fails on anything older than the latest. */
export const RUNTIME = lambda.Runtime.NODEJS_24_X;

export interface WatchkeeperFunctionProps {
  /** The handler file relative to the repository root, e.g. `functions/handlers/discover.ts`. */
  readonly entry: string;
  readonly description: string;
  readonly timeout: Duration;
  readonly memorySize: number;
  readonly logRetention: logs.RetentionDays;
  /** Attach the function to these subnets (for private-only cluster endpoints). */
  readonly vpc?: VpcConfig;
}

/** What each `bind*` helper needs to say about the wildcard resources it grants. */
export interface WildcardReason {
  /** Why this function needs the wildcard (shown in the cdk-nag acknowledgement). */
  readonly reason: string;
}

/**
 * One Watchkeeper Lambda function with every default fixed in one place (the Powertools
 * construct pattern): Node.js 24 on arm64, its own IAM role with no AWS managed policy, its
 * own log group with a retention, JSON logs, active tracing, and a local esbuild bundle (ESM,
 * minified, source maps, metafile) that carries `templates/`.
 *
 * Permissions and configuration arrive together through `bind*()` helpers: each one grants
 * what a piece of configuration needs and sets the environment variable naming it, so a
 * function can never see a bucket it may not read, or hold a grant nothing tells it to use.
 */
export class WatchkeeperFunction extends Construct {
  readonly function: nodejs.NodejsFunction;
  readonly role: iam.Role;
  readonly logGroup: logs.LogGroup;

  constructor(scope: Construct, id: string, props: WatchkeeperFunctionProps) {
    super(scope, id);

    this.role = new iam.Role(this, 'Role', {
      assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com'),
      description: `Watchkeeper ${basename(props.entry, extname(props.entry))} function`,
    });

    this.logGroup = new logs.LogGroup(this, 'Logs', {
      retention: props.logRetention,
      removalPolicy: RemovalPolicy.RETAIN,
    });
    // Not fn.logGroup.grantWrite(): that path adds a LogRetention custom resource with a
    // managed-policy role (reference/aws-notes.md §5.7).
    this.logGroup.grantWrite(this.role);

    // Active tracing adds xray:PutTraceSegments and xray:PutTelemetryRecords to the role.
    acknowledgeWildcardResource(
      this.role,
      '*',
      'X-Ray PutTraceSegments and PutTelemetryRecords (active tracing) support no resource-level permissions.',
    );

    const vpc = props.vpc ? this.importVpc(props.vpc) : undefined;

    this.function = new nodejs.NodejsFunction(this, 'Function', {
      entry: join(REPO_ROOT, props.entry),
      handler: 'handler',
      description: props.description,
      runtime: RUNTIME,
      architecture: lambda.Architecture.ARM_64,
      memorySize: props.memorySize,
      timeout: props.timeout,
      role: this.role,
      logGroup: this.logGroup,
      loggingFormat: lambda.LoggingFormat.JSON,
      tracing: lambda.Tracing.ACTIVE,
      projectRoot: REPO_ROOT,
      depsLockFilePath: join(REPO_ROOT, 'package-lock.json'),
      ...vpc,
      environment: {
        NODE_OPTIONS: '--enable-source-maps',
        POWERTOOLS_SERVICE_NAME: `watchkeeper-${basename(props.entry, extname(props.entry))}`,
        POWERTOOLS_METRICS_NAMESPACE: 'Watchkeeper',
        POWERTOOLS_LOG_LEVEL: 'INFO',
      },
      bundling: {
        format: nodejs.OutputFormat.ESM,
        target: 'node24',
        mainFields: ['module', 'main'],
        banner: ESM_REQUIRE_BANNER,
        minify: true,
        sourceMap: true,
        sourcesContent: false,
        metafile: true,
        // Pin the SDK versions of package-lock.json instead of the runtime's copy.
        bundleAwsSDK: true,
        // There is no Docker on build machines; esbuild is a devDependency.
        forceDockerBundling: false,
        commandHooks: {
          beforeBundling: () => [],
          beforeInstall: () => [],
          afterBundling: (inputDir: string, outputDir: string) => [
            `cp -r ${shellQuote(join(inputDir, 'templates'))} ${shellQuote(join(outputDir, BUNDLED_TEMPLATES_DIR))}`,
          ],
        },
      },
    });
  }

  /** Sets one environment variable (for values that need no grant). */
  setEnv(name: string, value: string): this {
    this.function.addEnvironment(name, value);
    return this;
  }

  /**
   * RESULTS_BUCKET and RESULTS_KMS_KEY_ID (the key ARN), with object reads and writes limited
   * to the given key patterns of the results layout.
   */
  bindResultsBucket(
    results: ResultsBucket,
    access: { read?: readonly string[]; write?: readonly string[]; list?: boolean } & WildcardReason,
  ): this {
    this.setEnv('RESULTS_BUCKET', results.bucketName);
    this.setEnv('RESULTS_KMS_KEY_ID', results.key.keyArn);
    const patterns = new Set<string>();
    if (access.read?.length) {
      results.grantReadObjects(this.role, access.read);
      for (const pattern of access.read) patterns.add(pattern);
    }
    if (access.write?.length) {
      results.grantWriteObjects(this.role, access.write);
      for (const pattern of access.write) patterns.add(pattern);
    }
    if (access.list) results.grantList(this.role);
    for (const pattern of patterns) {
      acknowledgeWildcardResource(this.role, results.bucket.arnForObjects(pattern), access.reason);
    }
    return this;
  }

  /** STATE_MACHINE_ARN, with StartExecution on it and DescribeExecution on its executions. */
  bindStateMachine(stateMachine: sfn.StateMachine, wildcard: WildcardReason): this {
    this.setEnv('STATE_MACHINE_ARN', stateMachine.stateMachineArn);
    stateMachine.grantStartExecution(this.role);
    const executions = `arn:${Aws.PARTITION}:states:${Aws.REGION}:${Aws.ACCOUNT_ID}:execution:${stateMachine.stateMachineName}:*`;
    this.role.addToPrincipalPolicy(
      new iam.PolicyStatement({ actions: ['states:DescribeExecution'], resources: [executions] }),
    );
    acknowledgeWildcardResource(this.role, executions, wildcard.reason);
    return this;
  }

  /**
   * MEMBER_ROLE_NAME and EXTERNAL_ID (when set), with `sts:AssumeRole` on that role name in
   * any account: the fleet's accounts are configuration, and the member role's trust policy
   * (scanner principals + external id + optional org id) is what limits who gets in.
   */
  bindMemberRole(roleName: string, externalId: string | undefined, wildcard: WildcardReason): this {
    this.setEnv('MEMBER_ROLE_NAME', roleName);
    if (externalId !== undefined) this.setEnv('EXTERNAL_ID', externalId);
    const roles = `arn:${Aws.PARTITION}:iam::*:role/${roleName}`;
    this.role.addToPrincipalPolicy(
      new iam.PolicyStatement({ actions: ['sts:AssumeRole'], resources: [roles] }),
    );
    acknowledgeWildcardResource(this.role, roles, wildcard.reason);
    return this;
  }

  /** Read-only AWS API actions in the function's own account (all listed, none wildcarded). */
  grantAwsRead(actions: readonly string[], wildcard: WildcardReason): this {
    this.role.addToPrincipalPolicy(new iam.PolicyStatement({ actions: [...actions], resources: ['*'] }));
    acknowledgeWildcardResource(this.role, '*', wildcard.reason);
    return this;
  }

  /** EMAIL_FROM and EMAIL_TO (comma-separated), with `ses:SendEmail` on the given identities. */
  bindEmail(from: string, to: readonly string[], identityArns: readonly string[]): this {
    this.setEnv('EMAIL_FROM', from);
    this.setEnv('EMAIL_TO', to.join(','));
    this.role.addToPrincipalPolicy(
      new iam.PolicyStatement({ actions: ['ses:SendEmail'], resources: [...identityArns] }),
    );
    return this;
  }

  private importVpc(
    config: VpcConfig,
  ): Pick<nodejs.NodejsFunctionProps, 'vpc' | 'vpcSubnets' | 'securityGroups'> {
    const vpc = ec2.Vpc.fromVpcAttributes(this, 'Vpc', {
      vpcId: config.vpcId,
      availabilityZones: config.subnetIds.map((_, index) => `subnet-${index}-az`),
    });
    const subnets = config.subnetIds.map((subnetId) => ec2.Subnet.fromSubnetId(this, subnetId, subnetId));
    const securityGroups = config.securityGroupIds.map((groupId) =>
      ec2.SecurityGroup.fromSecurityGroupId(this, groupId, groupId, { mutable: false }),
    );
    // What AWSLambdaVPCAccessExecutionRole grants, inline (cdk-nag IAM4 forbids the managed
    // policy). The Describe actions have no resource-level permissions.
    // https://docs.aws.amazon.com/lambda/latest/dg/configuration-vpc.html#configuration-vpc-permissions
    this.role.addToPrincipalPolicy(
      new iam.PolicyStatement({
        actions: [
          'ec2:CreateNetworkInterface',
          'ec2:DescribeNetworkInterfaces',
          'ec2:DescribeSubnets',
          'ec2:DeleteNetworkInterface',
          'ec2:AssignPrivateIpAddresses',
          'ec2:UnassignPrivateIpAddresses',
        ],
        resources: ['*'],
      }),
    );
    acknowledgeWildcardResource(
      this.role,
      '*',
      'Lambda creates, describes and deletes the VPC network interfaces of this function; the ENI actions Lambda requires do not support resource-level permissions.',
    );
    return { vpc, vpcSubnets: { subnets }, securityGroups };
  }
}

function shellQuote(path: string): string {
  return `'${path.replace(/'/g, `'\\''`)}'`;
}
