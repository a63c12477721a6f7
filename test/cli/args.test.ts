import { describe, expect, it } from 'vitest';
import { FORMAT_FILES, HELP, OUTPUT_FORMATS, parseCommand, UsageError } from '../../functions/cli/args.ts';

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
        kubeletConfig: false,
        quiet: true,
      },
    });
  });

  it('takes the kubelet-config opt-in for live sources only', () => {
    expect(parseCommand(['scan', '--demo', '--kubelet-config'])).toMatchObject({
      options: { kubeletConfig: true },
    });
    expect(() => parseCommand(['scan', '--manifests', 'd', '--kubelet-config'])).toThrow(
      '--kubelet-config reads live nodes',
    );
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

describe('--format', () => {
  it('takes every output format, in any order, once each', () => {
    expect(
      parseCommand(['scan', '--demo', '--format', 'asff,sarif,junit,csv,json,html,sarif']),
    ).toMatchObject({
      options: { formats: ['asff', 'sarif', 'junit', 'csv', 'json', 'html'] },
    });
  });

  it('names each format and its file in the help', () => {
    for (const [format, file] of Object.entries(FORMAT_FILES)) {
      expect(HELP).toMatch(new RegExp(`\\b${format}\\s+${file.replace('.', '\\.')}\\b`));
    }
    expect(OUTPUT_FORMATS).toEqual(['json', 'html', 'sarif', 'junit', 'csv', 'asff']);
  });

  it('lists the formats it takes when one is unknown', () => {
    expect(() => parseCommand(['scan', '--demo', '--format', 'json,xlsx'])).toThrow(
      '--format takes a comma-separated list of json, html, sarif, junit, csv, asff; "xlsx" is not a format',
    );
  });
});
