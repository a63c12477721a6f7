import { describe, expect, it } from 'vitest';
import { memoised } from '../../functions/core/memo.ts';

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
