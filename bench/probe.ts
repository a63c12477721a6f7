import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { CHECKS } from '../functions/checks/index.ts';
import { rbacView } from '../functions/checks/lib/rbac.ts';
import { workloads } from '../functions/checks/lib/workloads.ts';
import type { ClusterSnapshot } from '../functions/core/model.ts';
import { DEFAULT_PARAMS } from '../functions/core/params.ts';

/**
 * The scaling probe: each registered check's `evaluate` timed alone on one snapshot, so checks
 * can be compared across cluster sizes. What checks share through per-snapshot caches (the
 * pod specs of `workloads()`, the RBAC view) is timed first as its own lines, so no check is
 * charged for it.
 */

export const SHARED_WORKLOADS = 'shared: workloads()';
export const SHARED_RBAC_VIEW = 'shared: rbacView()';

/**
 * A full garbage collection between checks, so no check pays for the garbage of the one
 * before it (the flag is set at run time, so `npm run bench` needs no node option).
 */
function collectGarbage(): () => void {
  setFlagsFromString('--expose-gc');
  const gc = runInNewContext('gc') as unknown;
  return typeof gc === 'function' ? (gc as () => void) : () => undefined;
}

/** Runs of a check stop after this many, or once they have taken this long together. */
const MAX_REPEATS = 3;
const REPEAT_BUDGET_MS = 3_000;

export interface CheckTiming {
  id: string;
  /** Best of `repeats` runs, in ms. */
  ms: number;
  outcomes: number;
}

function timeOnce(run: () => number): { ms: number; outcomes: number } {
  const started = performance.now();
  const outcomes = run();
  return { ms: performance.now() - started, outcomes };
}

/** Each check timed alone: the best of up to three runs (one when a run is slow), after a full GC. */
export function timeChecks(snapshot: ClusterSnapshot): CheckTiming[] {
  const gc = collectGarbage();
  const timings: CheckTiming[] = [];
  // A new snapshot object holding the same lists: the per-snapshot caches (the pod specs of
  // `workloads()`, the RBAC view) start empty, are timed once as their own lines, and then
  // serve every check as they do in a scan.
  const probe: ClusterSnapshot = { ...snapshot };
  gc();
  const shared = timeOnce(() => workloads(probe).length);
  timings.push({ id: SHARED_WORKLOADS, ms: shared.ms, outcomes: shared.outcomes });
  gc();
  const view = timeOnce(() => rbacView(probe, DEFAULT_PARAMS.rbacIgnoredPrefixes).bindings.length);
  timings.push({ id: SHARED_RBAC_VIEW, ms: view.ms, outcomes: view.outcomes });
  for (const check of CHECKS) {
    let best = Number.POSITIVE_INFINITY;
    let spent = 0;
    let outcomes = 0;
    for (let i = 0; i < MAX_REPEATS && spent < REPEAT_BUDGET_MS; i++) {
      gc();
      let result: { ms: number; outcomes: number };
      try {
        result = timeOnce(() => check.evaluate(probe, DEFAULT_PARAMS).length);
      } catch {
        result = { ms: 0, outcomes: 0 };
      }
      best = Math.min(best, result.ms);
      spent += result.ms;
      outcomes = result.outcomes;
    }
    timings.push({ id: check.id, ms: best, outcomes });
  }
  return timings;
}

export interface ScalingRow {
  id: string;
  smallMs: number;
  largeMs: number;
  ratio: number;
  /** The ratio an O(n log n) check would show at most (with slack), for this pair of sizes. */
  limit: number;
  flagged: boolean;
  largeOutcomes: number;
}

/**
 * Compares timings at two sizes `n` apart by `sizeRatio`: an O(n log n) check grows by
 * `sizeRatio × log(nLarge)/log(nSmall)`. A check is flagged when it grows faster than that,
 * times 1.5 (a larger heap makes every allocation dearer: linear pod checks measure ×17–×40
 * from 10k to 150k pods, the spread of millisecond timings), and when what it takes beyond
 * that growth is worth noticing (`minExcessMs` at the large size). A quadratic check grows
 * ×15 more than the limit and takes seconds more.
 */
export function compareScaling(
  small: readonly CheckTiming[],
  large: readonly CheckTiming[],
  sizes: { small: number; large: number },
  minExcessMs = 250,
): ScalingRow[] {
  const sizeRatio = sizes.large / sizes.small;
  const limit = sizeRatio * (Math.log(sizes.large) / Math.log(sizes.small)) * 1.5;
  const bySmall = new Map(small.map((t) => [t.id, t]));
  return large
    .map((t) => {
      const smallMs = bySmall.get(t.id)?.ms ?? 0;
      // Sub-0.05 ms timings are timer noise: compare against that floor instead.
      const ratio = t.ms / Math.max(smallMs, 0.05);
      return {
        id: t.id,
        smallMs,
        largeMs: t.ms,
        ratio,
        limit,
        flagged: ratio > limit && t.ms - Math.max(smallMs, 0.05) * limit > minExcessMs,
        largeOutcomes: t.outcomes,
      };
    })
    .sort((a, b) => b.largeMs - a.largeMs);
}
