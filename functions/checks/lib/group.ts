export { groupBy } from '../../core/group-by.ts';

/** The namespace of a namespaced object, `default` when unset (as the API server defaults it). */
export function namespaceOf(item: {
  readonly metadata: { readonly namespace?: string | undefined };
}): string {
  return item.metadata.namespace ?? 'default';
}
