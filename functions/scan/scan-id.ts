import { randomBytes } from 'node:crypto';

/** Step Functions execution names are 1–80 characters; a scan id doubles as one. */
export const MAX_SCAN_ID_LENGTH = 80;

/**
 * `20261123T154000Z-3f9a1c`: sortable by time, unique per run, usable as an execution name.
 * In its own module so that discover and the API name scans without loading the catalog.
 */
export function newScanId(now: Date): string {
  const stamp = now
    .toISOString()
    .replace(/[-:]/g, '')
    .replace(/\.\d+Z$/, 'Z');
  return `${stamp}-${randomBytes(3).toString('hex')}`;
}
