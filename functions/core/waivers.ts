import { globMatch } from './glob.ts';
import type { Finding, Waiver } from './model.ts';

/**
 * A waiver is valid through its expiry: a date-only expiry (`2026-12-31`) lasts to the end
 * of that day (UTC). Comparison uses the snapshot's collection time, never the clock.
 */
export function isExpired(waiver: Waiver, at: string): boolean {
  const dateOnly = /^\d{4}-\d{2}-\d{2}$/.test(waiver.expires);
  const end = Date.parse(dateOnly ? `${waiver.expires}T23:59:59.999Z` : waiver.expires);
  return !(end >= Date.parse(at));
}

export interface WaiverTarget {
  clusterName: string;
  finding: Pick<Finding, 'checkId' | 'resource'>;
  labels: Readonly<Record<string, string>> | undefined;
}

export function waiverMatches(waiver: Waiver, target: WaiverTarget): boolean {
  const { scope } = waiver;
  const { resource } = target.finding;
  if (waiver.checkId !== target.finding.checkId) return false;
  if (scope.cluster !== undefined && !globMatch(scope.cluster, target.clusterName)) return false;
  if (scope.namespace !== undefined && !globMatch(scope.namespace, resource.namespace ?? '')) return false;
  if (scope.kind !== undefined && scope.kind !== resource.kind) return false;
  if (scope.name !== undefined && !globMatch(scope.name, resource.name)) return false;
  if (scope.labels !== undefined) {
    const labels = target.labels ?? {};
    for (const [key, value] of Object.entries(scope.labels)) {
      if (labels[key] !== value) return false;
    }
  }
  return true;
}
