import { describe, expect, it } from 'vitest';
import { memoised, memoisedByObject } from '../../functions/core/memo.ts';

describe('memoised', () => {
  it('works each key out once and forgets everything when it holds max keys', () => {
    const computed: string[] = [];
    const length = memoised((key: string) => {
      computed.push(key);
      return { length: key.length };
    }, 2);
    const a = length('a');

    expect(length('a')).toBe(a);
    length('bb');
    expect(computed).toEqual(['a', 'bb']);
    length('ccc');
    expect(length('a')).not.toBe(a);
    expect(length('a')).toEqual({ length: 1 });
    expect(computed).toEqual(['a', 'bb', 'ccc', 'a']);
  });
});

describe('memoisedByObject', () => {
  it('works each object out once, and an equal but separate object again', () => {
    const seen: object[] = [];
    const keys = memoisedByObject((value: { name: string }) => {
      seen.push(value);
      return [value.name];
    });
    const a = { name: 'a' };
    const first = keys(a);

    expect(keys(a)).toBe(first);
    expect(keys({ name: 'a' })).not.toBe(first);
    expect(keys({ name: 'a' })).toEqual(first);
    expect(seen).toHaveLength(3);
  });
});
