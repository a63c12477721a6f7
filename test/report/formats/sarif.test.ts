import { describe, expect, it } from 'vitest';
import {
  buildSarifLog,
  SARIF_FINGERPRINT,
  type SarifLog,
  toSarif,
} from '../../../functions/report/formats/sarif.ts';
import { hostileCatalog, hostileResult, sampleCatalog, sampleResult } from '../sample-result.ts';

/**
 * The parts of the SARIF 2.1.0 schema (sarif-schema-2.1.0.json) this log uses, checked by
 * hand: required properties, enums, and the references between results and rules.
 */
function schemaProblems(log: unknown): string[] {
  const problems: string[] = [];
  const need = (ok: boolean, what: string) => {
    if (!ok) problems.push(what);
  };
  const isString = (value: unknown) => typeof value === 'string' && value.length > 0;
  const isUri = (value: unknown) => {
    try {
      return typeof value === 'string' && new URL(value).protocol.length > 0;
    } catch {
      return false;
    }
  };
  const message = (value: unknown, where: string) => {
    const m = value as { text?: unknown; id?: unknown } | undefined;
    need(
      typeof m === 'object' && m !== null && (isString(m.text) || isString(m.id)),
      `${where}: message.text`,
    );
  };
  const l = log as SarifLog;
  need(l.version === '2.1.0', 'version is 2.1.0');
  need(isUri(l.$schema), '$schema is a URI');
  need(Array.isArray(l.runs) && l.runs.length > 0, 'runs is a non-empty array');
  for (const [r, run] of (l.runs ?? []).entries()) {
    const driver = run.tool?.driver;
    need(isString(driver?.name), `runs[${r}].tool.driver.name`);
    const rules = driver?.rules ?? [];
    const ids = rules.map((rule) => rule.id);
    need(new Set(ids).size === ids.length, `runs[${r}] rule ids are unique`);
    for (const [i, rule] of rules.entries()) {
      const where = `runs[${r}].rules[${i}]`;
      need(isString(rule.id), `${where}.id`);
      for (const key of ['shortDescription', 'fullDescription', 'help'] as const)
        message(rule[key], `${where}.${key}`);
      if (rule.helpUri !== undefined) need(isUri(rule.helpUri), `${where}.helpUri is a URI`);
      need(['none', 'note', 'warning', 'error'].includes(rule.defaultConfiguration.level), `${where} level`);
      const score = Number(rule.properties['security-severity']);
      need(Number.isFinite(score) && score >= 0 && score <= 10, `${where} security-severity is 0..10`);
      need(Array.isArray(rule.properties.tags), `${where} tags`);
    }
    for (const [i, result] of (run.results ?? []).entries()) {
      const where = `runs[${r}].results[${i}]`;
      message(result.message, where);
      need(['none', 'note', 'warning', 'error'].includes(result.level), `${where}.level`);
      need(
        ['pass', 'open', 'informational', 'notApplicable', 'review', 'fail'].includes(result.kind),
        `${where}.kind`,
      );
      need(rules[result.ruleIndex]?.id === result.ruleId, `${where}.ruleIndex names ruleId`);
      for (const location of result.locations) {
        for (const logical of location.logicalLocations) {
          need(isString(logical.name) || isString(logical.fullyQualifiedName), `${where} logical location`);
        }
      }
      for (const value of Object.values(result.partialFingerprints))
        need(isString(value), `${where} fingerprint`);
      for (const suppression of result.suppressions ?? []) {
        need(['inSource', 'external'].includes(suppression.kind), `${where} suppression kind`);
        need(
          ['accepted', 'underReview', 'rejected'].includes(suppression.status),
          `${where} suppression status`,
        );
      }
    }
    for (const [i, invocation] of (run.invocations ?? []).entries()) {
      need(typeof invocation.executionSuccessful === 'boolean', `invocations[${i}].executionSuccessful`);
      for (const notification of invocation.toolExecutionNotifications)
        message(notification.message, 'notification');
    }
  }
  return problems;
}

