import type { FleetTrendPoint } from '../core/fleet.ts';
import { SEVERITIES, type Severity } from '../core/model.ts';
import { SEVERITY_LABELS } from './labels.ts';
import { EMPTY, percentText, severityClass } from './text.ts';

/**
 * The fleet trend as plain data: mean compliance and failing checks over the last fleet scans,
 * with every coordinate of the two inline SVG charts computed here, so the template only
 * prints numbers (no script, no external resource, nothing to draw at load time). The
 * points come from stored manifests (`functions/scan/fleet-history.ts`): one per fleet scan
 * that happened, none made up; a scan whose compliance is unknown breaks the line rather
 * than being drawn as 0.
 */

export const DEFAULT_MAX_TREND_POINTS = 30;

/** The charts' coordinate system (viewBox units); the SVG scales to the page width. */
export const CHART = { width: 560, height: 170, left: 44, right: 12, top: 12, bottom: 26 } as const;
const PLOT_WIDTH = CHART.width - CHART.left - CHART.right;
const PLOT_HEIGHT = CHART.height - CHART.top - CHART.bottom;
const BAR_MAX_WIDTH = 28;

/** Stacked from the bottom: the most severe at the base, where it reads first. */
const STACK: readonly Severity[] = SEVERITIES;

export interface TrendTick {
  y: number;
  label: string;
}

export interface TrendLabel {
  x: number;
  label: string;
  /** `start`, `middle` or `end`: the SVG text-anchor. */
  anchor: string;
}

export interface TrendDot {
  cx: number;
  cy: number;
  title: string;
}

export interface TrendSegment {
  y: number;
  height: number;
  severityClass: string;
}

export interface TrendBar {
  x: number;
  width: number;
  segments: TrendSegment[];
  title: string;
}

export interface TrendRow {
  scanId: string;
  finishedText: string;
  clusters: number;
  scanned: number;
  complianceText: string;
  failing: number;
  critical: number;
  high: number;
}

export interface TrendView {
  /** How many scans the charts show. */
  count: number;
  single: boolean;
  /** One sentence: the span of the trend and the latest change. */
  caption: string;
  chart: { width: number; height: number; left: number; right: number; plotBottom: number };
  compliance: { lines: string[]; dots: TrendDot[]; ticks: TrendTick[]; labels: TrendLabel[] };
  failing: { bars: TrendBar[]; ticks: TrendTick[]; labels: TrendLabel[] };
  /** The same data as a table, oldest first. */
  rows: TrendRow[];
}

const round = (value: number): number => Math.round(value * 10) / 10;

const totalOf = (point: FleetTrendPoint): number =>
  SEVERITIES.reduce((sum, severity) => sum + (point.failingBySeverity[severity] ?? 0), 0);

/** `2026-11-23 02:00`, or the value capped as it is when it is no time. */
function shortTime(iso: string, cap: (value: unknown) => string): string {
  const time = Date.parse(iso);
  if (Number.isNaN(time)) return cap(iso);
  return new Date(time).toISOString().slice(0, 16).replace('T', ' ');
}

/** The smallest 1, 2 or 5 × 10^k at or above `value` (at least 1): the failing chart's top. */
export function niceCeiling(value: number): number {
  if (!(value > 1)) return 1;
  const magnitude = 10 ** Math.floor(Math.log10(value));
  for (const step of [1, 2, 5, 10]) if (step * magnitude >= value) return step * magnitude;
  return 10 * magnitude;
}

/** The last `maxPoints` distinct scans, oldest first (scan ids start with their UTC start time). */
export function orderPoints(points: readonly FleetTrendPoint[], maxPoints: number): FleetTrendPoint[] {
  const byId = new Map(points.map((point) => [point.scanId, point] as const));
  return [...byId.values()]
    .sort((a, b) => (a.scanId < b.scanId ? -1 : a.scanId > b.scanId ? 1 : 0))
    .slice(-Math.max(1, Math.floor(maxPoints)));
}

/** `+2.5 points`, `\u22121`, or `no change`; `unit` is a singular noun or empty. */
function signed(value: number, unit: string): string {
  const rounded = round(value);
  if (rounded === 0) return 'no change';
  const size = Math.abs(rounded);
  const noun = unit === '' ? '' : ` ${unit}${size === 1 ? '' : 's'}`;
  return `${rounded > 0 ? '+' : '\u2212'}${size}${noun}`;
}

function captionOf(points: readonly FleetTrendPoint[], times: readonly string[]): string {
  const last = points.at(-1);
  if (last === undefined) return 'No fleet scan stored yet.';
  if (points.length === 1) return 'One scan so far: the trend starts with the next fleet scan.';
  const previous = points.at(-2) as FleetTrendPoint;
  const compliance =
    last.compliance === null || previous.compliance === null
      ? 'mean compliance not comparable'
      : `mean compliance ${percentText(last.compliance)} (${signed(last.compliance - previous.compliance, 'point')})`;
  const failing = `${totalOf(last)} failing checks (${signed(totalOf(last) - totalOf(previous), '')})`;
  return `The last ${points.length} fleet scans, ${times[0]} to ${times.at(-1)} UTC. Since the previous scan: ${compliance}, ${failing}.`;
}

