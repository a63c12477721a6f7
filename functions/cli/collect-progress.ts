import type { CollectProgressEvent } from '../collect/collector.ts';
import type { Progress } from './progress.ts';

/** Turns the collector's events into progress lines: one per kind, plus retries and failures. */
export function collectProgress(progress: Progress): (event: CollectProgressEvent) => void {
  return (event) => {
    switch (event.type) {
      case 'kind-finished':
        progress.info(
          `${event.kind}: ${event.count.toLocaleString('en-US')} object${event.count === 1 ? '' : 's'} in ${event.pages} page${event.pages === 1 ? '' : 's'} (${(event.durationMs / 1000).toFixed(1)}s)`,
        );
        break;
      case 'kind-retry':
        progress.info(
          `${event.kind}: ${event.status ?? event.reason}, retry ${event.attempt} in ${(event.delayMs / 1000).toFixed(1)}s`,
        );
        break;
      case 'kind-restarted':
        progress.info(`${event.kind}: list restarted (${event.message})`);
        break;
      case 'kind-failed':
        progress.warn(`could not read ${event.kind} (${event.gap.reason}): ${event.gap.message}`);
        break;
      case 'kubelet-started':
        progress.info(
          `kubelet config: reading /configz of ${event.nodes} node${event.nodes === 1 ? '' : 's'}`,
        );
        break;
      case 'kubelet-finished':
        progress.info(
          `kubelet config: ${event.read} read, ${event.failed} failed, ${event.skipped} AWS-operated (${(event.durationMs / 1000).toFixed(1)}s)`,
        );
        break;
      case 'kubelet-failed':
        progress.warn(`could not read kubelet configs (${event.gap.reason}): ${event.gap.message}`);
        break;
      default:
        break;
    }
  };
}
