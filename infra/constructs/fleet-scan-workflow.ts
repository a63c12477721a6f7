import { Aws, Duration, Fn, RemovalPolicy } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import * as tasks from 'aws-cdk-lib/aws-stepfunctions-tasks';
import { Construct } from 'constructs';
import { acknowledgeWildcardResource } from './nag.ts';
import { type ResultsBucket, SCANS_PREFIX } from './results-bucket.ts';

export interface FleetScanWorkflowProps {
  readonly results: ResultsBucket;
  readonly discover: lambda.IFunction;
  readonly scanCluster: lambda.IFunction;
  readonly report: lambda.IFunction;
  /** Clusters scanned at the same time. */
  readonly maxConcurrency: number;
  readonly logRetention: logs.RetentionDays;
  /**
   * The fleet config (functions/config/fleet-config.ts) handed to Discover with the execution's
   * input: in the definition it may list hundreds of accounts, where a Lambda environment
   * variable holds about 20. Left out, Discover reads FLEET_CONFIG.
   */
  readonly fleet?: object;
}

/** Where the Distributed Map writes its run results: `scans/{scanId}/map-run/{mapRunId}/…`. */
export const MAP_RUN_PREFIX_FORMAT = 'scans/{}/map-run';

/**
 * A whole run stops after this long. Worst case at the default concurrency: 5,000 clusters /
 * 20 at a time × ~4 min = ~17 h; a run must end before the next night's run starts.
 */
export const EXECUTION_TIMEOUT = Duration.hours(23);

/** Errors worth retrying on a Lambda task beyond the service errors LambdaInvoke retries. */
const THROTTLED = ['Lambda.TooManyRequestsException'];

/**
 * The S3 JSON item reader, with its grant narrowed from the whole bucket to `scans/*`
 * (the CDK default is `s3:GetObject` on `<bucket>/*`).
 */
class ScansJsonItemReader extends sfn.S3JsonItemReader {
  override providePolicyStatements(): iam.PolicyStatement[] {
    return [
      new iam.PolicyStatement({
        actions: ['s3:GetObject'],
        resources: [this.bucket.arnForObjects(`${SCANS_PREFIX}*`)],
      }),
    ];
  }
}

/** The result writer, with its grant narrowed from the whole bucket to `scans/*`. */
class ScansResultWriter extends sfn.ResultWriterV2 {
  override providePolicyStatements(): iam.PolicyStatement[] {
    if (!this.bucket) return [];
    return [
      new iam.PolicyStatement({
        actions: ['s3:PutObject', 's3:GetObject', 's3:ListMultipartUploadParts', 's3:AbortMultipartUpload'],
        resources: [this.bucket.arnForObjects(`${SCANS_PREFIX}*`)],
      }),
    ];
  }
}

/**
 * Discover → Distributed Map (one scan-cluster invocation per cluster) → Report.
 *
 * Discover writes the fleet's cluster list to S3 (`scans/{scanId}/clusters.json`) and returns
 * only its key, so the fan-out reads its items from S3 (ItemReader) and never carries 5,000
 * cluster refs in the state payload (256 KiB). Each child's output goes to S3 through the
 * ResultWriter, so the Map's own output is a small pointer, whatever the fleet's size.
 */
export class FleetScanWorkflow extends Construct {
  readonly stateMachine: sfn.StateMachine;
  readonly logGroup: logs.LogGroup;

