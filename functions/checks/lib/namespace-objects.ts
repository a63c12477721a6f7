import type { CheckParams, Outcome, Snapshot } from '../../core/model.ts';
import { groupBy, namespaceOf } from './group.ts';
import { namespacesInScope } from './network.ts';
import { fail, pass, systemNamespaceLeftOut } from './outcomes.ts';

export interface NamespaceObjectsRule {
  /** The objects each namespace must hold at least one of. */
  objects: readonly { readonly metadata: { readonly name: string; readonly namespace?: string } }[];
  /** `LimitRange`, `ResourceQuota`. */
  kind: string;
  /** The evidence key that lists the objects found (`limitRanges`). */
  evidenceKey: string;
  /** Why a namespace without one is a problem, after "Namespace x has no <kind>: ". */
  consequence: string;
}

/**
 * One outcome per namespace: pass when it holds an object of the kind (naming them), fail
 * when it holds none; system namespaces (params.systemNamespaces) are not applicable.
 */
export function namespacesHoldingObjects(
  snapshot: Snapshot,
  params: Readonly<CheckParams>,
  rule: NamespaceObjectsRule,
): Outcome[] {
  const byNamespace = groupBy(rule.objects, namespaceOf);
  const { inScope, exempt } = namespacesInScope(snapshot, params);
  const outcomes: Outcome[] = [];
  for (const namespace of inScope) {
    const resource = { apiVersion: 'v1', kind: 'Namespace', name: namespace };
    const names = (byNamespace.get(namespace) ?? []).map((object) => object.metadata.name);
    outcomes.push(
      names.length > 0
        ? pass(resource, `Namespace ${namespace} has ${rule.kind} ${names.join(', ')}.`, {
            evidence: { [rule.evidenceKey]: names.join(', ') },
          })
        : fail(resource, `Namespace ${namespace} has no ${rule.kind}: ${rule.consequence}`, {
            evidence: { [rule.evidenceKey]: 0 },
          }),
    );
  }
  for (const namespace of exempt) {
    outcomes.push(systemNamespaceLeftOut(namespace));
  }
  return outcomes;
}
