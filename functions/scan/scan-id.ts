import { randomBytes } from 'node:crypto';

/** Step Functions execution names are 1–80 characters; a scan id doubles as one. */
export const MAX_SCAN_ID_LENGTH = 80;

/** The last id this process made: the next one in the same second must sort after it. */
let lastId = '';

/**
 * `20261123T154000Z-3f9a1c`: sortable by time, unique per run, usable as an execution name.
 * In its own module so that discover and the API name scans without loading the catalog.
 *
 * The time has whole seconds, so two scans a process names within one second (a CLI run
 * twice by a script, a test) would sort by their random part; the later ones then get a
 * suffix a small random step above the one before (unless that passes ffffff), so fleet
 * history (which takes the scans before an id as the older ones) sees them in the order they
 * were made.
 */
export function newScanId(now: Date): string {
  const stamp = now
    .toISOString()
    .replace(/[-:]/g, '')
    .replace(/\.\d+Z$/, 'Z');
  const random = randomBytes(3);
  let id = `${stamp}-${random.toString('hex')}`;
  if (lastId.startsWith(`${stamp}-`)) {
    // A small random step above the last: still unique, and in the order they were made.
    const next = Number.parseInt(lastId.slice(stamp.length + 1), 16) + 1 + ((random[0] ?? 0) & 0x0f);
    if (next <= 0xffffff) id = `${stamp}-${next.toString(16).padStart(6, '0')}`;
  }
  lastId = id;
  return id;
}
