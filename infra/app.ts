import { App, Validations } from 'aws-cdk-lib';
import { AwsSolutionsChecks } from 'cdk-nag';
import { cdkJsonContext } from './cdk-json.ts';
import { loadDeployConfig } from './config.ts';
import { MemberReadRoleStack } from './stacks/member-read-role-stack.ts';
import { MemberStackSetStack } from './stacks/member-stack-set-stack.ts';
import { OrganizationReaderRoleStack } from './stacks/organization-reader-role-stack.ts';
import { WatchkeeperStack } from './stacks/watchkeeper-stack.ts';

/**
 * The Watchkeeper CDK app (`cdk.json`: `node infra/app.ts`). Every stack is environment-
 * agnostic: `cdk synth` needs no AWS credentials, and `cdk deploy` uses the CLI's account and
 * region. cdk-nag (AwsSolutions) runs on every synth; an unacknowledged finding fails it.
 *
 *   npx cdk deploy Watchkeeper -c config=examples/deploy-config.json
 */
export function buildApp(app: App = new App()): App {
  const config = loadDeployConfig(app.node);

  const central = new WatchkeeperStack(app, config.stackName, {
    config,
    description: 'Watchkeeper: agentless compliance scanner for Amazon EKS fleets',
  });

  const member = {
    roleName: config.memberAccess.roleName,
    ...(config.memberAccess.externalId === undefined ? {} : { externalId: config.memberAccess.externalId }),
    ...(config.memberAccess.organizationId === undefined
      ? {}
      : { organizationId: config.memberAccess.organizationId }),
  };
  // Deployed in each member account (cdk deploy, CloudFormation or a StackSet: docs/deploy.md).
  new MemberReadRoleStack(app, `${config.stackName}MemberReadRole`, member);

  // Deployed in the management or a delegated administrator account when discover lists the
  // organization's accounts from elsewhere (fleet.organization.roleArn: docs/deploy.md).
  const organization = config.fleet.organization;
  if (organization !== undefined) {
    const roleName = organization.roleArn?.split('/').pop();
    new OrganizationReaderRoleStack(app, `${config.stackName}OrganizationReader`, {
      ...(roleName === undefined ? {} : { roleName }),
      ...(organization.externalId === undefined ? {} : { externalId: organization.externalId }),
    });
  }

  if (config.memberStackSet && config.memberAccess.externalId !== undefined) {
    new MemberStackSetStack(app, `${config.stackName}MemberStackSet`, {
      description: 'Watchkeeper: StackSet deploying the member read role across the organization',
      member,
      scannerPrincipalArns: config.memberStackSet.scannerPrincipalArns ?? [
        central.discover.role.roleArn,
        central.scanCluster.role.roleArn,
      ],
      externalId: config.memberAccess.externalId,
      ...(config.memberAccess.organizationId === undefined
        ? {}
        : { organizationId: config.memberAccess.organizationId }),
      organizationalUnitIds: config.memberStackSet.organizationalUnitIds,
      region: config.memberStackSet.region,
      callAs: config.memberStackSet.callAs,
    });
  }

  Validations.of(app).addPlugins(new AwsSolutionsChecks(app));
  return app;
}

if (import.meta.main) {
  buildApp(new App({ context: cdkJsonContext() })).synth();
}
