import {
  Aws,
  CfnCondition,
  CfnOutput,
  CfnParameter,
  DefaultStackSynthesizer,
  Fn,
  Stack,
  type StackProps,
} from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import type { Construct } from 'constructs';
import { acknowledgeWildcardResource } from '../constructs/nag.ts';
import { MEMBER_READ_ACTIONS } from '../constructs/read-actions.ts';

export interface MemberReadRoleStackProps extends StackProps {
  /** Default of the RoleName parameter; the scanner assumes this name in every member account. */
  readonly roleName: string;
  /** Default of the ExternalId parameter (none: it must be given at deployment). */
  readonly externalId?: string;
  /** Default of the OrganizationId parameter (none: no `aws:PrincipalOrgID` condition). */
  readonly organizationId?: string;
  /** Default of the ScannerPrincipalArns parameter: the central discover and scan-cluster roles. */
  readonly scannerPrincipalArns?: readonly string[];
}

/**
 * The `ExternalId` parameter of a role the central stack assumes: the value its trust requires
 * (`sts:ExternalId`), without a default when the config gives none.
 */
export function externalIdParameter(
  scope: Stack,
  value: string | undefined,
  configField: string,
): CfnParameter {
  return new CfnParameter(scope, 'ExternalId', {
    type: 'String',
    ...(value === undefined ? {} : { default: value }),
    minLength: 2,
    maxLength: 1224,
    allowedPattern: '[\\w+=,.@:/-]*',
    description: `Must equal ${configField} of the central deployment (confused-deputy guard)`,
  });
}

/** A principal whose ARNs come from a CommaDelimitedList parameter (unknown count at synth). */
class ArnListPrincipal extends iam.PrincipalBase {
  readonly arns: string[];
  constructor(arns: string[]) {
    super();
    this.arns = arns;
  }
  get policyFragment(): iam.PrincipalPolicyFragment {
    return new iam.PrincipalPolicyFragment({ AWS: this.arns });
  }
  override dedupeString(): string | undefined {
    return undefined;
  }
  override toString(): string {
    return 'ArnListPrincipal(ScannerPrincipalArns)';
  }
}

/**
 * The read role Watchkeeper assumes in a member account: read-only EKS, EC2 and Auto Scaling
 * API actions (all listed; reference/aws-notes.md §5.8), trusted only by the central scanner
 * roles, only with the agreed external id and, optionally, only from inside the organization.
 *
 * Everything that differs between deployments is a CloudFormation parameter, so the one
 * synthesized template serves every account of a service-managed StackSet. It needs no CDK
 * bootstrap in member accounts (no assets, no bootstrap version rule).
 *
 * IAM is global: deploy ONE stack instance per account (one region), or the fixed role name
 * collides.
 */
export class MemberReadRoleStack extends Stack {
  readonly role: iam.Role;

  constructor(scope: Construct, id: string, props: MemberReadRoleStackProps) {
    super(scope, id, {
      ...props,
      synthesizer: props.synthesizer ?? new DefaultStackSynthesizer({ generateBootstrapVersionRule: false }),
      description:
        props.description ?? 'Watchkeeper member-account read role (read-only EKS/EC2 for the fleet scanner)',
    });

    const roleName = new CfnParameter(this, 'RoleName', {
      type: 'String',
      default: props.roleName,
      allowedPattern: '[\\w+=,.@-]{1,64}',
      description: 'Name of the read role; must equal memberAccess.roleName of the central deployment',
    });
    const principals = new CfnParameter(this, 'ScannerPrincipalArns', {
      type: 'CommaDelimitedList',
      ...(props.scannerPrincipalArns?.length ? { default: props.scannerPrincipalArns.join(',') } : {}),
      description:
        'The ScannerPrincipalArns output of the central Watchkeeper stack (discover and scan-cluster roles)',
    });
    const externalId = externalIdParameter(this, props.externalId, 'memberAccess.externalId');
    const organizationId = new CfnParameter(this, 'OrganizationId', {
      type: 'String',
      default: props.organizationId ?? '',
      allowedPattern: '(o-[a-z0-9]{10,32})?',
      description: 'Optional: only principals of this AWS Organization may assume the role',
    });
    const hasOrganization = new CfnCondition(this, 'HasOrganizationId', {
      expression: Fn.conditionNot(Fn.conditionEquals(organizationId.valueAsString, '')),
    });

    const trust = new ArnListPrincipal(principals.valueAsList).withConditions({
      StringEquals: {
        'sts:ExternalId': externalId.valueAsString,
        'aws:PrincipalOrgID': Fn.conditionIf(
          hasOrganization.logicalId,
          organizationId.valueAsString,
          Aws.NO_VALUE,
        ).toString(),
      },
    });

    this.role = new iam.Role(this, 'ReadRole', {
      roleName: roleName.valueAsString,
      description: 'Watchkeeper fleet scanner: read-only EKS, EC2 and Auto Scaling',
      assumedBy: trust,
      // Role chaining caps the session at 1 h whatever this says; 1 h is also the default.
      inlinePolicies: {
        WatchkeeperRead: new iam.PolicyDocument({
          statements: [new iam.PolicyStatement({ actions: [...MEMBER_READ_ACTIONS], resources: ['*'] })],
        }),
      },
    });
    acknowledgeWildcardResource(
      this.role,
      '*',
      'The member read role lists and describes every EKS cluster, node group, add-on and access entry of its account, and the node launch templates and instances behind them, which are unknown until run time; every action is read-only and named (no action wildcards). ListClusters, DescribeRegions and DescribeAddonVersions support no resource-level permissions.',
    );

    new CfnOutput(this, 'ReadRoleArn', {
      value: this.role.roleArn,
      description: 'Principal ARN for the access entries of this account’s clusters',
    });
  }
}
