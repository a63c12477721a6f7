import { describe, expect, it } from 'vitest';
import { parseCommand, UsageError } from '../../functions/cli/args.ts';

describe('command line', () => {
  it('parses a scan with every option', () => {
    expect(
      parseCommand([
        'scan',
        '--manifests',
        'dir',
        '--format',
        'json',
        '--out',
        'o',
        '--fail-on',
        'high',
        '--config',
        'c.yaml',
        '--quiet',
        '--cluster-name',
        'x',
      ]),
    ).toEqual({
      command: 'scan',
      options: {
        source: { type: 'manifests', dir: 'dir' },
        clusterName: 'x',
        formats: ['json'],
        out: 'o',
        failOn: 'high',
        config: 'c.yaml',
        quiet: true,
      },
    });
  });

  it('defaults to json and html into out/', () => {
    expect(parseCommand(['scan', '--demo'])).toMatchObject({
      options: { formats: ['json', 'html'], out: 'out' },
    });
  });

  it.each([
    [['scan'], 'say what to scan'],
    [['scan', '--demo', '--context', 'x'], 'only one of'],
    [['scan', '--demo', '--format', 'pdf'], '"pdf" is not a format'],
    [['scan', '--demo', '--fail-on', 'severe'], '--fail-on must be one of'],
    [['scan', '--demo', '--bogus'], '--help'],
    [['frobnicate'], 'unknown command'],
  ])('rejects %j with a message saying what to fix', (argv, needle) => {
    expect(() => parseCommand(argv)).toThrow(UsageError);
    expect(() => parseCommand(argv)).toThrow(needle);
  });

  it('shows help and version', () => {
    expect(parseCommand([])).toEqual({ command: 'help' });
    expect(parseCommand(['scan', '--help'])).toEqual({ command: 'help' });
    expect(parseCommand(['--version'])).toEqual({ command: 'version' });
  });
});