function xLabels(centers: readonly number[], times: readonly string[]): TrendLabel[] {
  const first = centers[0];
  const last = centers.at(-1);
  if (first === undefined || last === undefined) return [];
  if (centers.length === 1) return [{ x: first, label: times[0] ?? EMPTY, anchor: 'middle' }];
  return [
    { x: CHART.left, label: times[0] ?? EMPTY, anchor: 'start' },
    { x: CHART.width - CHART.right, label: times.at(-1) ?? EMPTY, anchor: 'end' },
  ];
}

const yOf = (share: number): number => round(CHART.top + PLOT_HEIGHT * (1 - Math.min(1, Math.max(0, share))));

/** Consecutive known compliance values joined; an unknown one breaks the line. */
function complianceLines(points: readonly FleetTrendPoint[], centers: readonly number[]): string[] {
  const lines: string[] = [];
  let current: string[] = [];
  points.forEach((point, index) => {
    if (point.compliance === null) {
      if (current.length > 1) lines.push(current.join(' '));
      current = [];
      return;
    }
    current.push(`${centers[index]},${yOf(point.compliance / 100)}`);
  });
  if (current.length > 1) lines.push(current.join(' '));
  return lines;
}

function failingBar(
  point: FleetTrendPoint,
  center: number,
  width: number,
  top: number,
  label: string,
): TrendBar {
  const segments: TrendSegment[] = [];
  let base = 0;
  for (const severity of STACK) {
    const value = point.failingBySeverity[severity] ?? 0;
    if (value <= 0) continue;
    const y = yOf((base + value) / top);
    segments.push({ y, height: round(yOf(base / top) - y), severityClass: severityClass(severity) });
    base += value;
  }
  const parts = STACK.filter((severity) => (point.failingBySeverity[severity] ?? 0) > 0).map(
    (severity) => `${point.failingBySeverity[severity]} ${SEVERITY_LABELS[severity].toLowerCase()}`,
  );
  return {
    x: round(center - width / 2),
    width: round(width),
    segments,
    title: `${label}: ${totalOf(point)} failing checks${parts.length > 0 ? ` (${parts.join(', ')})` : ''}`,
  };
}

/**
 * The trend of `points` (the current scan among them), at most `maxPoints` of them. `cap`
 * makes a stored string safe to print (scan ids and times are validated on the way in, but a
 * time that is not one is printed as it is).
 */
export function buildTrend(
  input: readonly FleetTrendPoint[],
  cap: (value: unknown) => string,
  maxPoints: number = DEFAULT_MAX_TREND_POINTS,
): TrendView {
  const points = orderPoints(input, maxPoints);
  const times = points.map((point) => shortTime(point.finishedAt, cap));
  const slot = PLOT_WIDTH / Math.max(1, points.length);
  const centers = points.map((_, index) => round(CHART.left + slot * (index + 0.5)));
  const top = niceCeiling(Math.max(0, ...points.map(totalOf)));
  const labelOf = (index: number) => `${cap(points[index]?.scanId)} (${times[index]} UTC)`;
  const labels = xLabels(centers, times);

  return {
    count: points.length,
    single: points.length === 1,
    caption: captionOf(points, times),
    chart: {
      width: CHART.width,
      height: CHART.height,
      left: CHART.left,
      right: CHART.width - CHART.right,
      plotBottom: CHART.top + PLOT_HEIGHT,
    },
    compliance: {
      lines: complianceLines(points, centers),
      dots: points.flatMap((point, index) =>
        point.compliance === null
          ? []
          : [
              {
                cx: centers[index] ?? 0,
                cy: yOf(point.compliance / 100),
                title: `${labelOf(index)}: mean compliance ${percentText(point.compliance)} over ${point.scanned} scanned of ${point.clusters} clusters`,
              },
            ],
      ),
      ticks: [0, 50, 100].map((value) => ({ y: yOf(value / 100), label: `${value}%` })),
      labels,
    },
    failing: {
      bars: points.map((point, index) =>
        failingBar(point, centers[index] ?? 0, Math.min(BAR_MAX_WIDTH, slot * 0.6), top, labelOf(index)),
      ),
      ticks: [0, top / 2, top]
        .filter((value) => Number.isInteger(value))
        .map((value) => ({ y: yOf(value / top), label: String(value) })),
      labels,
    },
    rows: points.map((point, index) => ({
      scanId: cap(point.scanId),
      finishedText: times[index] ?? EMPTY,
      clusters: point.clusters,
      scanned: point.scanned,
      complianceText: percentText(point.compliance),
      failing: totalOf(point),
      critical: point.failingBySeverity.critical ?? 0,
      high: point.failingBySeverity.high ?? 0,
    })),
  };
}
