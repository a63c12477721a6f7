import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { markAsUntransferable } from 'node:worker_threads';
import { build } from 'esbuild';
import { afterEach, describe, expect, it } from 'vitest';
import {
  decodePageInPlace,
  PageDecoder,
  PageDecoderLostError,
  type PageDecoderOptions,
} from '../../functions/collect/page-decoder.ts';
import { unreadArrayMembers } from '../../functions/collect/project.ts';

const MANAGED = [
  {
    manager: 'kubectl',
    operation: 'Apply',
    fieldsType: 'FieldsV1',
    fieldsV1: { 'f:spec': { 'f:containers': { 'k:{"name":"app [0]"}': { '.': {} } } } },
  },
];

/** A PodList page of `count` pods, each with managedFields and some text that is not ASCII. */
function page(count: number, tag = 'p'): { text: string; bytes: Uint8Array } {
  const items = Array.from({ length: count }, (_, i) => ({
    metadata: { name: `${tag}-${i}`, namespace: 'café', managedFields: MANAGED },
    spec: { containers: [{ name: 'app [0]', image: 'registry.example/app:1', args: ['→ ünïcode 🚀'] }] },
  }));
  const text = JSON.stringify({ kind: 'PodList', metadata: { continue: '' }, items });
  return { text, bytes: new TextEncoder().encode(text) };
}

/** What the reader must end up parsing: the page without its managedFields. */
function expectedItems(count: number, tag = 'p'): unknown[] {
  return (JSON.parse(page(count, tag).text) as { items: { metadata: object }[] }).items.map((item) => {
    const { managedFields: _dropped, ...metadata } = item.metadata as Record<string, unknown>;
    return { ...item, metadata };
  });
}

/** A program of its own: answers each page with its text, whole. */
const WORKER_ECHO = `const { parentPort } = require('node:worker_threads');
parentPort.on('message', (job) => {
  if (job.type === 'decode') parentPort.postMessage({ id: job.id, text: new TextDecoder().decode(job.bytes) });
});`;

const decoders: PageDecoder[] = [];
function decoderWith(options: PageDecoderOptions): PageDecoder {
  const decoder = new PageDecoder(options);
  decoders.push(decoder);
  return decoder;
}

afterEach(async () => {
  await Promise.all(decoders.splice(0).map((decoder) => decoder.close()));
});

