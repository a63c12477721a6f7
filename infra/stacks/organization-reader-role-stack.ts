import { CfnOutput, CfnParameter, DefaultStackSynthesizer, Stack, type StackProps } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import type { Construct } from 'constructs';
import { acknowledgeWildcardResource } from '../constructs/nag.ts';
import { ORGANIZATION_READ_ACTIONS } from '../constructs/read-actions.ts';
import { externalIdParameter } from './member-read-role-stack.ts';

export interface OrganizationReaderRoleStackProps extends StackProps {
  /** Default of the RoleName parameter. */
  readonly roleName?: string;
  /** Default of the ExternalId parameter (none: it must be given at deployment). */
  readonly externalId?: string;
}

/** The role name the organization reader gets unless told otherwise. */
export const DEFAULT_ORGANIZATION_READER_ROLE_NAME = 'WatchkeeperOrganizationReader';

/**
 * The role discover assumes to list the organization's accounts (`fleet.organization.roleArn`)
 * when the central stack does not run in the management or a delegated administrator account:
 * deploy it there. It may only list accounts and OUs (three named read actions), and only the
 * central discover role may assume it, with the external id.
 *
 * Like the member read role, everything that differs between deployments is a parameter, and
 * the template needs no CDK bootstrap.
 */
export class OrganizationReaderRoleStack extends Stack {
  readonly role: iam.Role;

  constructor(scope: Construct, id: string, props: OrganizationReaderRoleStackProps = {}) {
    super(scope, id, {
      ...props,
      synthesizer: props.synthesizer ?? new DefaultStackSynthesizer({ generateBootstrapVersionRule: false }),
      description:
        props.description ??
        'Watchkeeper organization reader (lists the accounts and OUs of the organization for discovery)',
    });

    const roleName = new CfnParameter(this, 'RoleName', {
      type: 'String',
      default: props.roleName ?? DEFAULT_ORGANIZATION_READER_ROLE_NAME,
      allowedPattern: '[\\w+=,.@-]{1,64}',
      description: 'Name of the reader role; fleet.organization.roleArn of the central deployment names it',
    });
    const discoverRoleArn = new CfnParameter(this, 'DiscoverRoleArn', {
      type: 'String',
      allowedPattern: 'arn:aws[a-z-]*:iam::\\d{12}:role/[\\w+=,.@/-]{1,512}',
      description: 'The DiscoverRoleArn output of the central Watchkeeper stack',
    });
    const externalId = externalIdParameter(this, props.externalId, 'fleet.organization.externalId');

    this.role = new iam.Role(this, 'ReaderRole', {
      roleName: roleName.valueAsString,
      description: 'Watchkeeper discovery: lists the accounts and OUs of the organization',
      assumedBy: new iam.ArnPrincipal(discoverRoleArn.valueAsString).withConditions({
        StringEquals: { 'sts:ExternalId': externalId.valueAsString },
      }),
      inlinePolicies: {
        WatchkeeperOrganizationRead: new iam.PolicyDocument({
          statements: [
            new iam.PolicyStatement({ actions: [...ORGANIZATION_READ_ACTIONS], resources: ['*'] }),
          ],
        }),
      },
    });
    acknowledgeWildcardResource(
      this.role,
      '*',
      'The organization reader lists the accounts of the organization and of OUs named only in the central config; organizations:ListAccounts supports no resource-level permissions, and all three actions are read-only and named.',
    );

    new CfnOutput(this, 'ReaderRoleArn', {
      value: this.role.roleArn,
      description: 'fleet.organization.roleArn of the central deployment',
    });
  }
}
