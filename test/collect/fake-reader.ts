import type { KubeListPage, KubeListRequest, KubeReader } from '../../functions/collect/kube-reader.ts';
import { KubeReadError } from '../../functions/collect/kube-reader.ts';
import type { K8sKind } from '../../functions/core/kinds.ts';

export interface FakeCall {
  kind: K8sKind;
  limit: number;
  continueToken?: string;
}

/** What a scripted call does instead of answering: throw this error, or wait first. */
export type FakeStep = KubeReadError | { delayMs: number };

/**
 * An in-memory KubeReader: every kind holds `objects[kind]` (default none), paged with an
 * index continue token, and `script[kind]` lists what each successive call does first.
 */
export class FakeKubeReader implements KubeReader {
  readonly server = 'https://fake.invalid';
  readonly calls: FakeCall[] = [];
  readonly objects: Partial<Record<K8sKind, unknown[]>>;
  readonly script: Partial<Record<K8sKind, FakeStep[]>>;
  inFlight = 0;
  maxInFlight = 0;

  constructor(
    objects: Partial<Record<K8sKind, unknown[]>> = {},
    script: Partial<Record<K8sKind, FakeStep[]>> = {},
  ) {
    this.objects = objects;
    this.script = script;
  }

  async listPage(kind: K8sKind, request: KubeListRequest): Promise<KubeListPage> {
    this.calls.push({
      kind,
      limit: request.limit,
      ...(request.continueToken ? { continueToken: request.continueToken } : {}),
    });
    this.inFlight += 1;
    this.maxInFlight = Math.max(this.maxInFlight, this.inFlight);
    try {
      await new Promise((resolve) => setImmediate(resolve));
      const step = this.script[kind]?.shift();
      if (step instanceof KubeReadError) throw step;
      if (step) await abortableDelay(step.delayMs, request.signal);
      const all = this.objects[kind] ?? [];
      const start = request.continueToken ? Number(request.continueToken) : 0;
      const end = Math.min(all.length, start + request.limit);
      return { items: all.slice(start, end), ...(end < all.length ? { continueToken: String(end) } : {}) };
    } finally {
      this.inFlight -= 1;
    }
  }

  async close(): Promise<void> {}
}

function abortableDelay(ms: number, signal: AbortSignal | undefined): Promise<void> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(resolve, ms);
    signal?.addEventListener(
      'abort',
      () => {
        clearTimeout(timer);
        reject(new KubeReadError('stopped at the deadline', { failure: 'aborted' }));
      },
      { once: true },
    );
  });
}

export function httpError(status: number, extra: { retryAfterSeconds?: number; statusReason?: string } = {}) {
  return new KubeReadError(`HTTP ${status}`, { failure: 'http', status, ...extra });
}

export function networkError(code = 'ECONNRESET') {
  return new KubeReadError(`connection failed (${code})`, { failure: 'network', code });
}

export function named(kind: string, count: number, namespace = 'default'): unknown[] {
  return Array.from({ length: count }, (_, index) => ({
    metadata: { name: `${kind}-${index}`, namespace },
  }));
}
