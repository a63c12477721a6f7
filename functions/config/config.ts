import type { CheckParams, Policy } from '../core/model.ts';
import { SEVERITIES } from '../core/model.ts';
import { DEFAULT_PARAMS } from '../core/params.ts';
import { DEFAULT_SYSTEM_COMPONENTS } from '../core/system-components.ts';
import * as z from './zod.ts';

/** The user made a mistake in configuration; the message names the problem and the fix. */
export class ConfigError extends Error {
  override name = 'ConfigError';
}

const isoDate = z
  .string()
  .check(z.refine((value) => !Number.isNaN(Date.parse(value)), 'must be an ISO date such as 2026-12-31'));

const nonEmpty = () => z.string().check(z.minLength(1));

const waiverSchema = z.strictObject({
  id: z.optional(nonEmpty()),
  checkId: z.string().check(z.minLength(1, 'name the check to waive')),
  scope: z._default(
    z.strictObject({
      cluster: z.optional(nonEmpty()),
      namespace: z.optional(nonEmpty()),
      kind: z.optional(nonEmpty()),
      name: z.optional(nonEmpty()),
      labels: z.optional(z.record(z.string(), z.string())),
    }),
    {},
  ),
  reason: z.string().check(z.minLength(10, 'say why the risk is accepted (at least 10 characters)')),
  owner: z.string().check(z.minLength(1, 'name who owns the accepted risk')),
  expires: isoDate,
});

const systemComponentSchema = z.strictObject({
  name: z
    .string()
    .check(z.regex(/^[a-z0-9]([a-z0-9.-]*[a-z0-9])?$/, 'use a short lower-case name such as aws-node')),
  namespace: z.string().check(z.minLength(1, 'give the namespace (a glob)')),
  kind: z.string().check(z.minLength(1, 'give the resource kind, e.g. DaemonSet')),
  resourceName: z.string().check(z.minLength(1, 'give the resource name (a glob)')),
  checks: z.array(nonEmpty()).check(z.minLength(1, 'list the checks the component is exempt from')),
  reason: z.string().check(z.minLength(10, 'say why the component needs it (at least 10 characters)')),
  owner: z.optional(nonEmpty()),
});

const paramsShape = Object.fromEntries(
  Object.entries(DEFAULT_PARAMS).map(([key, value]) => [
    key,
    z.optional(
      Array.isArray(value)
        ? z.array(z.string())
        : typeof value === 'number'
          ? z.number().check(z.int(), z.nonnegative())
          : typeof value === 'boolean'
            ? z.boolean()
            : z.string(),
    ),
  ]),
);

const configSchema = z.strictObject({
  params: z._default(z.strictObject(paramsShape), {}),
  waivers: z._default(z.array(waiverSchema), []),
  severityOverrides: z._default(z.record(z.string(), z.enum(SEVERITIES)), {}),
  /** Replaces the default system-component list; `[]` turns exemptions off. */
  systemComponents: z.optional(
    z
      .array(systemComponentSchema)
      .check(
        z.refine(
          (components) => new Set(components.map((c) => c.name)).size === components.length,
          'system component names must be unique (each names its waiver id)',
        ),
      ),
  ),
});

export type WatchkeeperConfig = z.infer<typeof configSchema>;

/**
 * Validates a parsed config object and turns it into a policy. `knownCheckIds` catches
 * waivers and overrides naming a check that does not exist (a typo would silently waive nothing).
 */
export function policyFromConfig(raw: unknown, knownCheckIds: readonly string[], source = 'config'): Policy {
  const parsed = configSchema.safeParse(raw ?? {});
  if (!parsed.success) {
    throw new ConfigError(`${source} is not valid:\n${z.prettifyError(parsed.error)}`);
  }
  const config = parsed.data;
  const known = new Set(knownCheckIds);
  const unknown = [
    ...config.waivers.map((w) => w.checkId),
    ...Object.keys(config.severityOverrides),
    ...(config.systemComponents ?? []).flatMap((c) => c.checks),
  ].filter((id) => !known.has(id));
  if (unknown.length > 0) {
    throw new ConfigError(
      `${source} names checks that do not exist: ${[...new Set(unknown)].join(', ')}. ` +
        'Run `watchkeeper checks` to list the check ids.',
    );
  }
  const params = { ...DEFAULT_PARAMS, ...config.params } as CheckParams;
  return {
    params,
    severityOverrides: config.severityOverrides,
    waivers: config.waivers.map((waiver, index) => ({
      ...waiver,
      id: waiver.id ?? `waiver-${index + 1}`,
    })),
    systemComponents: (config.systemComponents ?? DEFAULT_SYSTEM_COMPONENTS).map((c) => ({
      ...c,
      checks: [...c.checks],
    })),
  };
}
