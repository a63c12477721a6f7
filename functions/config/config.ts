import { readFile } from 'node:fs/promises';
import { parse as parseYaml } from 'yaml';
import { z } from 'zod';
import type { CheckParams, Policy } from '../core/model.ts';
import { SEVERITIES } from '../core/model.ts';
import { DEFAULT_PARAMS } from '../core/params.ts';
import { DEFAULT_SYSTEM_COMPONENTS } from '../core/system-components.ts';

/** The user made a mistake in configuration; the message names the problem and the fix. */
export class ConfigError extends Error {
  override name = 'ConfigError';
}

const isoDate = z
  .string()
  .refine((value) => !Number.isNaN(Date.parse(value)), 'must be an ISO date such as 2026-12-31');

const waiverSchema = z
  .object({
    id: z.string().min(1).optional(),
    checkId: z.string().min(1, 'name the check to waive'),
    scope: z
      .object({
        cluster: z.string().min(1).optional(),
        namespace: z.string().min(1).optional(),
        kind: z.string().min(1).optional(),
        name: z.string().min(1).optional(),
        labels: z.record(z.string(), z.string()).optional(),
      })
      .strict()
      .default({}),
    reason: z.string().min(10, 'say why the risk is accepted (at least 10 characters)'),
    owner: z.string().min(1, 'name who owns the accepted risk'),
    expires: isoDate,
  })
  .strict();

const systemComponentSchema = z
  .object({
    name: z
      .string()
      .regex(/^[a-z0-9]([a-z0-9.-]*[a-z0-9])?$/, 'use a short lower-case name such as aws-node'),
    namespace: z.string().min(1, 'give the namespace (a glob)'),
    kind: z.string().min(1, 'give the resource kind, e.g. DaemonSet'),
    resourceName: z.string().min(1, 'give the resource name (a glob)'),
    checks: z.array(z.string().min(1)).min(1, 'list the checks the component is exempt from'),
    reason: z.string().min(10, 'say why the component needs it (at least 10 characters)'),
    owner: z.string().min(1).optional(),
  })
  .strict();

const paramsShape = Object.fromEntries(
  Object.entries(DEFAULT_PARAMS).map(([key, value]) => [
    key,
    (Array.isArray(value)
      ? z.array(z.string())
      : typeof value === 'number'
        ? z.number().int().nonnegative()
        : typeof value === 'boolean'
          ? z.boolean()
          : z.string()
    ).optional(),
  ]),
);

const configSchema = z
  .object({
    params: z.object(paramsShape).strict().default({}),
    waivers: z.array(waiverSchema).default([]),
    severityOverrides: z.record(z.string(), z.enum(SEVERITIES)).default({}),
    /** Replaces the default system-component list; `[]` turns exemptions off. */
    systemComponents: z
      .array(systemComponentSchema)
      .refine(
        (components) => new Set(components.map((c) => c.name)).size === components.length,
        'system component names must be unique (each names its waiver id)',
      )
      .optional(),
  })
  .strict();

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

/** Reads a YAML or JSON config file. */
export async function loadPolicy(
  path: string | undefined,
  knownCheckIds: readonly string[],
): Promise<Policy> {
  if (path === undefined) return policyFromConfig({}, knownCheckIds);
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    throw new ConfigError(`cannot read config file ${path}: ${(error as Error).message}`);
  }
  let raw: unknown;
  try {
    raw = parseYaml(text);
  } catch (error) {
    throw new ConfigError(`config file ${path} is not valid YAML/JSON: ${(error as Error).message}`);
  }
  return policyFromConfig(raw, knownCheckIds, `config file ${path}`);
}
