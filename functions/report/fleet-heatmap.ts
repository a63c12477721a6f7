import { type AreaSummary, CHECK_AREAS, type CheckArea, type ClusterOutcome } from '../core/fleet.ts';
import { SEVERITIES, type Severity } from '../core/model.ts';
import { AREA_LABELS, SEVERITY_LABELS } from './labels.ts';

/**
 * The fleet heat map as plain data: one row per cluster, one column per check area, each
 * cell the number of the area's checks failing on that cluster, coloured by the most severe
 * of them. A cell never shows "0" for an area that could not be checked: an area whose
 * checks were all not evaluated reads `n/e`, one with nothing to check `n/a`, a count that
 * left some checks unevaluated carries a `*`, and a cluster without per-area counts (not
 * scanned, or scanned before they were kept) reads `—`, "no data".
 *
 * The counts come from the manifest, so they are checked here rather than trusted.
 */

/** A cluster as the heat map gets it: names already capped, `areas` as read from the manifest. */
export interface HeatMapInput {
  name: string;
  accountId: string;
  region: string;
  outcome: ClusterOutcome;
  outcomeLabel: string;
  outcomeClass: string;
  areas: unknown;
}

/**
 * `heat-critical` … `heat-info` (failing, by the worst severity), `heat-clear` (nothing
 * failed), `heat-unknown` (nothing evaluated), `heat-na` (nothing to check), `heat-none` (no data).
 */
export type HeatClass = `heat-${Severity}` | 'heat-clear' | 'heat-unknown' | 'heat-na' | 'heat-none';

export interface HeatCellView {
  area: CheckArea;
  text: string;
  heatClass: HeatClass;
  /** The whole story of the cell, for its tooltip. */
  title: string;
}

export interface HeatRowView {
  name: string;
  accountId: string;
  region: string;
  /** Why a cluster shows no data (`Unreachable` …); null for a scanned cluster. */
  outcomeLabel: string | null;
  outcomeClass: string;
  cells: HeatCellView[];
}

export interface HeatColumnView {
  area: CheckArea;
  label: string;
  /** `2 / 5`: clusters where the area fails, of those with data for it. */
  failingText: string;
}

export interface HeatMapView {
  columns: HeatColumnView[];
  rows: HeatRowView[];
  /** Clusters left out of the map (beyond `maxRows`). */
  moreRows: number;
  /** Clusters in the map that show no data at all. */
  withoutData: number;
}

const count = (value: unknown): number | null =>
  typeof value === 'number' && Number.isInteger(value) && value >= 0 ? value : null;

const isSeverity = (value: unknown): value is Severity =>
  typeof value === 'string' && (SEVERITIES as readonly string[]).includes(value);

/** One area's counts, or null when they are missing or not counts. */
export function areaSummaryOf(areas: unknown, area: CheckArea): AreaSummary | null {
  if (typeof areas !== 'object' || areas === null || !Object.hasOwn(areas, area)) return null;
  const raw = (areas as Record<string, unknown>)[area];
  if (typeof raw !== 'object' || raw === null) return null;
  const { failing, passed, notEvaluated, worstSeverity } = raw as Record<string, unknown>;
  const counts = { failing: count(failing), passed: count(passed), notEvaluated: count(notEvaluated) };
  if (counts.failing === null || counts.passed === null || counts.notEvaluated === null) return null;
  return {
    failing: counts.failing,
    passed: counts.passed,
    notEvaluated: counts.notEvaluated,
    ...(isSeverity(worstSeverity) ? { worstSeverity } : {}),
  };
}

function tally(summary: AreaSummary): string {
  return `${summary.failing} failing, ${summary.passed} passed, ${summary.notEvaluated} not evaluated`;
}

/** The cell of one area on one cluster. */
export function heatCellOf(input: HeatMapInput, area: CheckArea): HeatCellView {
  const where = `${AREA_LABELS[area]} on ${input.name}`;
  const summary = input.outcome === 'scanned' ? areaSummaryOf(input.areas, area) : null;
  if (summary === null) {
    const why =
      input.outcome === 'scanned' ? 'no per-area counts in this scan' : `${input.outcomeLabel.toLowerCase()}`;
    return { area, text: '—', heatClass: 'heat-none', title: `${where}: no data (${why})` };
  }
  const partial = summary.notEvaluated > 0 ? '*' : '';
  if (summary.failing > 0) {
    // A failing count without a valid worst severity still shows as failing, at the lowest colour.
    const worst = summary.worstSeverity ?? 'info';
    return {
      area,
      text: `${summary.failing}${partial}`,
      heatClass: `heat-${worst}`,
      title: `${where}: ${tally(summary)}; worst failing: ${SEVERITY_LABELS[worst]}`,
    };
  }
  if (summary.passed > 0) {
    return { area, text: `0${partial}`, heatClass: 'heat-clear', title: `${where}: ${tally(summary)}` };
  }
  if (summary.notEvaluated > 0) {
    return { area, text: 'n/e', heatClass: 'heat-unknown', title: `${where}: ${tally(summary)}` };
  }
  return { area, text: 'n/a', heatClass: 'heat-na', title: `${where}: no check applied` };
}

/** The heat map of `inputs`, in the order given (worst first), at most `maxRows` rows. */
export function buildHeatMap(inputs: readonly HeatMapInput[], maxRows: number): HeatMapView {
  const columns = CHECK_AREAS.map((area): HeatColumnView => {
    const summaries = inputs
      .filter((input) => input.outcome === 'scanned')
      .map((input) => areaSummaryOf(input.areas, area))
      .filter((summary): summary is AreaSummary => summary !== null);
    const failing = summaries.filter((summary) => summary.failing > 0).length;
    return { area, label: AREA_LABELS[area], failingText: `${failing} / ${summaries.length}` };
  });
  const rows = inputs.slice(0, Math.max(0, maxRows)).map(
    (input): HeatRowView => ({
      name: input.name,
      accountId: input.accountId,
      region: input.region,
      outcomeLabel: input.outcome === 'scanned' ? null : input.outcomeLabel,
      outcomeClass: input.outcomeClass,
      cells: CHECK_AREAS.map((area) => heatCellOf(input, area)),
    }),
  );
  return {
    columns,
    rows,
    moreRows: Math.max(0, inputs.length - rows.length),
    withoutData: rows.filter((row) => row.cells.every((cell) => cell.heatClass === 'heat-none')).length,
  };
}
