/**
 * Items grouped by a key, each group in the items' order: code that asks a question per
 * namespace, account or resource looks the group up instead of filtering the whole list each
 * time, which would make it quadratic in the size of the cluster.
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
