import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { App, type Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { afterAll } from 'vitest';
import { buildApp } from '../../infra/app.ts';
import { cdkJsonContext } from '../../infra/cdk-json.ts';

export { cdkJsonContext };

/**
 * Where test apps write their cloud assembly: one temporary folder per test file, removed
 * after it (without an outdir, CDK makes a `cdk.out*` folder in the temp dir per app and
 * leaves it there).
 */
let outdirRoot: string | undefined;
afterAll(() => {
  if (outdirRoot !== undefined) rmSync(outdirRoot, { recursive: true, force: true });
  outdirRoot = undefined;
});
function testOutdir(): string {
  outdirRoot ??= mkdtempSync(join(tmpdir(), 'watchkeeper-test-cdk-'));
  return mkdtempSync(join(outdirRoot, 'app-'));
}

/**
 * A test app: cdk.json's flags, bundling skipped for every stack (no esbuild run; the
 * template still names the runtime and handler), and the given deployment config.
 */
export function testApp(config: unknown = {}, extraContext: Record<string, unknown> = {}): App {
  return new App({
    outdir: testOutdir(),
    context: {
      ...cdkJsonContext(),
      'aws:cdk:bundling-stacks': [],
      watchkeeper: config,
      ...extraContext,
    },
  });
}

export interface SynthesizedApp {
  app: App;
  stack(name: string): Stack;
  /** Synthesizes (running cdk-nag: throws on any unacknowledged finding) and returns the template. */
  template(name: string): Template;
}

/** Builds the real app (infra/app.ts, with cdk-nag) for a config. */
export function synth(config: unknown = {}): SynthesizedApp {
  const app = buildApp(testApp(config));
  const stack = (name: string): Stack => {
    const found = app.node.tryFindChild(name);
    if (!found)
      throw new Error(`no stack ${name}; stacks: ${app.node.children.map((c) => c.node.id).join(', ')}`);
    return found as Stack;
  };
  const templates = new Map<string, Template>();
  return {
    app,
    stack,
    template(name) {
      let template = templates.get(name);
      if (!template) {
        template = Template.fromStack(stack(name));
        templates.set(name, template);
      }
      return template;
    },
  };
}

/** A config that turns every optional feature on. */
export const FULL_CONFIG = {
  stackName: 'Watchkeeper',
  schedule: { expression: 'cron(30 3 * * ? *)', timeZone: 'Europe/Berlin' },
  scan: {
    maxConcurrency: 50,
    memoryMb: 3008,
    timeoutMinutes: 12,
    vpc: {
      vpcId: 'vpc-0123456789abcdef0',
      subnetIds: ['subnet-0123456789abcdef0', 'subnet-0123456789abcdef1'],
      securityGroupIds: ['sg-0123456789abcdef0'],
    },
  },
  fleet: {
    accounts: [{ accountId: '111122223333' }, { accountId: '444455556666' }],
    regions: ['eu-west-1', 'us-east-1'],
    exclude: { tags: { 'watchkeeper/skip': 'true' } },
  },
  memberAccess: { externalId: 'watchkeeper-test-external-id', organizationId: 'o-abcdefghij' },
  memberStackSet: { organizationalUnitIds: ['ou-abcd-12345678'], region: 'eu-west-1' },
  accessEntries: ['prod-eu'],
  email: {
    from: 'watchkeeper@example.com',
    to: ['security@example.com', 'soc@example.org'],
    domain: 'example.com',
  },
  reportBaseUrl: 'https://watchkeeper.example.com',
  logRetentionDays: 180,
  results: { scanRetentionDays: 730, noncurrentVersionRetentionDays: 14 },
  policy: { params: { versionSupportWarningDays: 30 } },
} as const;

type Json = string | number | boolean | null | Json[] | { [key: string]: Json };

export interface PolicyStatementJson {
  Effect: string;
  Action: string | string[];
  Resource: Json;
  Condition?: Record<string, Record<string, Json>>;
}

/** Every Allow statement of every IAM policy and inline role policy of a template. */
export function allowStatements(template: Template): { resource: string; statement: PolicyStatementJson }[] {
  const out: { resource: string; statement: PolicyStatementJson }[] = [];
  const add = (resource: string, document: { Statement: PolicyStatementJson[] }) => {
    for (const statement of document.Statement) {
      if (statement.Effect === 'Allow') out.push({ resource, statement });
    }
  };
  for (const [id, policy] of Object.entries(template.findResources('AWS::IAM::Policy'))) {
    add(id, policy.Properties.PolicyDocument);
  }
  for (const [id, role] of Object.entries(template.findResources('AWS::IAM::Role'))) {
    for (const inline of role.Properties.Policies ?? []) add(id, inline.PolicyDocument);
  }
  return out;
}

export function actionsOf(statement: PolicyStatementJson): string[] {
  return Array.isArray(statement.Action) ? statement.Action : [statement.Action];
}

/** The statements of the policy attached to the role whose logical id starts with `rolePrefix`. */
export function roleStatements(template: Template, rolePrefix: string): PolicyStatementJson[] {
  const roles = Object.keys(template.findResources('AWS::IAM::Role')).filter((id) =>
    id.startsWith(rolePrefix),
  );
  if (roles.length !== 1) throw new Error(`expected one role ${rolePrefix}*, found ${roles.join(', ')}`);
  const [role] = roles;
  const statements: PolicyStatementJson[] = [];
  for (const policy of Object.values(template.findResources('AWS::IAM::Policy'))) {
    const refs = (policy.Properties.Roles ?? []) as { Ref: string }[];
    if (refs.some((ref) => ref.Ref === role)) statements.push(...policy.Properties.PolicyDocument.Statement);
  }
  return statements;
}

/** The state machine definition with its CloudFormation references replaced by placeholders. */
export function stateMachineDefinition(template: Template): Record<string, unknown> {
  const [machine] = Object.values(template.findResources('AWS::StepFunctions::StateMachine'));
  const body = machine?.Properties.DefinitionString as { 'Fn::Join': [string, Json[]] };
  const text = body['Fn::Join'][1].map((part) => (typeof part === 'string' ? part : '<ref>')).join('');
  return JSON.parse(text) as Record<string, unknown>;
}
