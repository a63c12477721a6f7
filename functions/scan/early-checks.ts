import { type CheckRun, runCheck } from '../core/engine.ts';
import type { ReadKind } from '../core/kinds.ts';
import type { Check, CheckParams, ClusterSnapshot } from '../core/model.ts';

/**
 * Runs each check as soon as every kind it reads is in the snapshot, while the collector is
 * still reading the rest. A large cluster's Pods are listed page after page long after every
 * other kind is in (at 10,000 Pods the last 0.7 s of a 2 s collection), and between pages the
 * main thread waits for the API server: the checks that need no Pods (RBAC, network policies,
 * nodes, the EKS settings) run in that time instead of after it. One check per turn of the
 * event loop, so pages are still handled as they arrive. What has not run when collection
 * ends runs in `evaluate`, which also keeps the last word on gaps.
 *
 *     const early = new EarlyChecks(checks, policy.params);
 *     const snapshot = await collectSnapshot({ ..., onKindRead: early.onKindRead });
 *     evaluate({ ..., snapshot, ran: early.finish(snapshot) });
 */
export class EarlyChecks {
  readonly #params: Readonly<CheckParams>;
  /** Checks still waiting for a kind they read. */
  #waiting: readonly Check[];
  /** Checks whose kinds are all read, in registry order. */
  readonly #ready: Check[] = [];
  readonly #read = new Set<ReadKind>();
  readonly #ran = new Map<Check, CheckRun>();
  #snapshot: ClusterSnapshot | undefined;
  #immediate: NodeJS.Immediate | undefined;
  #finished = false;

  constructor(checks: readonly Check[], params: Readonly<CheckParams>) {
    this.#waiting = checks;
    this.#params = params;
  }

  /** For `collectSnapshot`'s `onKindRead`: the kind is in `snapshot` whole, without a gap. */
  readonly onKindRead = (kind: ReadKind, snapshot: ClusterSnapshot): void => {
    if (this.#finished) return;
    if (this.#snapshot === undefined) this.#snapshot = snapshot;
    if (this.#snapshot !== snapshot) {
      // One collection per instance: runs over two snapshots could never be told apart.
      this.#stop();
      this.#ran.clear();
      return;
    }
    this.#read.add(kind);
    const waiting: Check[] = [];
    for (const check of this.#waiting) {
      (check.reads.every((read) => this.#read.has(read)) ? this.#ready : waiting).push(check);
    }
    this.#waiting = waiting;
    this.#schedule();
  };

  /**
   * Stops running checks and gives the runs so far, for `evaluate`'s `ran`; none unless they
   * were run over `snapshot` itself.
   */
  finish(snapshot: ClusterSnapshot): ReadonlyMap<Check, CheckRun> {
    this.#stop();
    return snapshot === this.#snapshot ? this.#ran : new Map();
  }

  #stop(): void {
    this.#finished = true;
    if (this.#immediate !== undefined) clearImmediate(this.#immediate);
    this.#immediate = undefined;
  }

  #schedule(): void {
    if (this.#immediate === undefined && this.#ready.length > 0 && !this.#finished) {
      this.#immediate = setImmediate(this.#runNext);
    }
  }

  readonly #runNext = (): void => {
    this.#immediate = undefined;
    const check = this.#ready.shift();
    const snapshot = this.#snapshot;
    if (check === undefined || snapshot === undefined || this.#finished) return;
    this.#ran.set(check, runCheck(check, snapshot, this.#params));
    this.#schedule();
  };
}
