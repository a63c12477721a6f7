import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { App, Duration, Stack } from 'aws-cdk-lib';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { cdkJsonContext } from '../../infra/cdk-json.ts';
import {
  BUNDLED_TEMPLATES_DIR,
  ESM_REQUIRE_BANNER,
  REPO_ROOT,
  WatchkeeperFunction,
} from '../../infra/constructs/watchkeeper-function.ts';

// A synth runs cdk-nag and the CloudFormation rules (wasm) and, here, esbuild: seconds alone,
// minutes when the whole suite shares two CPUs.
vi.setConfig({ testTimeout: 300_000, hookTimeout: 300_000 });

// One real esbuild bundle (no Docker): the handler author relies on its layout.
const ENTRY = 'functions/handlers/discover.ts';
let outdir: string;
let asset: string;

beforeAll(() => {
  outdir = mkdtempSync(join(tmpdir(), 'watchkeeper-bundle-'));
  const app = new App({ outdir, context: cdkJsonContext() });
  const stack = new Stack(app, 'Bundle');
  new WatchkeeperFunction(stack, 'Discover', {
    entry: ENTRY,
    description: 'bundling test',
    timeout: Duration.minutes(1),
    memorySize: 512,
    logRetention: 1,
  });
  app.synth();
  const [dir] = readdirSync(outdir).filter((name) => name.startsWith('asset.'));
  if (!dir) throw new Error('no asset was bundled');
  asset = join(outdir, dir);
});

afterAll(() => {
  rmSync(outdir, { recursive: true, force: true });
});

describe('Lambda bundle', () => {
  it('is one minified ESM file with the require banner, a source map and a metafile', () => {
    const code = readFileSync(join(asset, 'index.mjs'), 'utf8');
    expect(code.startsWith(ESM_REQUIRE_BANNER)).toBe(true);
    expect(existsSync(join(asset, 'index.mjs.map'))).toBe(true);
    const meta = JSON.parse(readFileSync(join(asset, 'index.meta.json'), 'utf8')) as {
      inputs: Record<string, { bytes: number }>;
    };
    expect(Object.keys(meta.inputs).some((input) => input.endsWith(ENTRY))).toBe(true);
    // Minified: far smaller than its inputs.
    const inputBytes = Object.values(meta.inputs).reduce((sum, input) => sum + input.bytes, 0);
    expect(code.length).toBeLessThan(inputBytes / 2);
  });

  it('carries templates/ next to index.mjs, so handlers use new URL("./templates/", import.meta.url)', () => {
    const bundled = join(asset, BUNDLED_TEMPLATES_DIR);
    const source = join(REPO_ROOT, 'templates');
    const list = (dir: string): string[] => readdirSync(dir, { recursive: true, encoding: 'utf8' }).sort();
    expect(list(bundled)).toEqual(list(source));
  });

  it('bundles the AWS SDK instead of relying on the runtime copy', () => {
    const meta = JSON.parse(readFileSync(join(asset, 'index.meta.json'), 'utf8')) as { inputs: object };
    expect(Object.keys(meta.inputs).some((input) => input.includes('@aws-sdk/client-s3'))).toBe(true);
  });
});
