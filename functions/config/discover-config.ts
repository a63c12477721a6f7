import { type FleetConfig, parseFleetConfig } from './fleet-config.ts';
import {
  bucket,
  type Environment,
  jsonText,
  kmsKeyId,
  parseEnv,
  type ResultsConfig,
  readJson,
  region,
  resultsConfig,
} from './runtime.ts';

/** The discover function's configuration (see runtime.ts for the other functions'). */
export interface DiscoverConfig {
  results: ResultsConfig;
  /** The region the scanner runs in: STS and DescribeRegions are called here. */
  region: string;
  fleet: FleetConfig;
}

/** RESULTS_BUCKET, RESULTS_KMS_KEY_ID?, AWS_REGION, FLEET_CONFIG? (JSON; absent: the scanner's own account in every enabled region). */
export function discoverConfig(env: Environment): DiscoverConfig {
  const values = parseEnv(
    'discover',
    {
      RESULTS_BUCKET: bucket,
      RESULTS_KMS_KEY_ID: kmsKeyId,
      AWS_REGION: region,
      FLEET_CONFIG: jsonText,
    },
    env,
  );
  const fleet = parseFleetConfig(
    readJson(
      'FLEET_CONFIG',
      values.FLEET_CONFIG,
      '{"includeSelf":true,"accounts":[],"regions":["eu-west-1"]}',
    ),
    'FLEET_CONFIG',
  );
  return { results: resultsConfig(values), region: values.AWS_REGION, fleet };
}
