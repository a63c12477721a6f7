import { describe, expect, it } from 'vitest';
import { wordPattern } from '../../functions/checks/lib/words.ts';

describe('wordPattern', () => {
  it('matches the word only between separators or the ends of the text', () => {
    const prod = wordPattern('prod', '-_.');

    expect(['prod', 'checkout-prod', 'prod.eu', 'a_prod_b'].filter((name) => prod.test(name))).toHaveLength(
      4,
    );
    expect(['prodigy', 'nonprod', 'checkout/prod', 'PROD'].filter((name) => prod.test(name))).toEqual([]);
    expect(wordPattern('prod', '-_.', 'i').test('team-PROD')).toBe(true);
    expect(wordPattern('prod', '-_.:/\\s').test('eu west/prod')).toBe(true);
  });

  it('treats the word as text, not as a pattern, and compiles each word once', () => {
    const dotted = wordPattern('a.b', '-');

    expect(dotted.test('x-a.b')).toBe(true);
    expect(dotted.test('x-axb')).toBe(false);
    expect(wordPattern('(', '-').test('x-(')).toBe(true);
    expect(wordPattern('a.b', '-')).toBe(dotted);
    expect(wordPattern('a.b', '-', 'i')).not.toBe(dotted);
  });
});
