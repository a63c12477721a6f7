import { parseArgs } from 'node:util';
import type { Severity } from '../core/model.ts';
import { SEVERITIES } from '../core/model.ts';

/** The command line is wrong; the message says what to change. Exit code 2. */
export class UsageError extends Error {
  override name = 'UsageError';
}

export const OUTPUT_FORMATS = ['json', 'html', 'sarif', 'junit', 'csv', 'asff'] as const;
export type OutputFormat = (typeof OUTPUT_FORMATS)[number];

/** The file each format writes under --out. */
export const FORMAT_FILES: Readonly<Record<OutputFormat, string>> = {
  json: 'result.json',
  html: 'report.html',
  sarif: 'result.sarif',
  junit: 'junit.xml',
  csv: 'findings.csv',
  asff: 'asff.json',
};

export type ScanSource =
  | { type: 'demo' }
  | { type: 'context'; context: string }
  | { type: 'manifests'; dir: string };

export interface ScanOptions {
  source: ScanSource;
  clusterName?: string;
  formats: OutputFormat[];
  out: string;
  failOn?: Severity;
  config?: string;
  /** Read each node's kubelet config (CIS 3.2.x); needs `get nodes/proxy`. */
  kubeletConfig: boolean;
  quiet: boolean;
}

export type Command =
  | { command: 'scan'; options: ScanOptions }
  | { command: 'checks'; json: boolean }
  | { command: 'help'; topic?: string }
  | { command: 'version' };

export const HELP = `Usage: watchkeeper <command> [options]

Commands:
  scan      Scan one EKS cluster and write the result and the report
  checks    List the checks with their severity, responsibility and frameworks

Scan sources (exactly one):
  --demo               The bundled demo cluster, served over HTTPS by the local
                       Kubernetes API emulator and read with a minted EKS token;
                       a second demo cluster joins it in a fleet scan, which also
                       writes fleet-report.html, email-preview.eml and
                       email-preview.html (the digest, not sent)
  --context NAME       A context of your kubeconfig (KUBECONFIG or ~/.kube/config)
  --manifests DIR      Offline: YAML/JSON manifests in DIR, plus an optional
                       eks-cluster.json (aws eks describe-cluster output) and
                       eks-cluster-versions.json (aws eks describe-cluster-versions)

Scan options:
  --cluster-name NAME  Name to report the cluster under (default: from the source)
  --format LIST        Outputs to write, comma-separated (default: json,html):
                         json   result.json    every finding, the scores, the waivers
                         html   report.html    the report, with what changed since the
                                               previous scan, filters and search
                         sarif  result.sarif   SARIF 2.1.0, for code-scanning dashboards
                         junit  junit.xml      JUnit XML, one test per finding, for CI
                         csv    findings.csv   one row per finding, for spreadsheets
                         asff   asff.json      AWS Security Finding Format, for Security
                                               Hub BatchImportFindings (needs the
                                               cluster's account and region)
                       With json, diff.json holds the full comparison with the previous scan.
  --out DIR            Where to write the outputs and the result store, DIR/store, which
                       keeps every scan and gives the next one its comparison (default: out)
  --fail-on SEVERITY   Exit with code 1 if a check fails at this severity or above:
                       critical, high, medium, low or info (default: never)
  --config FILE        Policy: check parameters, waivers, severity overrides (YAML/JSON)
  --kubelet-config     Also read each node's kubelet configuration (CIS 3.2.x) through
                       /api/v1/nodes/NAME/proxy/configz. This needs "get nodes/proxy",
                       which also lets its holder run commands through the kubelet:
                       grant it only if you accept that (see CIS 4.1.10)
  --quiet              No progress on stderr
  -h, --help           Show this help
  -v, --version        Show the version

Exit codes:
  0  The scan completed (and nothing failed at or above --fail-on)
  1  A check failed at or above the --fail-on severity
  2  Usage or configuration error (the message says what to fix)
  3  The cluster could not be read at all (every Kubernetes read failed)
  4  Unexpected internal error

Examples:
  watchkeeper scan --demo
  watchkeeper scan --context prod-eu --fail-on high
  watchkeeper scan --manifests ./manifests --format json --out results
  watchkeeper scan --context prod-eu --format json,html,sarif,junit --fail-on high
`;

function parseSeverity(value: string): Severity {
  if ((SEVERITIES as readonly string[]).includes(value)) return value as Severity;
  throw new UsageError(`--fail-on must be one of ${SEVERITIES.join(', ')}; got "${value}"`);
}

function parseFormats(value: string): OutputFormat[] {
  const formats = value
    .split(',')
    .map((f) => f.trim())
    .filter(Boolean);
  const unknown = formats.filter((f) => !(OUTPUT_FORMATS as readonly string[]).includes(f));
  if (formats.length === 0 || unknown.length > 0) {
    throw new UsageError(
      `--format takes a comma-separated list of ${OUTPUT_FORMATS.join(', ')}; ` +
        `"${unknown.join(',') || value}" is not a format`,
    );
  }
  return [...new Set(formats)] as OutputFormat[];
}

export function parseCommand(argv: readonly string[]): Command {
  let parsed: ReturnType<typeof parse>;
  function parse() {
    return parseArgs({
      args: [...argv],
      allowPositionals: true,
      strict: true,
      options: {
        demo: { type: 'boolean' },
        context: { type: 'string' },
        manifests: { type: 'string' },
        'cluster-name': { type: 'string' },
        format: { type: 'string' },
        out: { type: 'string' },
        'fail-on': { type: 'string' },
        config: { type: 'string' },
        quiet: { type: 'boolean' },
        'kubelet-config': { type: 'boolean' },
        json: { type: 'boolean' },
        help: { type: 'boolean', short: 'h' },
        version: { type: 'boolean', short: 'v' },
      },
    });
  }
  try {
    parsed = parse();
  } catch (error) {
    throw new UsageError(`${(error as Error).message}. Run \`watchkeeper --help\` for the options.`);
  }
  const { values, positionals } = parsed;
  if (values.version) return { command: 'version' };
  const [command, ...rest] = positionals;
  if (values.help || command === undefined || command === 'help') return { command: 'help' };
  if (rest.length > 0) throw new UsageError(`unexpected argument "${rest[0]}"`);
  if (command === 'checks') return { command: 'checks', json: values.json === true };
  if (command !== 'scan')
    throw new UsageError(`unknown command "${command}"; the commands are scan and checks`);

  const sources: ScanSource[] = [];
  if (values.demo) sources.push({ type: 'demo' });
  if (values.context !== undefined) sources.push({ type: 'context', context: values.context });
  if (values.manifests !== undefined) sources.push({ type: 'manifests', dir: values.manifests });
  const [source, ...others] = sources;
  if (!source) throw new UsageError('say what to scan: --demo, --context NAME or --manifests DIR');
  if (others.length > 0) throw new UsageError('give only one of --demo, --context and --manifests');
  if (values['kubelet-config'] && source.type === 'manifests') {
    throw new UsageError('--kubelet-config reads live nodes; it does not apply to --manifests');
  }

  return {
    command: 'scan',
    options: {
      source,
      ...(values['cluster-name'] !== undefined ? { clusterName: values['cluster-name'] } : {}),
      formats: parseFormats(values.format ?? 'json,html'),
      out: values.out ?? 'out',
      ...(values['fail-on'] !== undefined ? { failOn: parseSeverity(values['fail-on']) } : {}),
      ...(values.config !== undefined ? { config: values.config } : {}),
      kubeletConfig: values['kubelet-config'] === true,
      quiet: values.quiet === true,
    },
  };
}
