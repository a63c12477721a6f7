import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { REPO_ROOT } from './constructs/watchkeeper-function.ts';

/**
 * The context of cdk.json (the feature flags). The CDK CLI passes it to the app itself; the
 * app also uses it as defaults so `node infra/app.ts` and the tests synthesize exactly what
 * `cdk synth` does (context from the CLI still wins).
 */
export function cdkJsonContext(): Record<string, unknown> {
  const cdkJson = JSON.parse(readFileSync(join(REPO_ROOT, 'cdk.json'), 'utf8')) as {
    context?: Record<string, unknown>;
  };
  return cdkJson.context ?? {};
}