describe('toSarif', () => {
  const result = sampleResult();
  const log = JSON.parse(
    toSarif(result, sampleCatalog(), { informationUri: 'https://example.com/watchkeeper' }),
  );
  const run = (log as SarifLog).runs[0];

  it('has the shape SARIF 2.1.0 requires', () => {
    expect(schemaProblems(log)).toEqual([]);
    expect(schemaProblems({ version: '2.0.0', runs: [] })).toEqual(
      expect.arrayContaining(['version is 2.1.0', 'runs is a non-empty array']),
    );
  });

  it('describes the tool and every check as a rule', () => {
    expect(run.tool.driver).toMatchObject({
      name: 'Watchkeeper',
      version: expect.stringMatching(/^\d+\.\d+\.\d+/),
      informationUri: 'https://example.com/watchkeeper',
    });
    expect(run.tool.driver.rules.map((rule) => rule.id)).toEqual(result.checks.map((check) => check.checkId));
    const logging = run.tool.driver.rules.find((rule) => rule.id === 'eks-logging-control-plane-enabled');
    expect(logging).toMatchObject({
      name: 'EksLoggingControlPlaneEnabled',
      shortDescription: { text: 'All control-plane log types are enabled' },
      fullDescription: { text: expect.stringContaining('audit and authenticator logs') },
      helpUri: 'https://docs.aws.amazon.com/eks/latest/userguide/control-plane-logs.html',
      defaultConfiguration: { level: 'error' },
      properties: {
        'security-severity': '8.0',
        severity: 'high',
        responsibility: 'Shared',
        tags: expect.arrayContaining([
          'security',
          'responsibility:shared',
          'cis-eks-1.8.0',
          'CIS 2.1.1',
          'nsa-cisa-1.2',
        ]),
      },
    });
    expect(logging?.help.text).toContain('Enable every control-plane log type.');
    expect(logging?.help.markdown).toContain('```sh\naws eks update-cluster-config');
    // The javascript: link in the catalog is never offered as help.
    expect(JSON.stringify(run.tool.driver.rules)).not.toContain('javascript:');
  });

  it('reports failing findings as results and waived ones as suppressed results', () => {
    const failing = result.findings.filter((f) => f.status === 'fail');
    const waived = result.findings.filter((f) => f.status === 'waived');
    expect(run.results).toHaveLength(failing.length + waived.length);
    expect(run.results.filter((r) => r.suppressions)).toHaveLength(waived.length);
    const suppressed = run.results.find((r) => r.suppressions);
    expect(suppressed?.suppressions).toEqual([
      {
        kind: 'external',
        status: 'accepted',
        justification: 'Waiver w-ci-deployer (owner platform-team, until 2099-06-30): CI migration, INC-4411',
      },
    ]);
    expect(buildSarifLog(result, sampleCatalog(), { includeWaived: false }).runs[0].results).toHaveLength(
      failing.length,
    );
  });

  it('locates a result logically, with the field path, and fingerprints it by its diff key', () => {
    const privileged = run.results.find((r) => r.ruleId === 'pod-no-privileged-containers');
    const finding = result.findings.find(
      (f) => f.checkId === 'pod-no-privileged-containers' && f.status === 'fail',
    );
    if (!finding) throw new Error('fixture changed');

    expect(privileged).toMatchObject({
      level: 'error',
      kind: 'fail',
      message: { text: finding.message },
      locations: [
        {
          logicalLocations: [
            {
              name: finding.resource.name,
              fullyQualifiedName: `Pod/default/${finding.resource.name}`,
              kind: 'resource',
            },
          ],
          properties: {
            kind: 'Pod',
            namespace: 'default',
            apiVersion: 'v1',
            path: 'spec.containers[0].securityContext.privileged',
          },
        },
      ],
      properties: { path: 'spec.containers[0].securityContext.privileged', severity: 'critical' },
    });
    const fingerprint = privileged?.partialFingerprints[SARIF_FINGERPRINT];
    expect(fingerprint).toMatch(/^[0-9a-f]{64}$/);
    // The same finding in the next scan keeps its fingerprint; every finding has its own.
    const next = sampleResult();
    next.scanId = 'next';
    next.findings.reverse();
    const again = buildSarifLog(next, sampleCatalog()).runs[0].results.find(
      (r) =>
        r.ruleId === finding.checkId &&
        r.locations[0]?.properties.name === finding.resource.name &&
        r.locations[0]?.properties.path === finding.path,
    );
    expect(again?.partialFingerprints[SARIF_FINGERPRINT]).toBe(fingerprint);
    const all = run.results.map((r) => r.partialFingerprints[SARIF_FINGERPRINT]);
    expect(new Set(all).size).toBe(all.length);
  });

  it('maps severities to levels and GitHub security-severity bands', () => {
    const levels = Object.fromEntries(
      run.tool.driver.rules.map((rule) => [
        rule.properties.severity,
        [rule.defaultConfiguration.level, rule.properties['security-severity']],
      ]),
    );
    expect(levels).toEqual({
      critical: ['error', '9.5'],
      high: ['error', '8.0'],
      medium: ['warning', '5.5'],
      low: ['note', '3.0'],
      info: ['note', '0.0'],
    });
  });

  it('says which checks could not be evaluated, instead of dropping them', () => {
    expect(run.invocations[0]?.toolExecutionNotifications).toEqual([
      {
        level: 'warning',
        message: { text: 'Not evaluated: could not read eks.versions (throttled): Rate exceeded' },
        descriptor: { id: 'eks-version-supported' },
      },
      {
        level: 'warning',
        message: { text: 'Not evaluated: could not read nodes (forbidden): nodes is forbidden' },
        descriptor: { id: 'kubelet-anonymous-auth-disabled' },
      },
    ]);
    expect(run.automationDetails.id).toBe('watchkeeper/prod-eu-1/20260301T020000Z-a1b2');
  });

  it('keeps hostile text as data: valid JSON, the text unchanged', () => {
    const text = toSarif(hostileResult(), hostileCatalog());
    const parsed = JSON.parse(text) as SarifLog;
    expect(schemaProblems(parsed)).toEqual([]);
    const hostile = parsed.runs[0].results.filter((r) => r.ruleId === 'hostile-names-check');
    expect(hostile.map((r) => r.locations[0]?.properties.name)).toEqual([
      'bell\u0007esc\u001b[31mnul\u0000',
      '+1+cmd|/C calc!A0',
    ]);
    expect(hostile[0]?.message.text).toBe('<script>alert(1)</script>&amp; x]]><y> half\ud800pair');
  });
});
