import type {
  Check,
  EvaluationMode,
  Framework,
  FrameworkId,
  FrameworkRef,
  SystemComponent,
} from '../core/model.ts';
import { RESPONSIBILITIES, SEVERITIES } from '../core/model.ts';
import { requirementPaths } from './index.ts';

/**
 * docs/checks.md, rendered from the check registry and the framework files. Pure: the
 * `docs:checks` script writes it, and test/frameworks/docs.test.ts fails when the committed
 * file differs from what the code renders.
 */

const SHORT: Record<FrameworkId, string> = {
  'cis-eks-1.8.0': 'CIS',
  'pss-baseline': 'PSS baseline',
  'pss-restricted': 'PSS restricted',
  'nsa-cisa-1.2': 'NSA/CISA',
  'eks-best-practices': 'EKS BP',
};

const EVALUATION_TEXT: Record<EvaluationMode, string> = {
  automated: 'automated',
  'manual-with-evidence': 'manual with evidence',
  inherited: 'inherited (AWS)',
  'not-remotely-evaluable': 'not remotely evaluable',
  'kubelet-configz-opt-in': 'kubelet configz (opt-in)',
};

/** Text for a Markdown table cell: one line, pipes escaped. */
function cell(text: string): string {
  return text.replace(/\s+/g, ' ').replace(/\|/g, '\\|').trim();
}

function code(text: string): string {
  return `\`${text}\``;
}

function row(cells: readonly string[]): string {
  return `| ${cells.join(' | ')} |`;
}

function table(head: readonly string[], rows: readonly (readonly string[])[]): string[] {
  return [row(head), row(head.map(() => '---')), ...rows.map(row)];
}

function refText(ref: FrameworkRef): string {
  return `${SHORT[ref.framework]} ${ref.requirement}`;
}

function checksFor(checks: readonly Check[], framework: FrameworkId, requirement: string): Check[] {
  return checks.filter((check) =>
    check.frameworks.some((ref) => ref.framework === framework && ref.requirement === requirement),
  );
}

/** `3 high, 2 medium`, in the order of `order` (then first-seen order), zero counts left out. */
function count<T>(items: readonly T[], key: (item: T) => string, order: readonly string[] = []): string {
  const counts = new Map<string, number>(order.map((name) => [name, 0]));
  for (const item of items) counts.set(key(item), (counts.get(key(item)) ?? 0) + 1);
  return [...counts]
    .filter(([, n]) => n > 0)
    .map(([name, n]) => `${n} ${name}`)
    .join(', ');
}

function checkTable(checks: readonly Check[]): string[] {
  return table(
    ['Check', 'Title', 'Severity', 'Responsibility', 'Frameworks'],
    checks.map((check) => [
      code(check.id),
      cell(check.title),
      check.severity,
      check.responsibility,
      cell(check.frameworks.map(refText).join(' · ')),
    ]),
  );
}

function cisCoverage(checks: readonly Check[], cis: Framework): string[] {
  const paths = requirementPaths(cis);
  const controlPlane = paths.find((p) => p.requirement.id === '1');
  const recommendations = paths.filter((p) => p.requirement.id !== '1');
  const lines: string[] = [];
  if (controlPlane) {
    const by = checksFor(checks, cis.id, '1').map((c) => code(c.id));
    lines.push(
      `Section 1 (${controlPlane.sections[0]?.title.toLowerCase() ?? 'control plane components'}) holds no ` +
        `recommendation. ${cell(controlPlane.requirement.how)}` +
        (by.length > 0 ? ` Reported by ${by.join(', ')}.` : ''),
      '',
    );
  }
  const byMode = count(recommendations, (p) => EVALUATION_TEXT[p.requirement.evaluation]);
  lines.push(`${recommendations.length} recommendations: ${byMode}.`, '');
  lines.push(
    ...table(
      ['CIS', 'Recommendation (our wording)', 'A/M', 'Level', 'Evaluation', 'Checks', 'How'],
      recommendations.map(({ requirement }) => {
        const by = checksFor(checks, cis.id, requirement.id);
        return [
          requirement.id,
          cell(requirement.title),
          requirement.assessment === 'automated' ? 'A' : requirement.assessment === 'manual' ? 'M' : '—',
          requirement.level ? `L${requirement.level}` : '—',
          EVALUATION_TEXT[requirement.evaluation],
          by.length > 0 ? by.map((c) => code(c.id)).join(', ') : '**none yet**',
          cell(requirement.how),
        ];
      }),
    ),
  );
  return lines;
}

