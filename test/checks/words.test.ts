import { describe, expect, it } from 'vitest';
import { wordPatterns } from '../../functions/checks/lib/words.ts';

describe('wordPatterns', () => {
  it('matches the word only between separators or the ends of the text', () => {
    const prod = wordPatterns('-_.')('prod');

    expect(['prod', 'checkout-prod', 'prod.eu', 'a_prod_b'].filter((name) => prod.test(name))).toHaveLength(
      4,
    );
    expect(['prodigy', 'nonprod', 'checkout/prod', 'PROD'].filter((name) => prod.test(name))).toEqual([]);
    expect(wordPatterns('-_.', 'i')('prod').test('team-PROD')).toBe(true);
    expect(wordPatterns('-_.:/\\s')('prod').test('eu west/prod')).toBe(true);
  });

  it('treats the word as text, not as a pattern, and compiles each word once', () => {
    const dashed = wordPatterns('-');
    const dotted = dashed('a.b');

    expect(dotted.test('x-a.b')).toBe(true);
    expect(dotted.test('x-axb')).toBe(false);
    expect(dashed('(').test('x-(')).toBe(true);
    expect(dashed('a.b')).toBe(dotted);
    expect(wordPatterns('-', 'i')('a.b')).not.toBe(dotted);
  });
});