  constructor(scope: Construct, id: string, props: FleetScanWorkflowProps) {
    super(scope, id);
    // ResultWriterV2 (with WriterConfig) renders only under this flag; pinned here so the
    // construct does not depend on cdk.json.
    this.node.setContext('@aws-cdk/aws-stepfunctions:useDistributedMapResultWriterV2', true);
    const { results } = props;

    const discover = new tasks.LambdaInvoke(this, 'Discover', {
      stateName: 'Discover',
      comment: 'Enumerate accounts, regions and clusters; write scans/{scanId}/clusters.json',
      lambdaFunction: props.discover,
      // `{ input, executionArn, fleet? }`: the execution's input as it came, the execution (so
      // GET /scans/{scanId} finds a run the schedule started under a generated name), the fleet.
      payload: sfn.TaskInput.fromObject({
        input: sfn.JsonPath.entirePayload,
        executionArn: sfn.JsonPath.executionId,
        ...(props.fleet === undefined ? {} : { fleet: props.fleet }),
      }),
      outputPath: '$.Payload',
    }).addRetry({ errors: THROTTLED, interval: Duration.seconds(5), maxAttempts: 5, backoffRate: 2 });

    const scanCluster = new tasks.LambdaInvoke(this, 'ScanCluster', {
      stateName: 'ScanCluster',
      comment:
        'Collect, evaluate and store one cluster; unreachable or forbidden is an outcome, not an error',
      lambdaFunction: props.scanCluster,
      outputPath: '$.Payload',
    }).addRetry({
      errors: THROTTLED,
      interval: Duration.seconds(10),
      maxAttempts: 6,
      backoffRate: 2,
      jitterStrategy: sfn.JitterType.FULL,
    });

    const scanClusters = new sfn.DistributedMap(this, 'ScanClusters', {
      stateName: 'ScanClusters',
      comment: 'One child execution per cluster, read from the clusters.json discover wrote',
      label: 'ScanClusters',
      itemReader: new ScansJsonItemReader({
        bucket: results.bucket,
        key: sfn.JsonPath.stringAt('$.clustersKey'),
      }),
      itemSelector: {
        scanId: sfn.JsonPath.stringAt('$.scanId'),
        cluster: sfn.JsonPath.stringAt('$$.Map.Item.Value'),
      },
      maxConcurrency: props.maxConcurrency,
      // One cluster never fails the fleet: a child that still fails after its retries is
      // recorded by the ResultWriter (FAILED_*.json) and the run goes on to the report.
      toleratedFailurePercentage: 100,
      // STANDARD children, not EXPRESS: a cluster scan may run up to the Lambda timeout
      // (10 min by default, 15 at most), and EXPRESS executions stop at 5 minutes. STANDARD
      // also runs each child exactly once, where EXPRESS is at-least-once, and costs about
      // 4 transitions per cluster (~$0.0001 each night per cluster).
      mapExecutionType: sfn.StateMachineType.STANDARD,
      resultWriterV2: new ScansResultWriter({
        bucket: results.bucket,
        prefix: sfn.JsonPath.format(MAP_RUN_PREFIX_FORMAT, sfn.JsonPath.stringAt('$.scanId')),
        writerConfig: new sfn.WriterConfig({
          outputType: sfn.OutputType.JSON,
          transformation: sfn.Transformation.NONE,
        }),
      }),
      // Keep discover's output ({scanId, startedAt, skipped, …}) as the input of Report.
      resultPath: '$.mapRun',
    });
    scanClusters.itemProcessor(scanCluster);

    const report = new tasks.LambdaInvoke(this, 'Report', {
      stateName: 'Report',
      comment: 'Fleet report, diff against the previous scan, email digest',
      lambdaFunction: props.report,
      payload: sfn.TaskInput.fromObject({
        scanId: sfn.JsonPath.stringAt('$.scanId'),
        startedAt: sfn.JsonPath.stringAt('$.startedAt'),
        skipped: sfn.JsonPath.listAt('$.skipped'),
      }),
      outputPath: '$.Payload',
    }).addRetry({ errors: THROTTLED, interval: Duration.seconds(5), maxAttempts: 5, backoffRate: 2 });

    // If the Map itself fails (clusters.json unreadable, results not writable), still report:
    // the report marks every cluster without a stored result, so the team hears about it.
    scanClusters.addCatch(report, { errors: ['States.ALL'], resultPath: '$.mapError' });

    const definition = discover.next(scanClusters).next(report);

    // Vended-logs prefix: Step Functions then needs no CloudWatch Logs resource policy entry
    // per log group (the account's 5,120-character policy limit). The stack id suffix keeps
    // the name unique when a retained group outlives a deleted stack.
    // https://docs.aws.amazon.com/AmazonCloudWatch/latest/logs/AWS-logs-and-resource-policy.html
    const stackUuid = Fn.select(2, Fn.split('/', Aws.STACK_ID));
    this.logGroup = new logs.LogGroup(this, 'Logs', {
      logGroupName: `/aws/vendedlogs/states/watchkeeper-${stackUuid}`,
      retention: props.logRetention,
      removalPolicy: RemovalPolicy.RETAIN,
    });

    this.stateMachine = new sfn.StateMachine(this, 'StateMachine', {
      comment: 'Watchkeeper fleet scan: discover, scan every cluster, report',
      definitionBody: sfn.DefinitionBody.fromChainable(definition),
      stateMachineType: sfn.StateMachineType.STANDARD,
      timeout: EXECUTION_TIMEOUT,
      tracingEnabled: true,
      logs: { destination: this.logGroup, level: sfn.LogLevel.ALL, includeExecutionData: true },
    });

    // The ItemReader and ResultWriter reach S3 as the state machine role; the objects are
    // SSE-KMS, so the role needs the key through S3 as well.
    const role = this.stateMachine.role;
    results.grantKeyThroughS3(role, { encrypt: true });

    acknowledgeWildcardResource(
      role,
      results.bucket.arnForObjects(`${SCANS_PREFIX}*`),
      "The Distributed Map reads each run's clusters.json and writes its child results under scans/{scanId}/, a key known only at run time; nothing outside scans/ is reachable.",
    );
    const invoked = { discover: props.discover, 'scan-cluster': props.scanCluster, report: props.report };
    for (const [name, fn] of Object.entries(invoked)) {
      acknowledgeWildcardResource(
        role,
        `${fn.functionArn}:*`,
        `LambdaInvoke grants lambda:InvokeFunction on the ${name} function and its versions and aliases (<arn>:*); no other function is reachable.`,
      );
    }
    acknowledgeWildcardResource(
      role,
      '*',
      'X-Ray PutTraceSegments, PutTelemetryRecords and GetSampling* (tracingEnabled) and the CloudWatch Logs delivery actions behind execution logging (CreateLogDelivery, PutResourcePolicy, DescribeLogGroups, …) support no resource-level permissions.',
    );
    // DistributedMap's own policy: describe, stop and redrive this state machine's executions
    // and map-run children. Same ARN expressions as aws-stepfunctions/lib/state-machine.js.
    const name = Fn.select(6, Fn.split(':', this.stateMachine.stateMachineArn));
    const executions = `arn:${Aws.PARTITION}:states:${Aws.REGION}:${Aws.ACCOUNT_ID}:execution:${name}`;
    const mapPolicy = this.stateMachine.node.tryFindChild('DistributedMapPolicy') ?? this.stateMachine;
    acknowledgeWildcardResource(
      mapPolicy,
      `${executions}:*`,
      'The Distributed Map describes and stops the executions of this one state machine; their names are generated per run.',
    );
    acknowledgeWildcardResource(
      mapPolicy,
      `${executions}/ScanClusters:*`,
      'The Distributed Map redrives the child executions of its own ScanClusters map run; their names are generated per run.',
    );
  }
}
