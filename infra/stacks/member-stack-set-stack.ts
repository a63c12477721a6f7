import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { App, Fn, Stack, type StackProps } from 'aws-cdk-lib';
import * as cloudformation from 'aws-cdk-lib/aws-cloudformation';
import type { Construct } from 'constructs';
import { MemberReadRoleStack, type MemberReadRoleStackProps } from './member-read-role-stack.ts';

export interface MemberStackSetStackProps extends StackProps {
  readonly member: Omit<MemberReadRoleStackProps, 'scannerPrincipalArns'>;
  /** The central scanner roles (may be tokens of the central stack when both share an account). */
  readonly scannerPrincipalArns: readonly string[];
  readonly externalId: string;
  readonly organizationId?: string;
  readonly organizationalUnitIds: readonly string[];
  /** The one region each account gets its stack instance in (IAM is global). */
  readonly region: string;
  readonly callAs: 'SELF' | 'DELEGATED_ADMIN';
}

/**
 * Synthesizes the member read role stack on its own (a separate, throw-away CDK app with the
 * given feature flags) and returns its template, for a StackSet's TemplateBody.
 */
export function memberReadRoleTemplate(
  props: MemberReadRoleStackProps,
  context: Record<string, unknown> = {},
): string {
  // An explicit outdir: under `cdk synth` CDK_OUTDIR names the real cloud assembly, which a
  // second App must not write into.
  const outdir = mkdtempSync(join(tmpdir(), 'watchkeeper-member-'));
  try {
    const app = new App({ outdir, context });
    const stack = new MemberReadRoleStack(app, 'WatchkeeperMemberReadRole', props);
    const template: unknown = app.synth().getStackArtifact(stack.artifactId).template;
    return JSON.stringify(template);
  } finally {
    rmSync(outdir, { recursive: true, force: true });
  }
}

/**
 * A service-managed StackSet that puts the member read role in every account of the given
 * organizational units, including accounts that join later (auto-deployment). Deploy this
 * stack in the management account or a StackSets delegated administrator (callAs
 * DELEGATED_ADMIN). Service-managed StackSets never deploy to the management account itself;
 * deploy MemberReadRoleStack there directly if it runs clusters.
 * https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/stacksets-orgs-manage-auto-deployment.html
 */
export class MemberStackSetStack extends Stack {
  readonly stackSet: cloudformation.CfnStackSet;

  constructor(scope: Construct, id: string, props: MemberStackSetStackProps) {
    super(scope, id, props);
    this.stackSet = new cloudformation.CfnStackSet(this, 'MemberReadRole', {
      stackSetName: 'watchkeeper-member-read-role',
      description: 'Watchkeeper member-account read role',
      permissionModel: 'SERVICE_MANAGED',
      autoDeployment: { enabled: true, retainStacksOnAccountRemoval: false },
      callAs: props.callAs,
      capabilities: ['CAPABILITY_NAMED_IAM'],
      managedExecution: { Active: true },
      operationPreferences: {
        failureTolerancePercentage: 10,
        maxConcurrentPercentage: 25,
        regionConcurrencyType: 'SEQUENTIAL',
      },
      // The same feature flags as this app, so the StackSet deploys what MemberReadRoleStack
      // synthesizes here.
      templateBody: memberReadRoleTemplate(props.member, featureFlags(this.node.getAllContext())),
      parameters: [
        {
          parameterKey: 'ScannerPrincipalArns',
          parameterValue: Fn.join(',', [...props.scannerPrincipalArns]),
        },
        { parameterKey: 'ExternalId', parameterValue: props.externalId },
        { parameterKey: 'OrganizationId', parameterValue: props.organizationId ?? '' },
      ],
      stackInstancesGroup: [
        {
          deploymentTargets: { organizationalUnitIds: [...props.organizationalUnitIds] },
          regions: [props.region],
        },
      ],
    });
  }
}

/** Context without the CDK's own `aws:cdk:*` keys (bundling, path metadata, …). */
function featureFlags(context: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(context).filter(([key]) => !key.startsWith('aws:cdk:')));
}
