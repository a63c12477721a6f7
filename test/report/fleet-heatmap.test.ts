import { describe, expect, it } from 'vitest';
import {
  type AreaSummary,
  CHECK_AREAS,
  type CheckArea,
  type FleetManifest,
} from '../../functions/core/fleet.ts';
import { buildHeatMap, type HeatMapInput, heatCellOf } from '../../functions/report/fleet-heatmap.ts';
import { createFleetReportRenderer } from '../../functions/report/fleet-render.ts';
import { buildFleetReportView } from '../../functions/report/fleet-view-model.ts';

const HOSTILE = '"><img src=x onerror=alert(1)>';

function input(
  name: string,
  areas: Partial<Record<CheckArea, AreaSummary>> | undefined,
  outcome: HeatMapInput['outcome'] = 'scanned',
): HeatMapInput {
  return {
    name,
    accountId: '111111111111',
    region: 'eu-west-1',
    outcome,
    outcomeLabel: outcome === 'scanned' ? 'Scanned' : 'Unreachable',
    outcomeClass: `oc-${outcome}`,
    areas,
  };
}

const counts = (
  failing: number,
  passed: number,
  notEvaluated: number,
  worstSeverity?: AreaSummary['worstSeverity'],
) =>
  ({
    failing,
    passed,
    notEvaluated,
    ...(worstSeverity === undefined ? {} : { worstSeverity }),
  }) as AreaSummary;

describe('heatCellOf', () => {
  it('counts failing checks and colours the cell by the worst of them', () => {
    const cell = heatCellOf(input('prod', { rbac: counts(4, 2, 0, 'critical') }), 'rbac');
    expect(cell).toEqual({
      area: 'rbac',
      text: '4',
      heatClass: 'heat-critical',
      title: 'RBAC on prod: 4 failing, 2 passed, 0 not evaluated; worst failing: Critical',
    });
  });

  it('never shows "0" for an area it could not check', () => {
    const cluster = input('prod', {
      eks: counts(0, 3, 0),
      nodes: counts(0, 5, 13),
      pods: counts(0, 0, 4),
      images: counts(0, 0, 0),
      network: counts(2, 1, 3, 'medium'),
    });
    const cells = Object.fromEntries(
      CHECK_AREAS.map((area) => [area, heatCellOf(cluster, area)] as const).map(([area, cell]) => [
        area,
        [cell.text, cell.heatClass],
      ]),
    );
    expect(cells).toEqual({
      eks: ['0', 'heat-clear'],
      // Some of the area could not be evaluated: the count carries a mark.
      nodes: ['0*', 'heat-clear'],
      pods: ['n/e', 'heat-unknown'],
      images: ['n/a', 'heat-na'],
      network: ['2*', 'heat-medium'],
      // Absent from the summary: no data, not a pass.
      rbac: ['—', 'heat-none'],
      workloads: ['—', 'heat-none'],
      namespaces: ['—', 'heat-none'],
    });
  });

  it('shows no data for entries written before per-area counts, and for clusters not scanned', () => {
    expect(heatCellOf(input('old', undefined), 'eks')).toMatchObject({
      text: '—',
      heatClass: 'heat-none',
      title: 'EKS on old: no data (no per-area counts in this scan)',
    });
    const unreachable = heatCellOf(input('gone', { eks: counts(1, 0, 0, 'high') }, 'unreachable'), 'eks');
    expect(unreachable).toMatchObject({
      text: '—',
      heatClass: 'heat-none',
      title: 'EKS on gone: no data (unreachable)',
    });
  });

  it('treats counts that are not counts as no data, and a bad severity as the lowest colour', () => {
    const stored = {
      eks: { failing: -1, passed: 2, notEvaluated: 0 },
      nodes: { failing: '3', passed: 0, notEvaluated: 0 },
      rbac: { failing: 2, passed: 0, notEvaluated: 0, worstSeverity: '<b>x</b>' },
      pods: null,
    } as unknown as Partial<Record<CheckArea, AreaSummary>>;
    const cluster = input('odd', stored);
    expect(heatCellOf(cluster, 'eks').heatClass).toBe('heat-none');
    expect(heatCellOf(cluster, 'nodes').heatClass).toBe('heat-none');
    expect(heatCellOf(cluster, 'pods').heatClass).toBe('heat-none');
    expect(heatCellOf(cluster, 'rbac')).toMatchObject({ text: '2', heatClass: 'heat-info' });
    // Only the summary's own keys count: an inherited one is never read as an area.
    const inherited = Object.create({ namespaces: counts(5, 0, 0, 'high') }) as Partial<
      Record<CheckArea, AreaSummary>
    >;
    expect(heatCellOf(input('proto', inherited), 'namespaces').heatClass).toBe('heat-none');
  });
});

