import { describe, expect, it } from 'vitest';
import { type FleetManifest, type FleetTrendPoint, trendPointOf } from '../../functions/core/fleet.ts';
import type { Severity } from '../../functions/core/model.ts';
import { createFleetReportRenderer } from '../../functions/report/fleet-render.ts';
import { buildTrend, CHART, niceCeiling, orderPoints } from '../../functions/report/fleet-trend.ts';
import { buildFleetReportView } from '../../functions/report/fleet-view-model.ts';
import { capper } from '../../functions/report/text.ts';

const cap = capper(100, '');

function point(
  day: number,
  compliance: number | null,
  failing: Partial<Record<Severity, number>> = {},
): FleetTrendPoint {
  const date = new Date(Date.UTC(2026, 9, 1 + day, 2, 0, 0));
  const stamp = date
    .toISOString()
    .replace(/[-:]/g, '')
    .replace(/\.\d{3}/, '');
  return {
    scanId: `${stamp}-abc123`,
    finishedAt: new Date(date.getTime() + 300_000).toISOString(),
    clusters: 3,
    scanned: 2,
    compliance,
    failingBySeverity: { critical: 0, high: 0, medium: 0, low: 0, info: 0, ...failing },
  };
}

/** Every number a chart attribute holds, so a test can say they stay inside the chart. */
function coordinates(view: ReturnType<typeof buildTrend>): number[] {
  return [
    ...view.compliance.dots.flatMap((dot) => [dot.cx, dot.cy]),
    ...view.compliance.lines.flatMap((line) => line.split(/[ ,]/).map(Number)),
    ...view.failing.bars.flatMap((bar) => [
      bar.x,
      bar.x + bar.width,
      ...bar.segments.flatMap((s) => [s.y, s.y + s.height]),
    ]),
  ];
}

describe('buildTrend', () => {
  it('draws one scan sensibly: a centred dot and bar, and says the trend starts next time', () => {
    const view = buildTrend([point(0, 62.5, { critical: 1, high: 3 })], cap);
    expect(view).toMatchObject({
      count: 1,
      single: true,
      caption: 'One scan so far: the trend starts with the next fleet scan.',
    });
    const middle = CHART.left + (CHART.width - CHART.left - CHART.right) / 2;
    expect(view.compliance.lines).toEqual([]);
    expect(view.compliance.dots).toEqual([
      {
        cx: middle,
        cy: expect.any(Number),
        title:
          '20261001T020000Z-abc123 (2026-10-01 02:05 UTC): mean compliance 62.5% over 2 scanned of 3 clusters',
      },
    ]);
    expect(view.failing.bars).toHaveLength(1);
    expect(view.failing.bars[0]?.title).toBe(
      '20261001T020000Z-abc123 (2026-10-01 02:05 UTC): 4 failing checks (1 critical, 3 high)',
    );
    expect(view.compliance.labels).toEqual([{ x: middle, label: '2026-10-01 02:05', anchor: 'middle' }]);
    expect(view.rows).toEqual([
      {
        scanId: '20261001T020000Z-abc123',
        finishedText: '2026-10-01 02:05',
        clusters: 3,
        scanned: 2,
        complianceText: '62.5%',
        failing: 4,
        critical: 1,
        high: 3,
      },
    ]);
  });

  it('draws 30 scans oldest first, inside the chart, and describes the last change', () => {
    const points = Array.from({ length: 30 }, (_, day) => point(day, 40 + day, { high: 30 - day, low: 5 }));
    const view = buildTrend([...points].reverse(), cap);

    expect(view.count).toBe(30);
    expect(view.rows.map((row) => row.scanId)).toEqual(points.map((p) => p.scanId));
    expect(view.compliance.lines).toHaveLength(1);
    expect(view.compliance.lines[0]?.split(' ')).toHaveLength(30);
    expect(view.failing.bars).toHaveLength(30);
    const xs = view.failing.bars.map((bar) => bar.x);
    expect([...xs].sort((a, b) => a - b)).toEqual(xs);
    for (const value of coordinates(view)) {
      expect(value).toBeGreaterThanOrEqual(0);
      expect(value).toBeLessThanOrEqual(CHART.width);
    }
    // Compliance rises from 40% to 69%: the line climbs (SVG y grows downwards).
    const ys = view.compliance.dots.map((dot) => dot.cy);
    expect(ys[0]).toBeGreaterThan(ys.at(-1) as number);
    expect(view.caption).toBe(
      'The last 30 fleet scans, 2026-10-01 02:05 to 2026-10-30 02:05 UTC. Since the previous scan: ' +
        'mean compliance 69% (+1 point), 6 failing checks (\u22121).',
    );
    expect(view.compliance.labels.map((label) => label.anchor)).toEqual(['start', 'end']);
  });

  it('keeps only the newest maxPoints scans and counts a repeated scan once', () => {
    const points = Array.from({ length: 40 }, (_, day) => point(day, 50));
    const view = buildTrend([...points, { ...points[39], compliance: 99 } as FleetTrendPoint], cap, 30);
    expect(view.count).toBe(30);
    expect(view.rows[0]?.scanId).toBe(points[10]?.scanId);
    expect(view.rows.at(-1)?.complianceText).toBe('99%');
  });

  it('breaks the line where compliance is unknown instead of drawing a zero', () => {
    const view = buildTrend([point(0, 50), point(1, 60), point(2, null), point(3, 70), point(4, 80)], cap);
    expect(view.compliance.lines).toHaveLength(2);
    expect(view.compliance.dots).toHaveLength(4);
    expect(view.rows[2]?.complianceText).toBe('—');
    expect(view.caption).toContain('mean compliance 80% (+10 points)');
    const unknownLast = buildTrend([point(0, 50), point(1, null)], cap);
    expect(unknownLast.caption).toContain('mean compliance not comparable');
  });

  it('stacks failing checks by severity, most severe at the base, on a rounded scale', () => {
    const view = buildTrend([point(0, 50, { critical: 2, medium: 5, low: 1 })], cap);
    const [bar] = view.failing.bars;
    expect(bar?.segments.map((segment) => segment.severityClass)).toEqual([
      'sev-critical',
      'sev-medium',
      'sev-low',
    ]);
    const [critical, medium] = bar?.segments ?? [];
    // Each segment sits on the one below it.
    expect((medium?.y ?? 0) + (medium?.height ?? 0)).toBeCloseTo(critical?.y ?? 0, 1);
    expect(view.failing.ticks.map((tick) => tick.label)).toEqual(['0', '5', '10']);
    expect(niceCeiling(0)).toBe(1);
    expect(niceCeiling(7)).toBe(10);
    expect(niceCeiling(102)).toBe(200);
    expect(niceCeiling(250)).toBe(500);
    expect(buildTrend([point(0, 50)], cap).failing.bars[0]?.segments).toEqual([]);
  });

  it('prints a time that is no time as it is, capped', () => {
    const odd = { ...point(0, 50), finishedAt: `<b>${'x'.repeat(200)}` };
    const view = buildTrend([odd], cap);
    expect(view.rows[0]?.finishedText).toBe(`<b>${'x'.repeat(97)}… [103 more characters]`);
  });

  it('orders by scan id, which starts with the scan time', () => {
    expect(orderPoints([point(2, 1), point(0, 1), point(1, 1)], 2).map((p) => p.scanId)).toEqual([
      point(1, 1).scanId,
      point(2, 1).scanId,
    ]);
  });
});

