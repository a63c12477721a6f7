import { describe, expect, it } from 'vitest';
import { compiledOnce, globMatch } from '../../functions/core/glob.ts';

describe('globMatch', () => {
  it('matches * and ? and takes everything else literally', () => {
    expect(globMatch('kube-*', 'kube-system')).toBe(true);
    expect(globMatch('kube-*', 'kube')).toBe(false);
    expect(globMatch('ns-?', 'ns-1')).toBe(true);
    expect(globMatch('ns-?', 'ns-12')).toBe(false);
    expect(globMatch('a.b', 'axb')).toBe(false);
    expect(globMatch('(x)+', '(x)+')).toBe(true);
    expect(globMatch('*', 'line\nbreak')).toBe(true);
  });

  it('answers the same for a glob compiled earlier, whatever was matched before', () => {
    const names = ['web-1', 'web-2', 'api-1'];
    const first = names.map((name) => globMatch('web-*', name));
    const again = names.map((name) => globMatch('web-*', name));

    expect(first).toEqual([true, true, false]);
    expect(again).toEqual(first);
  });
});

describe('compiledOnce', () => {
  it('compiles a key once and keeps keys apart', () => {
    let compiles = 0;
    const compile = () => {
      compiles += 1;
      return /x/;
    };
    const a = compiledOnce('test\u0000a', compile);

    expect(compiledOnce('test\u0000a', compile)).toBe(a);
    expect(compiledOnce('test\u0000b', compile)).not.toBe(a);
    expect(compiles).toBe(2);
  });
});
