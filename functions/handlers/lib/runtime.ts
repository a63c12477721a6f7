import { Logger } from '@aws-lambda-powertools/logger';
import { Metrics, MetricUnit } from '@aws-lambda-powertools/metrics';
import type { Context } from 'aws-lambda';
import { safeMessage } from '../../collect/kube-reader.ts';

/**
 * What every handler shares: dependencies built lazily (on the first invocation, not at
 * import, so a cold start with a bad environment fails inside an invocation with a clear
 * error, and tests import a handler without any AWS setup), and the small logging and
 * metrics surfaces the handlers use — Powertools' Logger and Metrics satisfy them, and
 * tests pass recorders.
 */

/** A handler's dependencies, or a function that builds them once, on first use. */
export type DepsSource<D> = D | (() => D);

/** Memoizes `build`: the first call builds, later calls get the same value. */
export function lazy<T>(build: () => T): () => T {
  let built: { value: T } | undefined;
  return () => {
    built ??= { value: build() };
    return built.value;
  };
}

export function resolver<D extends object>(source: DepsSource<D>): () => D {
  return typeof source === 'function' ? lazy(source as () => D) : () => source;
}

/** Structured, JSON logs; never given a token, a credential or a whole event. */
export interface HandlerLogger {
  info(message: string, ...attributes: Record<string, unknown>[]): void;
  warn(message: string, ...attributes: Record<string, unknown>[]): void;
  error(message: string, ...attributes: Record<string, unknown>[]): void;
  /** Keys added to every log line until `resetKeys` (one cluster, one request). */
  appendKeys(keys: Record<string, unknown>): void;
  resetKeys(): void;
  addContext?(context: Context): void;
}

export type MetricName =
  | 'ClustersDiscovered'
  | 'DiscoverySkips'
  | 'ClustersScanned'
  | 'ClustersUnreachable'
  | 'ClustersForbidden'
  | 'ClustersFailed'
  | 'ChecksFailed'
  | 'ClustersNotFinished'
  | 'ScansStarted';

/** CloudWatch metrics through EMF log lines (no API call). */
export interface HandlerMetrics {
  addMetric(name: MetricName, unit: typeof MetricUnit.Count, value: number): unknown;
  publishStoredMetrics(): unknown;
}

export const COUNT = MetricUnit.Count;

/** Powertools Logger and Metrics for one function (POWERTOOLS_* variables refine them). */
export function powertools(serviceName: string): { logger: HandlerLogger; metrics: HandlerMetrics } {
  return {
    logger: new Logger({ serviceName }),
    metrics: new Metrics({ namespace: 'Watchkeeper', serviceName }),
  };
}

/** The input event is not what the state machine or the API sends: a caller's mistake. */
export class InvalidEventError extends Error {
  override name = 'InvalidEventError';
}

/** The part of the Lambda context the handlers read; tests may leave it out or pass part of it. */
export type HandlerContext = Partial<Context>;

/** Adds the invocation's request id, function name and cold start to every log line, in Lambda. */
export function withLambdaContext(logger: HandlerLogger, context: HandlerContext | undefined): void {
  if (context?.functionName !== undefined && context.awsRequestId !== undefined) {
    logger.addContext?.(context as Context);
  }
}

/** A message safe to log about an error: name and message, scrubbed of anything token-like, capped. */
export function errorText(error: unknown): string {
  return safeMessage(error instanceof Error ? `${error.name}: ${error.message}` : String(error));
}
