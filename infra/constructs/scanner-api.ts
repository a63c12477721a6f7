import { Aws, RemovalPolicy } from 'aws-cdk-lib';
import * as apigw from 'aws-cdk-lib/aws-apigateway';
import * as iam from 'aws-cdk-lib/aws-iam';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import * as logs from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';
import { acknowledgeRule, acknowledgeWildcardResource } from './nag.ts';

export interface ScannerApiProps {
  readonly handler: lambda.IFunction;
  readonly logRetention: logs.RetentionDays;
  readonly throttlingRateLimit: number;
  readonly throttlingBurstLimit: number;
  /** Create and set the account-wide API Gateway CloudWatch Logs role (see config.ts). */
  readonly manageAccountCloudWatchRole: boolean;
}

/** Every route of the API, for the tests and the docs. */
export const API_ROUTES = [
  { method: 'POST', path: '/scans' },
  { method: 'GET', path: '/scans/{scanId}' },
  { method: 'GET', path: '/scans/{scanId}/report' },
  { method: 'GET', path: '/clusters' },
] as const;

export const API_STAGE = 'v1';

/**
 * The on-demand API: a regional REST API whose every method requires SigV4 (IAM
 * authorization: callers need `execute-api:Invoke` on the route), validates its required
 * path parameters at the gateway (bodies and query values are checked by the handler), and
 * logs access (JSON) and execution errors. All routes go to the api Lambda
 * (proxy integration); a scan request returns 202 with the execution, never waits for it
 * (REST integrations time out after 29 s).
 */
export class ScannerApi extends Construct {
  readonly api: apigw.RestApi;
  readonly accessLogs: logs.LogGroup;

  constructor(scope: Construct, id: string, props: ScannerApiProps) {
    super(scope, id);

    this.accessLogs = new logs.LogGroup(this, 'AccessLogs', {
      retention: props.logRetention,
      removalPolicy: RemovalPolicy.RETAIN,
    });

    this.api = new apigw.RestApi(this, 'Api', {
      restApiName: 'watchkeeper',
      description: 'Watchkeeper on-demand scans and results (IAM authorization)',
      endpointTypes: [apigw.EndpointType.REGIONAL],
      // The L2's CloudWatch role attaches the AWS managed AmazonAPIGatewayPushToCloudWatchLogs
      // policy (cdk-nag IAM4); AccountCloudWatchRole below replaces it.
      cloudWatchRole: false,
      deployOptions: {
        stageName: API_STAGE,
        accessLogDestination: new apigw.LogGroupLogDestination(this.accessLogs),
        accessLogFormat: apigw.AccessLogFormat.jsonWithStandardFields({
          caller: true,
          httpMethod: true,
          ip: true,
          protocol: true,
          requestTime: true,
          resourcePath: true,
          responseLength: true,
          status: true,
          user: true,
        }),
        loggingLevel: apigw.MethodLoggingLevel.ERROR,
        // Request and response bodies stay out of the logs: they carry cluster findings.
        dataTraceEnabled: false,
        metricsEnabled: true,
        tracingEnabled: true,
        throttlingRateLimit: props.throttlingRateLimit,
        throttlingBurstLimit: props.throttlingBurstLimit,
      },
      defaultMethodOptions: { authorizationType: apigw.AuthorizationType.IAM },
    });

    const validator = this.api.addRequestValidator('Validator', {
      requestValidatorName: 'watchkeeper-parameters-and-body',
      validateRequestParameters: true,
      validateRequestBody: true,
    });

    const integration = new apigw.LambdaIntegration(props.handler, {
      proxy: true,
      // No console test-invoke permission: one Lambda permission per method is enough.
      allowTestInvoke: false,
    });
    const options = (
      pathParameters: readonly string[] = [],
      optionalQuery: readonly string[] = [],
    ): apigw.MethodOptions => ({
      authorizationType: apigw.AuthorizationType.IAM,
      requestValidator: validator,
      requestParameters: {
        ...Object.fromEntries(pathParameters.map((name) => [`method.request.path.${name}`, true])),
        ...Object.fromEntries(optionalQuery.map((name) => [`method.request.querystring.${name}`, false])),
      },
    });

    const scans = this.api.root.addResource('scans');
    scans.addMethod('POST', integration, options());
    const scan = scans.addResource('{scanId}');
    scan.addMethod('GET', integration, options(['scanId']));
    scan.addResource('report').addMethod('GET', integration, options(['scanId']));
    // Paging (?limit=1..200&next=<cursor>); the handler checks the values.
    this.api.root.addResource('clusters').addMethod('GET', integration, options([], ['limit', 'next']));

    if (props.manageAccountCloudWatchRole) this.setAccountCloudWatchRole();

    acknowledgeRule(
      this.api,
      'APIG3',
      'Every method requires SigV4 (IAM authorization) and the stage is throttled; a WAF web ACL adds cost without covering a threat IAM auth leaves open for this internal API.',
    );
    acknowledgeRule(
      this.api,
      'COG4',
      'The API is for AWS principals (operators, CI) and uses IAM authorization on every method; there are no end users, hence no Cognito user pool.',
    );
  }

  /** The invoke URL of the stage, e.g. https://abc.execute-api.eu-west-1.amazonaws.com/v1/. */
  get url(): string {
    return this.api.url;
  }

  /**
   * API Gateway writes execution AND access logs with one role per account and region,
   * set on `AWS::ApiGateway::Account`; without it the stage fails to deploy with logging
   * on. This role has the push-to-CloudWatch permissions inline (the managed policy fails
   * cdk-nag IAM4) and is retained on stack deletion, because other APIs of the account may
   * rely on the account setting after this stack is gone.
   * https://docs.aws.amazon.com/apigateway/latest/developerguide/set-up-logging.html
   */
  private setAccountCloudWatchRole(): void {
    const role = new iam.Role(this, 'AccountCloudWatchRole', {
      assumedBy: new iam.ServicePrincipal('apigateway.amazonaws.com'),
      description: 'API Gateway account-wide role for execution and access logging (set by Watchkeeper)',
    });
    role.applyRemovalPolicy(RemovalPolicy.RETAIN);
    const logGroups = `arn:${Aws.PARTITION}:logs:${Aws.REGION}:${Aws.ACCOUNT_ID}:log-group:*`;
    role.addToPrincipalPolicy(
      new iam.PolicyStatement({
        actions: [
          'logs:CreateLogGroup',
          'logs:CreateLogStream',
          'logs:DescribeLogGroups',
          'logs:DescribeLogStreams',
          'logs:PutLogEvents',
          'logs:GetLogEvents',
          'logs:FilterLogEvents',
        ],
        resources: [logGroups],
      }),
    );
    acknowledgeWildcardResource(
      role,
      logGroups,
      'The API Gateway CloudWatch role is one per account and region and serves every REST API there: API Gateway creates API-Gateway-Execution-Logs_<apiId>/<stage> groups and writes each API access log group, so it is limited to log groups of this account and region.',
    );

    const account = new apigw.CfnAccount(this, 'Account', { cloudWatchRoleArn: role.roleArn });
    account.applyRemovalPolicy(RemovalPolicy.RETAIN);
    account.node.addDependency(role);
    this.api.deploymentStage.node.addDependency(account);
  }
}
