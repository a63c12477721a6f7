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

/**
 * `compute`'s answer for each object, remembered as long as the object lives: for answers
 * derived from objects nothing changes once made (a snapshot's resources and workloads), asked
 * for by many checks. Answers are shared by every caller.
 */
export function memoisedByObject<K extends object, V>(compute: (key: K) => V): (key: K) => V {
  const known = new WeakMap<K, V>();
  return (key) => {
    let value = known.get(key);
    if (value === undefined) {
      value = compute(key);
      known.set(key, value);
    }
    return value;
  };
}
