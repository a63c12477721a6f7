import { describe, expect, it } from 'vitest';
import { continueTokenOf } from '../../functions/collect/client-node-reader.ts';

const bytes = (text: string) => new TextEncoder().encode(text);

describe('continueTokenOf', () => {
  it('reads the token from the list metadata before the items', () => {
    const page = JSON.stringify({
      kind: 'PodList',
      apiVersion: 'v1',
      metadata: { resourceVersion: '42', continue: 'eyJ2Ijox', remainingItemCount: 7 },
      items: [{ metadata: { name: 'a' } }],
    });
    expect(continueTokenOf(bytes(page))).toBe('eyJ2Ijox');
    expect(continueTokenOf(bytes(JSON.stringify(JSON.parse(page), null, 2)))).toBe('eyJ2Ijox');
    // A quoted "items": inside a string is escaped, so it is never taken for the member.
    const tricky = JSON.stringify({ metadata: { continue: 'a","items":[' }, items: [] });
    expect(continueTokenOf(bytes(tricky))).toBe('a","items":[');
  });

  it('finds none on the last page, or when the head is not laid out as the API server writes it', () => {
    expect(continueTokenOf(bytes('{"kind":"PodList","metadata":{"resourceVersion":"1"},"items":[]}'))).toBe(
      undefined,
    );
    expect(continueTokenOf(bytes('{"metadata":{"continue":""},"items":[]}'))).toBe(undefined);
    // Items first: the head holds no metadata.
    expect(continueTokenOf(bytes('{"items":[],"metadata":{"continue":"x"}}'))).toBe(undefined);
    expect(continueTokenOf(bytes('not json,"items":['))).toBe(undefined);
    expect(continueTokenOf(bytes(`{"metadata":{"continue":"${'x'.repeat(20_000)}"},"items":[]}`))).toBe(
      undefined,
    );
  });
});