describe('buildHeatMap', () => {
  it('keeps the given order, caps the rows and counts the clusters failing per area', () => {
    const view = buildHeatMap(
      [
        input('worst', { eks: counts(3, 1, 0, 'high'), rbac: counts(1, 4, 0, 'low') }),
        input('better', { eks: counts(0, 4, 0), rbac: counts(2, 3, 0, 'medium') }),
        input('legacy', undefined),
        input('gone', undefined, 'unreachable'),
      ],
      3,
    );
    expect(view.rows.map((row) => [row.name, row.outcomeLabel])).toEqual([
      ['worst', null],
      ['better', null],
      ['legacy', null],
    ]);
    expect(view.moreRows).toBe(1);
    expect(view.withoutData).toBe(1);
    expect(view.columns.map((column) => [column.label, column.failingText])).toEqual([
      ['EKS', '1 / 2'],
      ['Nodes', '0 / 0'],
      ['RBAC', '2 / 2'],
      ['Pods', '0 / 0'],
      ['Images', '0 / 0'],
      ['Workloads', '0 / 0'],
      ['Network', '0 / 0'],
      ['Namespaces', '0 / 0'],
    ]);
    expect(view.rows[0]?.cells).toHaveLength(CHECK_AREAS.length);
  });

  it('names the outcome of a cluster that was not scanned', () => {
    const view = buildHeatMap([input('gone', undefined, 'unreachable')], 10);
    expect(view.rows[0]).toMatchObject({ outcomeLabel: 'Unreachable', outcomeClass: 'oc-unreachable' });
  });
});

describe('the heat map in the fleet report', () => {
  const manifest: FleetManifest = {
    schemaVersion: 1,
    scanId: '20261123T020000Z-abc123',
    startedAt: '2026-11-23T02:00:00.000Z',
    finishedAt: '2026-11-23T02:05:00.000Z',
    skipped: [],
    clusters: [
      {
        cluster: { accountId: '111111111111', region: 'eu-west-1', name: 'good' },
        clusterKey: '111111111111/eu-west-1/good',
        outcome: 'scanned',
        summary: {
          overall: { compliance: 90, coverage: 100, counts: {} as never },
          failingBySeverity: { critical: 0, high: 0, medium: 1, low: 0, info: 0 },
          gaps: 0,
          areas: { eks: counts(1, 9, 0, 'medium') },
        },
      },
      {
        cluster: { accountId: '111111111111', region: 'eu-west-1', name: HOSTILE },
        clusterKey: '111111111111/eu-west-1/hostile',
        outcome: 'scanned',
        summary: {
          overall: { compliance: 10, coverage: 100, counts: {} as never },
          failingBySeverity: { critical: 1, high: 0, medium: 0, low: 0, info: 0 },
          gaps: 0,
          areas: { pods: counts(1, 0, 0, 'critical') },
        },
      },
      {
        cluster: { accountId: '111111111111', region: 'eu-west-1', name: 'before-areas' },
        clusterKey: '111111111111/eu-west-1/before-areas',
        outcome: 'scanned',
        summary: {
          overall: { compliance: 50, coverage: 100, counts: {} as never },
          failingBySeverity: { critical: 0, high: 0, medium: 0, low: 0, info: 0 },
          gaps: 0,
        },
      },
    ],
  };

  it('puts the worst clusters on top and escapes hostile names in cells and tooltips', () => {
    const view = buildFleetReportView(manifest, []);
    expect(view.heatMap.rows.map((row) => row.name)).toEqual([HOSTILE, 'before-areas', 'good']);

    const html = createFleetReportRenderer().renderFleetReport(view);
    const section = html.slice(html.indexOf('id="heatmap"'), html.indexOf('id="trend"'));
    expect(section).not.toContain('<img');
    expect(section).toContain('&quot;&gt;&lt;img src&#x3D;x onerror&#x3D;alert(1)&gt;');
    expect(section).toContain(
      'title="Pods on &quot;&gt;&lt;img src&#x3D;x onerror&#x3D;alert(1)&gt;: 1 failing',
    );
    expect(section).toContain('<td class="heat-cell heat-critical"');
    expect(section.match(/class="heat-cell heat-none"/g)).toHaveLength(CHECK_AREAS.length * 3 - 2);
  });

  it('caps the rows at maxHeatRows and says how many more there are', () => {
    const view = buildFleetReportView(manifest, [], { maxHeatRows: 1 });
    expect(view.heatMap.rows).toHaveLength(1);
    expect(view.heatMap.moreRows).toBe(2);
    expect(createFleetReportRenderer().renderFleetReport(view)).toContain(
      'and 2 more clusters, in the table',
    );
  });
});
