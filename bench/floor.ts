// undici is client-node's HTTP library (a dependency of @kubernetes/client-node).
import { Agent } from 'undici';
import { DEFAULT_CONCURRENCY, listingOrder } from '../functions/collect/collector.ts';
import { listPathOf } from '../functions/collect/kube-reader.ts';
import { DEFAULT_PAGE_SIZE, DEFAULT_RETRY_POLICY } from '../functions/collect/list-kind.ts';
import type { K8sKind } from '../functions/core/kinds.ts';

/**
 * The floor a scan is compared with: the time to fetch the very lists the collector fetches
 * and do nothing with them but `JSON.parse`.
 *
 * What makes it fair: the same emulator process and objects, the same kinds in the same order
 * (`listingOrder`), the same page size (`limit=500` with `continue`), the same concurrency
 * (`DEFAULT_CONCURRENCY` kinds at a time, pages of one kind in sequence), the same transport
 * (one keep-alive undici pool that verifies the emulator's CA, read with its `request()` as
 * the collector does), and the same bearer token provider (an EKS token the emulator verifies
 * on every request). What it leaves out is exactly what the scan adds: client-node's request
 * preparation, retries and deadlines, projection, redaction, and everything after collection.
 */

export interface FloorInput {
  url: string;
  /** Base64 PEM of the emulator's CA. */
  caData: string;
  token: () => Promise<string>;
  kinds: readonly K8sKind[];
  pageSize?: number;
  concurrency?: number;
}

export interface FloorResult {
  ms: number;
  objects: number;
  bytes: number;
  requests: number;
  /** Page requests tried again after a reset connection. */
  retries: number;
}

export async function measureFloor(input: FloorInput): Promise<FloorResult> {
  const dispatcher = new Agent({ connect: { ca: Buffer.from(input.caData, 'base64').toString('utf8') } });
  const pageSize = input.pageSize ?? DEFAULT_PAGE_SIZE;
  const queue = listingOrder(input.kinds);
  let objects = 0;
  let bytes = 0;
  let requests = 0;
  let retries = 0;

  // A connection the server reset is tried again, as the collector retries it
  // (DEFAULT_RETRY_POLICY): a busy emulator at 150k pods occasionally drops one.
  const getPage = async (url: URL): Promise<{ statusCode: number; text: string }> => {
    for (let attempt = 1; ; attempt++) {
      try {
        const response = await dispatcher.request({
          origin: url.origin,
          path: `${url.pathname}${url.search}`,
          method: 'GET',
          headers: {
            Accept: 'application/json',
            'User-Agent': 'watchkeeper-floor',
            Authorization: `Bearer ${await input.token()}`,
          },
        });
        return { statusCode: response.statusCode, text: await response.body.text() };
      } catch (error) {
        if (attempt >= DEFAULT_RETRY_POLICY.maxAttempts) throw error;
        retries += 1;
      }
    }
  };

  const listKind = async (kind: K8sKind): Promise<void> => {
    let continueToken: string | undefined;
    for (;;) {
      const url = new URL(listPathOf(kind), input.url);
      url.searchParams.set('limit', String(pageSize));
      if (continueToken) url.searchParams.set('continue', continueToken);
      const { statusCode, text } = await getPage(url);
      requests += 1;
      if (statusCode !== 200) throw new Error(`GET ${url.pathname}: HTTP ${statusCode}`);
      bytes += text.length;
      const page = JSON.parse(text) as { items?: unknown[]; metadata?: { continue?: string } };
      objects += page.items?.length ?? 0;
      continueToken = page.metadata?.continue;
      if (!continueToken) return;
    }
  };

  const started = performance.now();
  const worker = async (): Promise<void> => {
    for (let kind = queue.shift(); kind !== undefined; kind = queue.shift()) await listKind(kind);
  };
  try {
    await Promise.all(
      Array.from({ length: Math.min(input.concurrency ?? DEFAULT_CONCURRENCY, queue.length) }, worker),
    );
  } finally {
    await dispatcher.close();
  }
  return { ms: performance.now() - started, objects, bytes, requests, retries };
}
