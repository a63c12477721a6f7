import { existsSync, mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build, type Metafile } from 'esbuild';

/**
 * Bundles each Lambda entry (`functions/handlers/*.ts`) the way the CDK construct does
 * (infra/constructs/watchkeeper-function.ts: NodejsFunction with `format: ESM`,
 * `target: 'node24'`, `mainFields: ['module', 'main']`, the createRequire banner, `minify`,
 * `sourceMap` without sources content, `metafile`, and nothing external because
 * `bundleAwsSDK: true`), and reports each bundle's size with the packages that weigh most.
 *
 * Run as its own process by `bench/run.ts` (`node bench/bundles.ts` prints JSON), so neither
 * esbuild nor the CDK library it reads the banner from counts in the scanner's memory.
 */

const REPO_ROOT = fileURLToPath(new URL('../', import.meta.url));
export const HANDLERS_DIR = join(REPO_ROOT, 'functions/handlers');

export interface BundleSize {
  name: string;
  /** Bytes of the minified `index.mjs` (the source map is a separate file, not counted). */
  bytes: number;
  mapBytes: number;
  /** The heaviest contributors to the bundle: npm packages, and our own code as `functions/`. */
  top: { source: string; bytes: number }[];
}

export type BundleReport =
  | { ok: true; bundles: BundleSize[]; banner: 'construct' | 'fallback' }
  | { ok: false; reason: string };

/** `node_modules/@aws-sdk/client-s3/dist-es/…` → `@aws-sdk/client-s3`; our files → `functions/`. */
function sourceOf(input: string): string {
  const at = input.lastIndexOf('node_modules/');
  if (at < 0) return input.startsWith('functions/') ? 'functions/ (Watchkeeper)' : input;
  const parts = input.slice(at + 'node_modules/'.length).split('/');
  return parts[0]?.startsWith('@') ? `${parts[0]}/${parts[1]}` : (parts[0] ?? input);
}

function topSources(metafile: Metafile, outfile: string): BundleSize['top'] {
  const output = Object.entries(metafile.outputs).find(([path]) => path.endsWith(basename(outfile)))?.[1];
  const bySource = new Map<string, number>();
  for (const [input, { bytesInOutput }] of Object.entries(output?.inputs ?? {})) {
    const source = sourceOf(input);
    bySource.set(source, (bySource.get(source) ?? 0) + bytesInOutput);
  }
  return [...bySource]
    .sort((a, b) => b[1] - a[1])
    .slice(0, 6)
    .map(([source, bytes]) => ({ source, bytes }));
}

async function banner(): Promise<{ text: string; from: 'construct' | 'fallback' }> {
  try {
    const construct = await import('../infra/constructs/watchkeeper-function.ts');
    return { text: construct.ESM_REQUIRE_BANNER, from: 'construct' };
  } catch {
    // The infra code is being edited elsewhere: the banner is one line, and its size is what counts.
    return {
      text: "import { createRequire } from 'module';const require = createRequire(import.meta.url);",
      from: 'fallback',
    };
  }
}

export async function measureBundles(): Promise<BundleReport> {
  if (!existsSync(HANDLERS_DIR)) return { ok: false, reason: 'functions/handlers/ does not exist yet' };
  const entries = readdirSync(HANDLERS_DIR)
    .filter((file) => file.endsWith('.ts'))
    .sort();
  if (entries.length === 0) return { ok: false, reason: 'functions/handlers/ has no handler files yet' };
  const { text, from } = await banner();
  const out = mkdtempSync(join(tmpdir(), 'watchkeeper-bundles-'));
  try {
    const bundles: BundleSize[] = [];
    for (const file of entries) {
      const name = basename(file, '.ts');
      const outfile = join(out, name, 'index.mjs');
      const result = await build({
        absWorkingDir: REPO_ROOT,
        entryPoints: [join(HANDLERS_DIR, file)],
        bundle: true,
        platform: 'node',
        format: 'esm',
        target: 'node24',
        mainFields: ['module', 'main'],
        banner: { js: text },
        minify: true,
        sourcemap: true,
        sourcesContent: false,
        metafile: true,
        outfile,
        logLevel: 'silent',
      });
      bundles.push({
        name,
        bytes: statSync(outfile).size,
        mapBytes: statSync(`${outfile}.map`).size,
        top: topSources(result.metafile, outfile),
      });
    }
    return { ok: true, bundles, banner: from };
  } catch (error) {
    return { ok: false, reason: `esbuild failed: ${(error as Error).message.split('\n')[0]}` };
  } finally {
    rmSync(out, { recursive: true, force: true });
  }
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const report = await measureBundles();
  process.stdout.write(`${JSON.stringify(report)}\n`);
}
