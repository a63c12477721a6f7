import { readFile } from 'node:fs/promises';
import { parse as parseYaml } from 'yaml';
import type { Policy } from '../core/model.ts';
import { ConfigError, policyFromConfig } from './config.ts';

/*
 * Apart from config.ts so that only the CLI bundles the YAML parser: the Lambda handlers get
 * their policy as JSON in an environment variable (functions/config/runtime.ts).
 */

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
