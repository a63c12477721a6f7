import { describe, expect, it } from 'vitest';
import { ProjectionCache } from '../../functions/collect/project.ts';
import { shareObject } from '../../functions/collect/share.ts';
import type { Pod } from '../../functions/core/k8s-types.ts';

const pod = (name: string, labels: Record<string, string>, securityContext?: object): Pod =>
  ({
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name, namespace: 'shop', labels },
    spec: { containers: [], ...(securityContext ? { securityContext } : {}) },
  }) as unknown as Pod;

describe('shareObject', () => {
  it('gives every Pod the first part with its JSON, however many others came between', () => {
    const cache = new ProjectionCache();
    // Twelve label sets (more than are compared as they are), then each again in reverse order.
    const sets = Array.from({ length: 12 }, (_, i) => ({ app: `app-${i}`, tier: 'web' }));
    const first = sets.map((labels, i) => pod(`a-${i}`, { ...labels }));
    const again = [...sets].reverse().map((labels, i) => pod(`b-${i}`, { ...labels }));
    for (const object of [...first, ...again]) shareObject('pods', object, cache);
    for (const object of again) {
      const match = first.find((one) => one.metadata.labels?.app === object.metadata.labels?.app);
      expect(object.metadata.labels).toBe(match?.metadata.labels);
    }
  });

  it('keeps parts apart when their JSON differs: key order, nesting, a Date', () => {
    const cache = new ProjectionCache();
    const one = pod(
      'one',
      { app: 'web', tier: 'front' },
      { runAsUser: 1000, seccompProfile: { type: 'RuntimeDefault' } },
    );
    const reordered = pod(
      'two',
      { tier: 'front', app: 'web' },
      { seccompProfile: { type: 'RuntimeDefault' }, runAsUser: 1000 },
    );
    const nested = pod(
      'three',
      { app: 'web', tier: 'front' },
      { runAsUser: 1000, seccompProfile: { type: 'Localhost' } },
    );
    const dated = pod(
      'four',
      { app: 'web', tier: 'front' },
      { runAsUser: 1000, seccompProfile: { type: new Date(0) } },
    );
    const same = pod(
      'five',
      { app: 'web', tier: 'front' },
      { runAsUser: 1000, seccompProfile: { type: 'RuntimeDefault' } },
    );
    for (const object of [one, reordered, nested, dated, same]) shareObject('pods', object, cache);

    expect(reordered.metadata.labels).not.toBe(one.metadata.labels);
    expect(reordered.spec?.securityContext).not.toBe(one.spec?.securityContext);
    expect(nested.spec?.securityContext).not.toBe(one.spec?.securityContext);
    expect(nested.metadata.labels).toBe(one.metadata.labels);
    expect(dated.spec?.securityContext).not.toBe(one.spec?.securityContext);
    expect(same.spec?.securityContext).toBe(one.spec?.securityContext);
    expect(same.metadata.labels).toBe(one.metadata.labels);
    expect(Object.keys(reordered.metadata.labels ?? {})).toEqual(['tier', 'app']);
  });
});
