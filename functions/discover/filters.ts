import type { ClusterFilter } from '../config/fleet-config.ts';
import { globMatch } from '../core/glob.ts';

/**
 * Include/exclude rules for discovered clusters. Names and tag values are globs (`*`, `?`),
 * so `{ team: '*' }` means "has a team tag". An include filter needs every criterion it
 * sets to hold; an exclude filter drops a cluster when any one of its criteria holds.
 */

export interface ClusterFilters {
  include?: ClusterFilter;
  exclude?: ClusterFilter;
}

/** Tags are read (one DescribeCluster per cluster) only when a filter needs them. */
export function filtersNeedTags(filters: ClusterFilters): boolean {
  return filters.include?.tags !== undefined || filters.exclude?.tags !== undefined;
}

/** The name-only part, applied before any DescribeCluster call. */
export function passesNameFilters(name: string, filters: ClusterFilters): boolean {
  const include = filters.include?.names;
  if (include !== undefined && !include.some((glob) => globMatch(glob, name))) return false;
  const exclude = filters.exclude?.names ?? [];
  return !exclude.some((glob) => globMatch(glob, name));
}

function tagMatches(tags: Readonly<Record<string, string>>, key: string, valueGlob: string): boolean {
  const value = Object.hasOwn(tags, key) ? tags[key] : undefined;
  return value !== undefined && globMatch(valueGlob, value);
}

export function passesTagFilters(tags: Readonly<Record<string, string>>, filters: ClusterFilters): boolean {
  const include = Object.entries(filters.include?.tags ?? {});
  if (!include.every(([key, glob]) => tagMatches(tags, key, glob))) return false;
  const exclude = Object.entries(filters.exclude?.tags ?? {});
  return !exclude.some(([key, glob]) => tagMatches(tags, key, glob));
}
