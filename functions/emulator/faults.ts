import type { K8sKind } from '../core/kinds.ts';

/**
 * Injected failures, to test that a collector turns every way a read can go wrong into a
 * gap or a retry rather than a silent empty list.
 */
export interface Fault {
  /** Matches requests for this kind (resolved from the path). */
  kind?: K8sKind;
  /** Matches requests whose path starts with this. Both given: both must match. */
  pathPrefix?: string;
  /**
   * `throttle` → 429 TooManyRequests with Retry-After; `error` → 500 (or `status`)
   * InternalError; `slow` → wait `delayMs`, then answer normally; `drop` → close the socket
   * without an answer.
   */
  type: 'throttle' | 'error' | 'slow' | 'drop';
  /** How many matching requests it hits; default: all of them. */
  times?: number;
  retryAfterSeconds?: number;
  delayMs?: number;
  status?: number;
}

export interface FaultPlan {
  /** Sum of the delays of every matching `slow` fault. */
  delayMs: number;
  /** The first matching fault that replaces the answer, if any. */
  terminal: Fault | undefined;
}

interface ArmedFault {
  fault: Fault;
  remaining: number;
}

export class FaultInjector {
  #armed: ArmedFault[] = [];

  constructor(faults: readonly Fault[] = []) {
    this.set(faults);
  }

  /** Replaces every fault, with fresh `times` counters. */
  set(faults: readonly Fault[]): void {
    this.#armed = faults.map((fault) => ({
      fault: { ...fault },
      remaining: fault.times ?? Number.POSITIVE_INFINITY,
    }));
  }

  /** Decides what happens to one request, using up one `times` of each fault that fires. */
  plan(path: string, kind: K8sKind | undefined): FaultPlan {
    const plan: FaultPlan = { delayMs: 0, terminal: undefined };
    for (const armed of this.#armed) {
      const { fault } = armed;
      if (armed.remaining <= 0) continue;
      if (fault.kind !== undefined && fault.kind !== kind) continue;
      if (fault.pathPrefix !== undefined && !path.startsWith(fault.pathPrefix)) continue;
      if (fault.type === 'slow') {
        armed.remaining--;
        plan.delayMs += Math.max(0, fault.delayMs ?? 1000);
        continue;
      }
      if (plan.terminal !== undefined) continue;
      armed.remaining--;
      plan.terminal = fault;
    }
    return plan;
  }
}
