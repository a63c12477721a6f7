import type { Finding, ScanResult, Status } from '../../core/model.ts';
import { STATUS_LABELS } from '../labels.ts';
import { checkEntries, type FormatCheckInfo, frameworkRefsText, resourceLabel } from './common.ts';

/**
 * JUnit XML for CI test reporters: one `<testsuite>` per check, one `<testcase>` per
 * finding. A failing finding is a `<failure>`; one that could not be checked, needs a human
 * (manual), is waived, inherited from AWS or not applicable is `<skipped>` with the reason,
 * never a pass.
 *
 * Everything is escaped text: no CDATA (so `]]>` in a name is harmless), characters XML 1.0
 * does not allow (most C0 controls, lone surrogates, U+FFFE/U+FFFF) are replaced by their
 * code point written out, and attribute values also encode tab and line breaks so parsers
 * keep them.
 */

// Allowed in XML 1.0: #x9 | #xA | #xD | [#x20-#xD7FF] | [#xE000-#xFFFD] | [#x10000-#x10FFFF].
const NOT_XML_CHAR =
  // biome-ignore lint/suspicious/noControlCharactersInRegex: matching the characters XML forbids is the point.
  /[\u0000-\u0008\u000b\u000c\u000e-\u001f\ufffe\uffff]|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g;

function visible(text: string): string {
  return text.replace(NOT_XML_CHAR, (char) => `\\u{${char.charCodeAt(0).toString(16).padStart(4, '0')}}`);
}

/**
 * Escapes text content. `>` is escaped too, so `]]>` never appears; a carriage return is
 * written as a reference, or parsers would turn it into a line feed.
 */
export function xmlText(value: unknown): string {
  return visible(String(value ?? ''))
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/\r/g, '&#13;');
}

/** Escapes an attribute value (written between double quotes). */
export function xmlAttr(value: unknown): string {
  return xmlText(value)
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&apos;')
    .replace(/\t/g, '&#9;')
    .replace(/\n/g, '&#10;');
}

const SKIP_REASON: Partial<Record<Status, string>> = {
  not_evaluated: 'Not evaluated',
  manual: 'Manual: needs a human attestation',
  inherited: 'Inherited: operated by AWS',
  not_applicable: 'Not applicable',
  waived: 'Waived',
};

function caseName(finding: Finding): string {
  return `${resourceLabel(finding)}${finding.path ? ` ${finding.path}` : ''}`;
}

function details(finding: Finding): string {
  const lines = [
    finding.message,
    `Resource: ${resourceLabel(finding)}${finding.resource.arn ? ` (${finding.resource.arn})` : ''}`,
  ];
  if (finding.path) lines.push(`Field: ${finding.path}`);
  for (const [key, value] of Object.entries(finding.evidence ?? {})) lines.push(`${key}: ${String(value)}`);
  const frameworks = frameworkRefsText(finding);
  if (frameworks) lines.push(`Frameworks: ${frameworks}`);
  return lines.join('\n');
}

function testcase(finding: Finding, reason: string | undefined): string {
  const open = `    <testcase classname="${xmlAttr(finding.checkId)}" name="${xmlAttr(caseName(finding))}"`;
  if (finding.status === 'pass') return `${open}/>`;
  if (finding.status === 'fail') {
    return [
      `${open}>`,
      `      <failure message="${xmlAttr(finding.message)}" type="${xmlAttr(finding.severity)}">${xmlText(details(finding))}</failure>`,
      '    </testcase>',
    ].join('\n');
  }
  const label = SKIP_REASON[finding.status] ?? STATUS_LABELS[finding.status] ?? String(finding.status);
  const why =
    finding.status === 'waived' && finding.waiver
      ? `${label} by ${finding.waiver.id} (owner ${finding.waiver.owner}, until ${finding.waiver.expires}): ${finding.waiver.reason}`
      : `${label}: ${finding.status === 'not_evaluated' ? (reason ?? finding.message) : finding.message}`;
  return [`${open}>`, `      <skipped message="${xmlAttr(why)}"/>`, '    </testcase>'].join('\n');
}

/** `junit.xml`. */
export function toJunit(result: ScanResult, checks: readonly FormatCheckInfo[]): string {
  const byCheck = new Map<string, Finding[]>();
  for (const finding of result.findings) {
    const list = byCheck.get(finding.checkId);
    if (list) list.push(finding);
    else byCheck.set(finding.checkId, [finding]);
  }
  const suites: string[] = [];
  let tests = 0;
  let failures = 0;
  let skipped = 0;
  for (const { summary, info } of checkEntries(result, checks)) {
    const findings = byCheck.get(summary.checkId) ?? [];
    const failed = findings.filter((finding) => finding.status === 'fail').length;
    const passed = findings.filter((finding) => finding.status === 'pass').length;
    const skip = findings.length - failed - passed;
    tests += findings.length;
    failures += failed;
    skipped += skip;
    const title = info?.title ?? summary.title;
    suites.push(
      [
        `  <testsuite name="${xmlAttr(summary.checkId)}" tests="${findings.length}" failures="${failed}" errors="0" skipped="${skip}" timestamp="${xmlAttr(result.collectedAt)}">`,
        '    <properties>',
        `      <property name="title" value="${xmlAttr(title)}"/>`,
        `      <property name="severity" value="${xmlAttr(summary.severity)}"/>`,
        `      <property name="responsibility" value="${xmlAttr(summary.responsibility)}"/>`,
        `      <property name="status" value="${xmlAttr(summary.status)}"/>`,
        `      <property name="frameworks" value="${xmlAttr(frameworkRefsText(summary))}"/>`,
        '    </properties>',
        ...findings.map((finding) => testcase(finding, summary.reason)),
        '  </testsuite>',
      ].join('\n'),
    );
  }
  const name = `Watchkeeper ${result.cluster.name}`;
  return [
    '<?xml version="1.0" encoding="UTF-8"?>',
    `<testsuites name="${xmlAttr(name)}" tests="${tests}" failures="${failures}" errors="0" skipped="${skipped}">`,
    ...suites,
    '</testsuites>',
    '',
  ].join('\n');
}
