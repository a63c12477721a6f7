import { SEVERITIES, STATUSES } from '../core/model.ts';

/**
 * The small text helpers both HTML reports share: capping and un-hiding untrusted strings,
 * formatting percentages, times and durations, and the CSS classes and widths of the
 * closed vocabularies (tones, severities, statuses), so the cluster and fleet reports print a value
 * the same way.
 */

/** What the reports print for an absent value. */
export const EMPTY = '—';

export const TONES = ['good', 'fair', 'poor', 'none'] as const;

export type Tone = (typeof TONES)[number];

// C0/C1 controls (but tab and newline) and the characters that reorder text (Trojan Source,
// CVE-2021-42574), which could make a resource name read as another.
// biome-ignore lint/suspicious/noControlCharactersInRegex: matching control characters is the point.
const INVISIBLE = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]/g;

/** Shows the characters of INVISIBLE as `\u{…}` escapes. */
export function visible(text: string): string {
  return text.replace(INVISIBLE, (char) => `\\u{${char.codePointAt(0)?.toString(16).padStart(4, '0')}}`);
}

/**
 * Makes an untrusted value safe to print: a string, visible, at most `max` characters.
 * `undefined` prints as the empty string, `null` as `nullText` (the cluster report prints
 * `null`, the fleet report nothing).
 */
export function capper(max: number, nullText = 'null'): (value: unknown) => string {
  return (value) => {
    const raw =
      typeof value === 'string'
        ? value
        : value === undefined
          ? ''
          : value === null
            ? nullText
            : String(value);
    const text = visible(raw);
    if (text.length <= max) return text;
    return `${text.slice(0, max)}… [${text.length - max} more characters]`;
  };
}

export function finiteOrNull(value: unknown): number | null {
  return typeof value === 'number' && Number.isFinite(value) ? value : null;
}

/** `87.5%`, `90%`, or `—` for null. */
export function percentText(value: number | null): string {
  return value === null ? EMPTY : `${value.toFixed(1).replace(/\.0$/, '')}%`;
}

export function toneOf(compliance: number | null): Tone {
  if (compliance === null) return 'none';
  if (compliance >= 90) return 'good';
  if (compliance >= 70) return 'fair';
  return 'poor';
}

function includes<T extends string>(list: readonly T[], value: unknown): value is T {
  return typeof value === 'string' && (list as readonly string[]).includes(value);
}

/** `tone-good` …; anything but a tone gets `tone-none`. */
export function toneClass(tone: unknown): string {
  return includes(TONES, tone) ? `tone-${tone}` : 'tone-none';
}

/** `sev-critical` …; anything but a severity gets `sev-unknown`. */
export function severityClass(severity: unknown): string {
  return includes(SEVERITIES, severity) ? `sev-${severity}` : 'sev-unknown';
}

/** `st-fail`, `st-not-evaluated` …; anything but a status gets `st-unknown`. */
export function statusClass(status: unknown): string {
  return includes(STATUSES, status) ? `st-${status.replace('_', '-')}` : 'st-unknown';
}

/** A CSS width for a 0..100 score; an absent score draws an empty bar. */
export function barWidth(value: unknown): string {
  return typeof value === 'number' && Number.isFinite(value) ? `${Math.min(100, Math.max(0, value))}%` : '0%';
}

/** `2026-11-23 02:00:00 UTC`; a value that is not a time is printed capped, as it is. */
export function formatTime(iso: string, cap: (value: unknown) => string): string {
  const time = Date.parse(iso);
  if (Number.isNaN(time)) return cap(iso);
  return `${new Date(time)
    .toISOString()
    .replace('T', ' ')
    .replace(/\.\d{3}Z$/, '')} UTC`;
}

/** `42s`, `3m 5s`, `1h 4m`, or `—` when the times are not in order. */
export function formatDuration(startedAt: string, finishedAt: string): string {
  const ms = Date.parse(finishedAt) - Date.parse(startedAt);
  if (!Number.isFinite(ms) || ms < 0) return EMPTY;
  const seconds = Math.round(ms / 1000);
  if (seconds < 60) return `${seconds}s`;
  const minutes = Math.floor(seconds / 60);
  if (minutes < 60) return `${minutes}m ${seconds % 60}s`;
  return `${Math.floor(minutes / 60)}h ${minutes % 60}m`;
}
