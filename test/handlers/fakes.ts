import type { HandlerLogger, HandlerMetrics, MetricName } from '../../functions/handlers/lib/runtime.ts';

export interface LogLine {
  level: 'info' | 'warn' | 'error';
  message: string;
  keys: Record<string, unknown>;
  attributes: Record<string, unknown>;
}

/** Records what a handler logs, with the keys appended at the time, as Powertools would print it. */
export function recordingLogger(): HandlerLogger & { lines: LogLine[]; text(): string } {
  const lines: LogLine[] = [];
  let keys: Record<string, unknown> = {};
  const log =
    (level: LogLine['level']) =>
    (message: string, ...attributes: Record<string, unknown>[]) => {
      lines.push({ level, message, keys: { ...keys }, attributes: Object.assign({}, ...attributes) });
    };
  return {
    lines,
    info: log('info'),
    warn: log('warn'),
    error: log('error'),
    appendKeys: (more) => {
      keys = { ...keys, ...more };
    },
    resetKeys: () => {
      keys = {};
    },
    text: () => JSON.stringify(lines),
  };
}

/** Records metrics; `published` counts the flushes. */
export function recordingMetrics(): HandlerMetrics & {
  metrics: { name: MetricName; value: number }[];
  published: number;
  total(name: MetricName): number;
} {
  const recorder = {
    metrics: [] as { name: MetricName; value: number }[],
    published: 0,
    addMetric(name: MetricName, _unit: 'Count', value: number) {
      recorder.metrics.push({ name, value });
      return recorder;
    },
    publishStoredMetrics() {
      recorder.published += 1;
      return recorder;
    },
    total(name: MetricName) {
      return recorder.metrics.filter((metric) => metric.name === name).reduce((sum, m) => sum + m.value, 0);
    },
  };
  return recorder;
}
