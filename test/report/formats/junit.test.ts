import { describe, expect, it } from 'vitest';
import { toJunit, xmlAttr, xmlText } from '../../../functions/report/formats/junit.ts';
import { HOSTILE, hostileCatalog, hostileResult, sampleCatalog, sampleResult } from '../sample-result.ts';
import { all, parseXml, XmlSyntaxError } from './xml.ts';

describe('toJunit', () => {
  const result = sampleResult();
  const xml = toJunit(result, sampleCatalog());
  const root = parseXml(xml);
  const suites = all(root, 'testsuite');

  it('is one testsuite per check and one testcase per finding, with consistent totals', () => {
    expect(xml.startsWith('<?xml version="1.0" encoding="UTF-8"?>\n')).toBe(true);
    expect(root.name).toBe('testsuites');
    expect(suites.map((suite) => suite.attrs.name)).toEqual(result.checks.map((check) => check.checkId));
    expect(all(root, 'testcase')).toHaveLength(result.findings.length);
    const sum = (attr: string) => suites.reduce((total, suite) => total + Number(suite.attrs[attr]), 0);
    expect(root.attrs).toMatchObject({
      tests: String(result.findings.length),
      failures: String(result.findings.filter((f) => f.status === 'fail').length),
      errors: '0',
    });
    expect(sum('tests')).toBe(result.findings.length);
    expect(sum('failures')).toBe(Number(root.attrs.failures));
    expect(sum('skipped')).toBe(Number(root.attrs.skipped));
    for (const suite of suites) {
      expect(all(suite, 'testcase')).toHaveLength(Number(suite.attrs.tests));
      expect(all(suite, 'failure')).toHaveLength(Number(suite.attrs.failures));
      expect(all(suite, 'skipped')).toHaveLength(Number(suite.attrs.skipped));
    }
  });

  it('reports a failing finding as a failure with the field, evidence and frameworks', () => {
    const logging = suites.find((suite) => suite.attrs.name === 'eks-logging-control-plane-enabled');
    const [testcase] = all(logging ?? root, 'testcase');
    const failure = all(testcase ?? root, 'failure')[0];

    expect(testcase?.attrs).toEqual({
      classname: 'eks-logging-control-plane-enabled',
      name: 'Cluster prod-eu-1 logging.clusterLogging',
    });
    expect(failure?.attrs).toEqual({
      message: 'Log types audit, authenticator are not enabled.',
      type: 'high',
    });
    expect(failure?.text).toContain('Field: logging.clusterLogging');
    expect(failure?.text).toContain('missing: audit,authenticator');
    expect(failure?.text).toContain('Frameworks: cis-eks-1.8.0 2.1.1; nsa-cisa-1.2 logging');
    const props = Object.fromEntries(
      all(logging ?? root, 'property').map((p) => [p.attrs.name, p.attrs.value]),
    );
    expect(props).toMatchObject({ severity: 'high', responsibility: 'shared', status: 'fail' });
  });

  it('skips not-evaluated and manual findings with the reason, and waived ones with the waiver', () => {
    const skippedOf = (checkId: string) =>
      all(suites.find((suite) => suite.attrs.name === checkId) ?? root, 'skipped').map(
        (s) => s.attrs.message,
      );

    expect(skippedOf('kubelet-anonymous-auth-disabled')).toEqual([
      'Not evaluated: could not read nodes (forbidden): nodes is forbidden',
    ]);
    expect(skippedOf('image-signature-verified')).toEqual([
      'Manual: needs a human attestation: Attest that an admission controller verifies image signatures.',
    ]);
    expect(skippedOf('rbac-no-wildcard-rules')).toEqual([
      'Waived by w-ci-deployer (owner platform-team, until 2099-06-30): CI migration, INC-4411',
    ]);
    expect(skippedOf('aws-etcd-encrypted-at-rest')).toEqual(['Inherited: operated by AWS: Operated by AWS.']);
    // A passing finding is a bare testcase.
    expect(xml).toContain('<testcase classname="pod-no-privileged-containers" name="Deployment shop/web"/>');
  });

  it('escapes hostile names so the document stays well-formed and the text survives', () => {
    const hostile = toJunit(hostileResult(), hostileCatalog());
    const tree = parseXml(hostile);
    const suite = all(tree, 'testsuite').find((s) => s.attrs.name === 'hostile-names-check');
    const cases = all(suite ?? tree, 'testcase');

    expect(hostile).not.toContain(']]>');
    expect(hostile).not.toContain('<![CDATA[');
    expect(hostile).not.toContain('<script>');
    expect(cases).toHaveLength(4);
    // Control characters and the lone surrogate are written out; line breaks and tabs are kept.
    expect(cases[0]?.attrs.name).toBe(
      'Pod x]]><y>/bell\\u{0007}esc\\u{001b}[31mnul\\u{0000} line one\r\nline two\nline three',
    );
    expect(all(cases[0] ?? tree, 'failure')[0]?.attrs.message).toBe(
      '<script>alert(1)</script>&amp; x]]><y> half\\u{d800}pair',
    );
    expect(all(cases[2] ?? tree, 'skipped')[0]?.attrs.message).toContain(HOSTILE.quotesAndCommas);
    expect(cases[2]?.attrs.name).toBe(`Pod x/${HOSTILE.tab}`);
    expect(cases[3]?.attrs.name).toBe(`Pod x/${HOSTILE.emoji}`);
  });

  it('escapes text and attributes for XML', () => {
    expect(xmlText('a]]>b<c&d\re')).toBe('a]]&gt;b&lt;c&amp;d&#13;e');
    expect(xmlAttr(`"'\t\n`)).toBe('&quot;&apos;&#9;&#10;');
    expect(xmlText('\u0000\ufffe\udc00')).toBe('\\u{0000}\\u{fffe}\\u{dc00}');
    expect(xmlText('🚀')).toBe('🚀');
  });

  it('(the test parser refuses what is not well-formed)', () => {
    expect(() => parseXml('<a>x]]>y</a>')).toThrow(XmlSyntaxError);
    expect(() => parseXml('<a b="<"/>')).toThrow(XmlSyntaxError);
    expect(() => parseXml('<a>&nbsp;</a>')).toThrow(XmlSyntaxError);
    expect(() => parseXml('<a>\u0001</a>')).toThrow(XmlSyntaxError);
    expect(() => parseXml('<a><b></a>')).toThrow(XmlSyntaxError);
  });
});
