import { describe, expect, it } from 'vitest';
import { generateCluster } from '../../bench/generate.ts';
import { ProjectionCache, toSnapshotObject } from '../../functions/collect/project.ts';
import {
  type MarkedContainer,
  putBackContainers,
  putBackFrom,
} from '../../functions/collect/shared-containers.ts';
import { pageTextTools } from '../../functions/collect/unread-members.ts';
import type { Pod } from '../../functions/core/k8s-types.ts';

const NONCE = '6f1c0c8e-9d35-4a57-9b43-0f2b7a0d1e55';
const share = pageTextTools().sharedContainers;

const container = (name: string, extra: Record<string, unknown> = {}) => ({
  name,
  image: 'nginx:1.27',
  env: [{ name: 'MODE', value: 'prod' }],
  ...extra,
});
const mounts = (token: string) => [
  { name: 'config', mountPath: '/etc/app' },
  { name: `kube-api-access-${token}`, mountPath: '/var/run/secrets/kubernetes.io/serviceaccount' },
];
const pod = (name: string, spec: Record<string, unknown>) => ({ metadata: { name, namespace: 'a' }, spec });
const page = (items: unknown[]) => JSON.stringify({ kind: 'PodList', metadata: {}, items });

/** Shares a page's text, parses it and puts the containers back, as the worker and the reader do. */
function roundTrip(
  text: string,
  seen = new Map<string, number>(),
  marks = new Map<number, MarkedContainer>(),
) {
  const shared = share(text, NONCE, seen);
  const data = JSON.parse(shared.text) as { items: unknown[] };
  const putBack = putBackContainers(data.items, shared, NONCE, marks);
  return { shared, items: data.items, putBack };
}