function frameworkTable(checks: readonly Check[], framework: Framework): string[] {
  return table(
    ['Requirement', 'Title (our wording)', 'Checks'],
    requirementPaths(framework).map(({ requirement }) => {
      const by = checksFor(checks, framework.id, requirement.id);
      return [
        code(requirement.id),
        cell(requirement.title),
        by.length > 0 ? by.map((c) => code(c.id)).join(', ') : '**none yet**',
      ];
    }),
  );
}

function componentTable(components: readonly SystemComponent[]): string[] {
  return table(
    ['Component', 'Matches', 'Exempt from', 'Why'],
    components.map((c) => [
      code(c.name),
      cell(`${c.kind} ${c.namespace}/${c.resourceName}`),
      c.checks.map(code).join(', '),
      cell(c.reason),
    ]),
  );
}

export function renderChecksDoc(
  checks: readonly Check[],
  frameworks: readonly Framework[],
  components: readonly SystemComponent[] = [],
): string {
  const lines: string[] = [
    '# Check catalog',
    '',
    '<!-- Generated by `npm run docs:checks` from functions/checks and functions/frameworks. Do not edit by hand:',
    '     test/frameworks/docs.test.ts fails when this file and the code disagree. -->',
    '',
    `Watchkeeper runs ${checks.length} checks (${count(checks, (c) => c.severity, SEVERITIES)}; by ` +
      `responsibility: ${count(checks, (c) => c.responsibility, RESPONSIBILITIES)}).`,
    'Titles state the secure state; a check fails when any resource it judges does not meet it.',
    '',
    'Every result also carries a status per framework requirement (`frameworks` in the JSON): a requirement ' +
      'takes the status of the findings mapped to it, with the same precedence as a check (fail, then not ' +
      'evaluated, manual, waived, pass, inherited, not applicable); a check may map a finding to only some of ' +
      'its requirements. A requirement no check maps to is not evaluated ("no check"). Per framework, ' +
      'compliance = requirements passed ÷ (passed + failed) and coverage = requirements evaluated ÷ ' +
      'requirements applicable.',
    '',
    '## Checks',
    '',
    ...checkTable(checks),
  ];
  const cis = frameworks.find((f) => f.id === 'cis-eks-1.8.0');
  if (cis) {
    lines.push(
      '',
      `## ${cis.title} v${cis.version} coverage`,
      '',
      'A/M is the benchmark’s own Automated/Manual marking; Evaluation is how Watchkeeper evaluates the ' +
        'recommendation. Profile levels come from secondary sources; confirm them against the benchmark.',
      '',
      ...cisCoverage(checks, cis),
    );
  }
  for (const framework of frameworks) {
    if (framework.id === 'cis-eks-1.8.0') continue;
    lines.push(
      '',
      `## ${framework.title}${/^\d/.test(framework.version) ? ` v${framework.version}` : ''}`,
      '',
      `Source: ${framework.url}`,
      '',
      ...frameworkTable(checks, framework),
    );
  }
  if (components.length > 0) {
    lines.push(
      '',
      '## Default system-component exemptions',
      '',
      'Failures of the listed checks on these EKS/AWS add-ons are reported as waived, with the reason and the ' +
        'waiver id `system-component:<name>`, and listed under `waivers.exempted` in the result — never ' +
        'dropped. Other checks still judge them, and a Pod that differs from its add-on’s template is judged ' +
        'on its own. Replace the list with `systemComponents` in the config; `systemComponents: []` turns ' +
        'the exemptions off.',
      '',
      ...componentTable(components),
    );
  }
  return `${lines.join('\n')}\n`;
}