describe('PageDecoder', () => {
  it('decodes and cuts a large page in a worker thread, exactly as in place, and keeps the bytes until asked', async () => {
    // Prepare
    const decoder = decoderWith({ worker: true, minWorkerBytes: 1024 });
    const { text, bytes } = page(400);
    const inPlace = decodePageInPlace(bytes.slice());

    // Act
    const decoded = await decoder.decode(bytes);

    // Assess
    expect(decoder.workerRunning).toBe(true);
    // The caller's array went to the worker (its buffer is detached); the page as received
    // comes back whole when asked for.
    expect(bytes.byteLength).toBe(0);
    expect(new TextDecoder().decode(await decoded.original())).toBe(text);
    expect(decoded.text).toBe(inPlace.text);
    expect(decoded.text).not.toContain('managedFields');
    expect((JSON.parse(decoded.text) as { items: unknown[] }).items).toEqual(expectedItems(400));
  });

  it('cuts the members it is given for the page, in the worker as in place', async () => {
    // Prepare: pods with status arrays, cut as the reader cuts a Pod page.
    const decoder = decoderWith({ worker: true, minWorkerBytes: 1024 });
    const items = Array.from({ length: 200 }, (_, i) => ({
      metadata: { name: `p-${i}`, managedFields: MANAGED },
      spec: { tolerations: [{ key: 'k', operator: 'Exists' }], nodeName: 'n' },
      status: { phase: 'Running', conditions: [{ type: 'Ready', status: 'True' }] },
    }));
    const text = JSON.stringify({ kind: 'PodList', items });
    const names = unreadArrayMembers('pods');

    // Act
    const decoded = await decoder.decode(new TextEncoder().encode(text), names);

    // Assess
    expect(decoder.workerRunning).toBe(true);
    expect(decoded.text).toBe(decodePageInPlace(new TextEncoder().encode(text), names).text);
    expect((JSON.parse(decoded.text) as { items: unknown[] }).items[0]).toEqual({
      metadata: { name: 'p-0' },
      spec: { nodeName: 'n' },
      status: { phase: 'Running' },
    });
  });

  it('shares one worker thread between decoders, each with its own containers, and forgets a decoder that closes', async () => {
    // Prepare: two decoders of the default program, one after the other as scans go, and one
    // at the same time.
    const first = decoderWith({ worker: true, minWorkerBytes: 1024 });
    const second = decoderWith({ worker: true, minWorkerBytes: 1024 });
    const own = decoderWith({ worker: true, minWorkerBytes: 1024, workerSource: WORKER_ECHO });
    const pods = (tag: string) => page(50, tag).bytes;

    // Act: the first decoder keeps one Pod page unreleased; the second reads the same Pods.
    const kept = await first.decode(pods('p'), undefined, true);
    const firstItems = JSON.parse(kept.text).items as unknown[];
    const firstPutBack = kept.putBackContainers?.(firstItems);
    const before = await first.workerState();
    const firstThread = first.workerThreadId;
    const again = await second.decode(pods('p'), undefined, true);
    const items = JSON.parse(again.text).items as unknown[];
    const putBack = again.putBackContainers?.(items);
    again.release();
    await own.decode(new TextEncoder().encode('{"items":[]}'));
    await first.close();
    const after = await second.workerState();

    // Assess: one thread for the default program, another for a program of its own.
    expect(firstThread).toBeDefined();
    expect(second.workerThreadId).toBe(firstThread);
    expect(own.workerThreadId).not.toBe(second.workerThreadId);
    // Each decoder's containers are its own: the second writes and puts back its own first
    // container rather than referring to the first decoder's.
    expect(firstPutBack).toBe(true);
    expect(putBack).toBe(true);
    expect(items).toEqual(expectedItems(50));
    expect(again.text).toContain('"app [0]"');
    // The first decoder's page and what it saw of its Pods are forgotten once it closes.
    expect(before).toEqual({ nonces: 1, held: 1 });
    expect(after).toEqual({ nonces: 1, held: 0 });
  });

  it('has the shared worker forget a page that was still being decoded when its decoder closed', async () => {
    // Prepare
    const closing = decoderWith({ worker: true, minWorkerBytes: 1024 });
    const staying = decoderWith({ worker: true, minWorkerBytes: 1024 });
    await staying.decode(page(10).bytes).then((decoded) => decoded.release());

    // Act: close while the worker has the page. The refusal is awaited from the start: the
    // page is refused inside close(), before the worker answers anything.
    const pending = closing.decode(page(400).bytes, undefined, true);
    const refused = expect(pending).rejects.toThrow('the page decoder is closed');
    await closing.close();
    const state = await staying.workerState();

    // Assess
    await refused;
    expect(closing.workerThreadId).toBeUndefined();
    expect(state).toEqual({ nonces: 0, held: 0 });
  });

  it('ends the shared worker thread when its last decoder closes and its heap is larger than allowed', async () => {
    // Prepare
    const small = decoderWith({ worker: true, minWorkerBytes: 1024 });
    const large = decoderWith({ worker: true, minWorkerBytes: 1024, maxIdleWorkerHeapBytes: 0 });

    // Act: the first decoder to close leaves the thread to the other; the last one ends it.
    await small.decode(page(50).bytes);
    await large.decode(page(50).bytes);
    const shared = small.workerThreadId;
    await small.close();
    const kept = large.workerThreadId;
    await large.close();
    const next = decoderWith({ worker: true, minWorkerBytes: 1024 });
    const decoded = await next.decode(page(50).bytes);

    // Assess
    expect(kept).toBe(shared);
    expect(next.workerThreadId).toBeDefined();
    expect(next.workerThreadId).not.toBe(shared);
    expect((JSON.parse(decoded.text) as { items: unknown[] }).items).toEqual(expectedItems(50));
  });

  it('answers concurrent pages each with its own text', async () => {
    // Prepare
    const decoder = decoderWith({ worker: true, minWorkerBytes: 1024 });
    const tags = ['a', 'b', 'c', 'd', 'e'];

    // Act
    const decoded = await Promise.all(tags.map((tag, i) => decoder.decode(page(100 + i * 50, tag).bytes)));

    // Assess
    decoded.forEach(({ text }, i) => {
      expect((JSON.parse(text) as { items: unknown[] }).items).toEqual(expectedItems(100 + i * 50, tags[i]));
    });
  });

  it('does small pages in place without starting a worker, and keeps the caller’s bytes', async () => {
    // Prepare
    const decoder = decoderWith({ worker: true });
    const { bytes } = page(3);

    // Act
    const decoded = await decoder.decode(bytes);

    // Assess
    expect(decoder.workerRunning).toBe(false);
    expect(await decoded.original()).toBe(bytes);
    expect((JSON.parse(decoded.text) as { items: unknown[] }).items).toEqual(expectedItems(3));
  });

  it('never starts a worker when told not to, whatever the page size', async () => {
    // Prepare
    const decoder = decoderWith({ worker: false, minWorkerBytes: 0 });

    // Act
    const decoded = await decoder.decode(page(400).bytes);

    // Assess
    expect(decoder.workerRunning).toBe(false);
    expect((JSON.parse(decoded.text) as { items: unknown[] }).items).toEqual(expectedItems(400));
  });

  it('copies a view into Node’s shared buffer pool instead of moving the pool away', async () => {
    // Prepare: two small Buffers from the same pool.
    const decoder = decoderWith({ worker: true, minWorkerBytes: 0 });
    const { text } = page(1);
    const pooled = Buffer.from(text);
    const neighbour = Buffer.from('neighbour');
    expect(pooled.buffer).toBe(neighbour.buffer);

    // Act
    const decoded = await decoder.decode(pooled);

    // Assess
    expect(decoder.workerRunning).toBe(true);
    expect(neighbour.toString()).toBe('neighbour');
    expect(pooled.toString()).toBe(text);
    expect((JSON.parse(decoded.text) as { items: unknown[] }).items).toEqual(expectedItems(1));
  });

  it('decodes in place a page whose buffer Node will not let go of', async () => {
    // Prepare
    const decoder = decoderWith({ worker: true, minWorkerBytes: 0 });
    const { bytes } = page(20);
    markAsUntransferable(bytes.buffer);

    // Act
    const decoded = await decoder.decode(bytes);

    // Assess
    expect(await decoded.original()).toBe(bytes);
    expect(bytes.byteLength).toBeGreaterThan(0);
    expect((JSON.parse(decoded.text) as { items: unknown[] }).items).toEqual(expectedItems(20));
  });

  it('loses only the pages a dying worker held, and does every later page in place', async () => {
    // Prepare: a worker program that exits as soon as it is given a page.
    const decoder = decoderWith({
      worker: true,
      minWorkerBytes: 0,
      workerSource: "require('node:worker_threads').parentPort.on('message', () => process.exit(3));",
    });

    // Act
    const lost = decoder.decode(page(2).bytes);

    // Assess
    await expect(lost).rejects.toBeInstanceOf(PageDecoderLostError);
    expect(decoder.workerRunning).toBe(false);
    const { bytes } = page(2);
    const later = await decoder.decode(bytes);
    expect(await later.original()).toBe(bytes);
    expect((JSON.parse(later.text) as { items: unknown[] }).items).toEqual(expectedItems(2));
  });

  it('lets a released page go: its original is then no longer to be had', async () => {
    // Prepare
    const decoder = decoderWith({ worker: true, minWorkerBytes: 0 });
    const decoded = await decoder.decode(page(5).bytes);

    // Act
    decoded.release();

    // Assess
    await expect(decoded.original()).rejects.toThrow('already released');
    const next = await decoder.decode(page(6).bytes);
    expect(
      (JSON.parse(new TextDecoder().decode(await next.original())) as { items: unknown[] }).items,
    ).toHaveLength(6);
  });

  it('loses the original of a page whose worker died after answering', async () => {
    // Prepare: a worker that answers a page, then exits when asked for its bytes.
    const decoder = decoderWith({
      worker: true,
      minWorkerBytes: 0,
      workerSource: `const { parentPort } = require('node:worker_threads');
parentPort.on('message', (job) => {
  if (job.type === 'decode') parentPort.postMessage({ id: job.id, text: '{"items":[]}' });
  else process.exit(3);
});`,
    });
    const decoded = await decoder.decode(page(2).bytes);

    // Act
    const original = decoded.original();

    // Assess
    await expect(original).rejects.toBeInstanceOf(PageDecoderLostError);
    expect(decoder.workerRunning).toBe(false);
  });

  it('counts a page the worker answers without as lost', async () => {
    const decoder = decoderWith({
      worker: true,
      minWorkerBytes: 0,
      workerSource: `const { parentPort } = require('node:worker_threads');
parentPort.on('message', (job) => parentPort.postMessage({ id: job.id }));`,
    });

    await expect(decoder.decode(page(2).bytes)).rejects.toBeInstanceOf(PageDecoderLostError);
  });

  it('refuses pages once closed', async () => {
    // Prepare
    const decoder = decoderWith({ worker: true, minWorkerBytes: 0 });
    await decoder.decode(page(1).bytes);

    // Act
    await decoder.close();

    // Assess
    expect(decoder.workerRunning).toBe(false);
    await expect(decoder.decode(page(1).bytes)).rejects.toThrow('the page decoder is closed');
  });

  it('works from a minified bundle, where the worker is built from the cut’s own source', async () => {
    // Prepare: bundle a tiny program the way the Lambda construct bundles a handler.
    const dir = mkdtempSync(join(tmpdir(), 'watchkeeper-page-decoder-'));
    try {
      const entry = join(dir, 'entry.ts');
      writeFileSync(
        entry,
        [
          `import { PageDecoder } from ${JSON.stringify(join(process.cwd(), 'functions/collect/page-decoder.ts'))};`,
          'const decoder = new PageDecoder({ worker: true, minWorkerBytes: 0 });',
          `const text = ${JSON.stringify(page(50).text)};`,
          'const decoded = await decoder.decode(new TextEncoder().encode(text));',
          // A Pod page: its repeated containers written once, and put back after parsing.
          'const pods = await decoder.decode(new TextEncoder().encode(text), undefined, true);',
          'const items = JSON.parse(pods.text).items;',
          'const putBack = pods.putBackContainers?.(items);',
          'process.stdout.write(JSON.stringify({ running: decoder.workerRunning, text: decoded.text, shorter: pods.text.length < decoded.text.length, putBack, items }));',
          'await decoder.close();',
        ].join('\n'),
      );
      const outfile = join(dir, 'index.mjs');
      await build({
        entryPoints: [entry],
        bundle: true,
        platform: 'node',
        format: 'esm',
        target: 'node24',
        minify: true,
        outfile,
        logLevel: 'silent',
      });

      // Act
      const { stdout } = await promisify(execFile)(process.execPath, [outfile]);

      // Assess
      const answer = JSON.parse(stdout) as {
        running: boolean;
        text: string;
        shorter: boolean;
        putBack: boolean;
        items: unknown[];
      };
      expect(answer.running).toBe(true);
      expect((JSON.parse(answer.text) as { items: unknown[] }).items).toEqual(expectedItems(50));
      expect(answer).toMatchObject({ shorter: true, putBack: true, items: expectedItems(50) });
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
