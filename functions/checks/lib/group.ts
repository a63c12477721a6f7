/**
 * Items grouped by a key, each group in the items' order: checks that ask a question per
 * namespace (or per account) look the group up instead of filtering the whole list each time,
 * which would make them quadratic in the size of the cluster.
 */
export function groupBy<T>(items: Iterable<T>, keyOf: (item: T) => string): Map<string, T[]> {
  const groups = new Map<string, T[]>();
  for (const item of items) {
    const key = keyOf(item);
    const group = groups.get(key);
    if (group) group.push(item);
    else groups.set(key, [item]);
  }
  return groups;
}

/** The namespace of a namespaced object, `default` when unset (as the API server defaults it). */
export function namespaceOf(item: {
  readonly metadata: { readonly namespace?: string | undefined };
}): string {
  return item.metadata.namespace ?? 'default';
}
