import { describe, expect, it } from 'vitest';
import { formatSummary } from '../../functions/cli/summary.ts';
import { diffResults } from '../../functions/core/diff.ts';
import type { Finding } from '../../functions/core/model.ts';
import { sampleResult } from '../report/sample-result.ts';

describe('formatSummary', () => {
  it('says what changed since the previous scan, "no longer evaluated" apart from resolved', () => {
    const previous = sampleResult();
    previous.scanId = '20260228T020000Z-0000';
    const kubelet = previous.findings.find((f) => f.checkId === 'kubelet-anonymous-auth-disabled') as Finding;
    Object.assign(kubelet, { status: 'fail', resource: { kind: 'Node', name: 'n1' } });
    previous.findings.push({ ...kubelet, resource: { kind: 'Node', name: 'n2' } });
    const nodeport = previous.findings.find((f) => f.checkId === 'svc-no-nodeport') as Finding;
    nodeport.status = 'pass';
    const current = sampleResult();

    const lines = formatSummary(current, diffResults(previous, current)).split('\n');

    expect(lines[1]).toBe(
      'Since the previous scan (20260228T020000Z-0000): +1 new failure, \u22120 resolved, 2 no longer evaluated',
    );
  });

  it('says so on the first scan, and prints no such line without a diff', () => {
    const current = sampleResult();
    expect(formatSummary(current, diffResults(undefined, current)).split('\n')[1]).toBe(
      'First scan of this cluster: nothing to compare with yet.',
    );
    expect(formatSummary(current)).not.toMatch(/previous scan|First scan/);
  });

  it('keeps a hostile previous scan id from driving the terminal', () => {
    const previous = sampleResult();
    previous.scanId = 'x\u001b[2J\u0007';
    const line = formatSummary(sampleResult(), diffResults(previous, sampleResult())).split('\n')[1] ?? '';
    expect(line).toBe(
      'Since the previous scan (x [2J ): +0 new failures, \u22120 resolved, 0 no longer evaluated',
    );
  });
});
