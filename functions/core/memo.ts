/**
 * `compute`'s answer for each key, worked out once and remembered in a map that is emptied when
 * it holds `max` keys: for answers asked for again and again across a large cluster (an image
 * reference by every check that reads images, a pattern by every name it is tried on), where
 * the keys may come from a cluster and so must not grow without bound. Answers are shared by
 * every caller: freeze them when they are objects.
 */
export function memoised<K, V>(compute: (key: K) => V, max: number): (key: K) => V {
  const known = new Map<K, V>();
  return (key) => {
    let value = known.get(key);
    if (value === undefined) {
      if (known.size >= max) known.clear();
      value = compute(key);
      known.set(key, value);
    }
    return value;
  };
}
