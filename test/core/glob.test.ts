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
  it('compiles each source once and keeps sources and compilers apart', () => {
    const compiled: string[] = [];
    const compiler = () =>
      compiledOnce((source) => {
        compiled.push(source);
        return new RegExp(source);
      });
    const first = compiler();
    const second = compiler();
    const a = first('a');

    expect(first('a')).toBe(a);
    expect(first('b')).not.toBe(a);
    expect(second('a')).not.toBe(a);
    expect(compiled).toEqual(['a', 'b', 'a']);
    expect(a.test('xa')).toBe(true);
  });
});
