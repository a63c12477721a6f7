import { Stack, Validations } from 'aws-cdk-lib';
import type { IConstruct } from 'constructs';

/**
 * cdk-nag 3 acknowledgements, always one finding at a time and always with a reason that says
 * why this resource needs it (test/infra/nag.test.ts rejects short or repeated reasons).
 * An acknowledgement applies to the construct it is made on and everything below it, so make
 * it on the narrowest construct that owns the finding (a role, a bucket), never on the stack.
 */
export function acknowledgeRule(scope: IConstruct, rule: string, reason: string): void {
  const id = `AwsSolutions-${rule}`;
  // One finding may be needed for several reasons (a role's `Resource::*` serves X-Ray and
  // the EKS reads): acknowledge it again with every reason, the last record wins.
  let byId = reasons.get(scope);
  if (!byId) {
    byId = new Map();
    reasons.set(scope, byId);
  }
  const all = byId.get(id) ?? [];
  if (!all.includes(reason)) all.push(reason);
  byId.set(id, all);
  Validations.of(scope).acknowledge({ id, reason: all.join(' Also: ') });
}

const reasons = new WeakMap<IConstruct, Map<string, string[]>>();

/**
 * Acknowledges IAM5 for one wildcard resource. `resource` may hold tokens (a bucket ARN plus
 * `/scans/*`); it is resolved and flattened the way cdk-nag names the finding, e.g.
 * `Resource::<ResultsBucket1234.Arn>/scans/*`.
 */
export function acknowledgeWildcardResource(scope: IConstruct, resource: string, reason: string): void {
  const flat = flattenReference(Stack.of(scope).resolve(resource));
  acknowledgeRule(scope, `IAM5[Resource::${flat}]`, reason);
}

/** Acknowledges IAM5 for one wildcard action such as `kms:GenerateDataKey*`. */
export function acknowledgeWildcardAction(scope: IConstruct, action: string, reason: string): void {
  acknowledgeRule(scope, `IAM5[Action::${action}]`, reason);
}

type CfnValue = string | number | boolean | null | undefined | CfnValue[] | { [key: string]: CfnValue };

/** Mirrors cdk-nag's `flattenCfnReference` (lib/utils/flatten-cfn-reference.js in cdk-nag 3.0.2). */
function flattenReference(node: unknown): string {
  const value = node as CfnValue;
  if (value === undefined) return '';
  if (typeof value === 'string') return value.replace(/\$\{/g, '<').replace(/}/g, '>');
  if (value !== null && typeof value === 'object' && !Array.isArray(value)) {
    const join = value['Fn::Join'];
    if (Array.isArray(join)) {
      const [delimiter, items] = join as [string, CfnValue[]];
      return items.map(flattenReference).join(delimiter);
    }
    if (value['Fn::Sub'] !== undefined) return flattenReference(value['Fn::Sub']);
    const getAtt = value['Fn::GetAtt'];
    if (Array.isArray(getAtt)) return `<${flattenReference(getAtt[0])}.${flattenReference(getAtt[1])}>`;
    if (value['Fn::ImportValue'] !== undefined) return flattenReference(value['Fn::ImportValue']);
    if (value.Ref !== undefined) return `<${flattenReference(value.Ref)}>`;
  }
  return JSON.stringify(value);
}