describe('containers written once per collection', () => {
  it('writes a repeated container as a reference and puts the same value back, mounts and all', () => {
    const items = [
      pod('web-1', {
        containers: [{ ...container('app'), volumeMounts: mounts('aaaaa') }, container('proxy')],
      }),
      pod('web-2', {
        containers: [{ ...container('app'), volumeMounts: mounts('bbbbb') }, container('proxy')],
      }),
      pod('web-3', {
        initContainers: [container('init')],
        containers: [{ volumeMounts: mounts('ccccc'), ...container('app') }],
      }),
    ];
    const text = page(items);
    const { shared, items: back, putBack } = roundTrip(text);

    expect(putBack).toBe(true);
    expect(back).toEqual(items);
    // web-2's containers and web-3's app (its mounts first: the same container without them)
    expect(shared).toMatchObject({ marked: 3, referred: 3 });
    expect(shared.text).toContain(`{"${NONCE}r":0,"volumeMounts":[{"name":"config"`);
    expect(shared.text).toContain(`{"${NONCE}r":1}`);
    expect(shared.text.split('"proxy"').length - 1).toBe(1);
    const [one, two] = back as { spec: { containers: Record<string, unknown>[] } }[];
    // The parts are the first one's, shared: the projection finds them by identity.
    expect(two?.spec.containers[0]?.env).toBe(one?.spec.containers[0]?.env);
    expect(two?.spec.containers[1]).toBe(one?.spec.containers[1]);
  });

  it('refers across pages of one decoder, and keeps containers that differ in anything apart', () => {
    const seen = new Map<string, number>();
    const marks = new Map<number, MarkedContainer>();
    const first = [pod('a-1', { containers: [container('app')] })];
    const second = [
      pod('a-2', { containers: [container('app')] }),
      pod('a-3', { containers: [container('app', { env: [{ name: 'MODE', value: 'test' }] })] }),
      pod('a-4', { containers: [container('app', { volumeMounts: [] })] }),
      pod('a-5', {
        containers: [{ image: 'nginx:1.27', name: 'app', env: [{ name: 'MODE', value: 'prod' }] }],
      }),
      pod('a-6', { containers: [{}, {}] }),
    ];
    expect(roundTrip(page(first), seen, marks).putBack).toBe(true);
    const { shared, items, putBack } = roundTrip(page(second), seen, marks);
    expect(putBack).toBe(true);
    expect(items).toEqual(second);
    // a-2 and a-4 (the same but for an empty volumeMounts) refer to a-1's; the rest differ.
    expect(shared).toMatchObject({ marked: 3, referred: 3 });
  });

  it('tells containers apart by all their text but the mounts, on both sides of them', () => {
    const withMounts = (token: string, env: string) => ({
      name: 'app',
      image: 'nginx:1.27',
      volumeMounts: mounts(token),
      env: [{ name: 'MODE', value: env }],
    });
    const items = [
      pod('b-1', { containers: [withMounts('aaaaa', 'prod')] }),
      // The same before the mounts, not after them.
      pod('b-2', { containers: [withMounts('bbbbb', 'test')] }),
      // The same as the first but for the mounts: one container.
      pod('b-3', { containers: [withMounts('ccccc', 'prod')] }),
      pod('b-4', { containers: [withMounts('ddddd', 'test')] }),
      // The same text without mounts as the first, its mounts elsewhere: one container too.
      pod('b-5', { containers: [{ ...container('app'), env: [{ name: 'MODE', value: 'prod' }] }] }),
      // Another array member of the same length where the first has its mounts: another container.
      pod('b-6', {
        containers: [
          {
            name: 'app',
            image: 'nginx:1.27',
            volumeMountz: mounts('eeeee'),
            env: [{ name: 'MODE', value: 'prod' }],
          },
        ],
      }),
    ];
    const { shared, items: back, putBack } = roundTrip(page(items));
    expect(putBack).toBe(true);
    expect(back).toEqual(items);
    expect(shared).toMatchObject({ marked: 3, referred: 3 });
    expect(shared.text).toContain(
      `{"${NONCE}r":0,"volumeMounts":[{"name":"config","mountPath":"/etc/app"},{"name":"kube-api-access-ccccc"`,
    );
    expect(shared.text).toContain(
      `{"${NONCE}r":1,"volumeMounts":[{"name":"config","mountPath":"/etc/app"},{"name":"kube-api-access-ddddd"`,
    );
    expect(shared.text).toContain(`{"${NONCE}r":0}`);
  });

  it('finds a container like one just before it wherever its mounts stand', () => {
    const first = (token: string) => ({ volumeMounts: mounts(token), ...container('app') });
    const only = (token: string) => ({ volumeMounts: mounts(token) });
    const items = [
      pod('c-1', { containers: [first('aaaaa'), only('aaaaa')] }),
      pod('c-2', { containers: [first('bbbbb'), only('bbbbb')] }),
      pod('c-3', { containers: [first('ccccc'), only('ccccc')] }),
    ];
    const { shared, items: back, putBack } = roundTrip(page(items));
    expect(putBack).toBe(true);
    expect(back).toEqual(items);
    expect(shared).toMatchObject({ marked: 2, referred: 4 });
    expect(shared.text).toContain(
      `{"${NONCE}r":1,"volumeMounts":[{"name":"config","mountPath":"/etc/app"},{"name":"kube-api-access-ccccc"`,
    );
  });

  it('leaves the text as the cut made it when a list is not as expected', () => {
    const cases = [
      page([pod('p', { containers: ['app'] })]),
      page([pod('p', { containers: [{ name: 'a', volumeMounts: {} }] })]),
      // Two volumeMounts members: JSON.parse keeps the last, so the page is left alone.
      '{"items":[{"spec":{"containers":[{"name":"a","volumeMounts":[],"volumeMounts":[{"name":"x"}]}]}},' +
        '{"spec":{"containers":[{"name":"a","volumeMounts":[],"volumeMounts":[{"name":"x"}]}]}}]}',
      '{"items":[{"spec":{"containers":[{"name":"a"},{"name":"a"}',
      '{"items":[{"spec":{"containers":[{"name":"a"}}',
    ];
    for (const text of cases) {
      const seen = new Map<string, number>();
      expect(share(text, NONCE, seen)).toEqual({ text, marked: 0, referred: 0 });
      expect(seen.size).toBe(0);
    }
  });

  it('takes no list name out of a string, and reads a pretty-printed page as it is', () => {
    const items = [
      pod('p', {
        containers: [container('app', { args: ['"containers":[{"name":"x"}]'] })],
      }),
      pod('q', { containers: [container('app', { args: ['"containers":[{"name":"x"}]'] })] }),
    ];
    const { items: back, putBack, shared } = roundTrip(page(items));
    expect(putBack).toBe(true);
    expect(back).toEqual(items);
    expect(shared).toMatchObject({ marked: 1, referred: 1 });
    // A member whose name only ends in the list's name (its quote before is escaped).
    const lookalike = page([pod('r', { 'x"containers': [{}, {}] })]);
    expect(share(lookalike, NONCE, new Map())).toEqual({ text: lookalike, marked: 0, referred: 0 });
    const pretty = JSON.stringify({ items }, null, 2);
    expect(share(pretty, NONCE, new Map())).toEqual({ text: pretty, marked: 0, referred: 0 });
  });

  it('gives up on a page whose references do not add up', () => {
    const text = page([
      pod('p', { containers: [container('app')] }),
      pod('q', { containers: [container('app')] }),
    ]);
    const shared = share(text, NONCE, new Map());
    const parse = () => (JSON.parse(shared.text) as { items: unknown[] }).items;
    // A reference to a container this decoder never marked (its page was parsed as received).
    const unmarked = JSON.parse(shared.text.replace(`"${NONCE}d":0`, '"x":0')) as { items: unknown[] };
    expect(putBackContainers(unmarked.items, shared, NONCE, new Map())).toBe(false);
    // Fewer references than the worker wrote.
    expect(putBackContainers(parse(), { marked: 1, referred: 2 }, NONCE, new Map())).toBe(false);
    // A reference with a member beside its mounts.
    const extra = JSON.parse(shared.text.replace(`{"${NONCE}r":0`, `{"${NONCE}r":0,"name":"other"`)) as {
      items: unknown[];
    };
    expect(putBackContainers(extra.items, shared, NONCE, new Map())).toBe(false);
    expect(putBackContainers(parse(), shared, NONCE, new Map())).toBe(true);
  });

  it('puts back every Pod page of the bench cluster as it was', () => {
    const pods = [...generateCluster('1k', 20261123).objects()].filter((object) => object.kind === 'Pod');
    const seen = new Map<string, number>();
    const marks = new Map<number, MarkedContainer>();
    let referred = 0;
    for (let from = 0; from < pods.length; from += 250) {
      const items = JSON.parse(JSON.stringify(pods.slice(from, from + 250))) as unknown[];
      const result = roundTrip(page(items), seen, marks);
      expect(result.putBack).toBe(true);
      expect(result.items).toEqual(items);
      referred += result.shared.referred;
    }
    expect(referred).toBeGreaterThan(pods.length / 2);
  });

  it('lets the projection finish a container put back once, by the entry it stands for', () => {
    const items = [
      pod('web-1', {
        containers: [{ ...container('app'), volumeMounts: mounts('aaaaa') }, container('proxy')],
      }),
      pod('web-2', {
        containers: [{ ...container('app'), volumeMounts: mounts('bbbbb') }, container('proxy')],
      }),
      pod('web-3', { containers: [container('app', { env: [{ name: 'MODE', value: 'test' }] })] }),
    ];
    const { items: back, putBack } = roundTrip(page(items));
    expect(putBack).toBe(true);
    const entries = (back as { spec: { containers: Record<string, unknown>[] } }[]).map(
      (item) => item.spec.containers,
    );
    const [app1, proxy1] = entries[0] ?? [];
    const [app2, proxy2] = entries[1] ?? [];
    const [app3] = entries[2] ?? [];
    // Each first container is marked; those put back from it stand for the same entry.
    expect(putBackFrom(app1 as object)).toBeDefined();
    expect(putBackFrom(app2 as object)).toBe(putBackFrom(app1 as object));
    expect(putBackFrom(proxy2 as object)).toBe(putBackFrom(proxy1 as object));
    expect(putBackFrom(app3 as object)).toBeDefined();
    expect(putBackFrom(app3 as object)).not.toBe(putBackFrom(app1 as object));
    expect(putBackFrom({ ...app1 })).toBeUndefined();

    const cache = new ProjectionCache();
    const projected = back.map((item) => toSnapshotObject('pods', item, cache) as Pod);
    // Each Pod is what it is when projected on its own, from the page as sent.
    expect(projected).toEqual(items.map((item) => toSnapshotObject('pods', structuredClone(item))));
    const [one, two, three] = projected.map((item) => item.spec?.containers ?? []);
    expect(two?.[1]).toBe(one?.[1]);
    expect(two?.[0]?.env).toBe(one?.[0]?.env);
    expect(two?.[0]?.volumeMounts?.[1]?.name).toBe('kube-api-access-bbbbb');
    expect(three?.[0]?.env?.[0]?.value).toBe('test');
    const { volumeMounts: _mounts, ...app } = one?.[0] ?? {};
    expect(cache.putBackContainers.get(putBackFrom(app2 as object) as object)).toEqual(app);
    expect(cache.putBackContainers.get(putBackFrom(proxy2 as object) as object)).toBe(one?.[1]);
  });
});