describe('the trend in the fleet report', () => {
  const manifest: FleetManifest = {
    schemaVersion: 1,
    scanId: '20261031T020000Z-abc123',
    startedAt: '2026-10-31T02:00:00.000Z',
    finishedAt: '2026-10-31T02:05:00.000Z',
    skipped: [],
    clusters: [
      {
        cluster: { accountId: '111111111111', region: 'eu-west-1', name: 'a' },
        clusterKey: '111111111111/eu-west-1/a',
        outcome: 'scanned',
        summary: {
          overall: { compliance: 75, coverage: 100, counts: {} as never },
          failingBySeverity: { critical: 1, high: 2, medium: 0, low: 0, info: 0 },
          gaps: 0,
        },
      },
      {
        cluster: { accountId: '111111111111', region: 'eu-west-1', name: 'b' },
        clusterKey: '111111111111/eu-west-1/b',
        outcome: 'unreachable',
        reason: 'timeout',
      },
    ],
  };

  it('adds this scan to the history as the last point, from the manifest', () => {
    expect(trendPointOf(manifest)).toEqual({
      scanId: manifest.scanId,
      finishedAt: manifest.finishedAt,
      clusters: 2,
      scanned: 1,
      compliance: 75,
      failingBySeverity: { critical: 1, high: 2, medium: 0, low: 0, info: 0 },
    });
    const alone = buildFleetReportView(manifest, []);
    expect(alone.trend.single).toBe(true);
    const view = buildFleetReportView(manifest, [], { history: [point(28, 70), point(29, 72)] });
    expect(view.trend.rows.map((row) => row.complianceText)).toEqual(['70%', '72%', '75%']);
  });

  it('renders two inline SVG charts and a table, with nothing to fetch', () => {
    const html = createFleetReportRenderer().renderFleetReport(
      buildFleetReportView(manifest, [], { history: [point(29, 72)] }),
    );
    const section = html.slice(html.indexOf('id="trend"'), html.indexOf('id="worst"'));
    expect(section.match(/<svg /g)).toHaveLength(2);
    expect(section).toContain('<polyline class="line" points="');
    expect(section.match(/<circle class="dot"/g)).toHaveLength(2);
    expect(section).toContain('<rect class="seg sev-critical"');
    expect(section).not.toMatch(/href=|src=|url\(/);
    expect(section).toContain('<summary>The trend as a table</summary>');
  });
});
