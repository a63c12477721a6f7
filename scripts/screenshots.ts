import { mkdir, mkdtemp, readFile, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { EMAIL_PREVIEW_HTML, FLEET_REPORT_FILE } from '../functions/cli/demo-fleet.ts';
import { main } from '../functions/cli/main.ts';
import { launchChromium, noProblems, openReport, serveHtml } from '../test/helpers/browser.ts';
import { captureStreams } from '../test/helpers/streams.ts';

/**
 * The README's screenshots: runs the demo (`scan --demo`, as `npm start` does) a few times
 * into a scratch folder, so the fleet trend has real points and the cluster report a
 * previous scan to compare with, then opens the cluster report, the fleet report and the
 * email preview in headless Chromium (the Debian package, as the browser tests use it) and
 * writes one PNG of each into docs/images/. The email is the first run's: with no earlier
 * scan it lists the checks failing in most clusters, where later runs (the same demo again)
 * have no new failure to show. A page that logs an error or asks the network for anything
 * fails the script: the pictures show pages that work offline.
 *
 *   npm run screenshots [-- --runs 3 --out docs/images]
 */

const { values } = parseArgs({
  options: { runs: { type: 'string', default: '3' }, out: { type: 'string' } },
});
const RUNS = Math.max(1, Number.parseInt(values.runs ?? '3', 10) || 3);
const IMAGES = values.out ?? fileURLToPath(new URL('../docs/images/', import.meta.url));
/** Comfortably under the README's budget of 400 KB a picture. */
const MAX_BYTES = 400_000;

interface Shot {
  /** The page, as a file of the last run's --out folder or as the HTML itself. */
  html: () => Promise<string>;
  png: string;
  width: number;
  height: number;
  /** The whole page (an email is as long as its content), else the viewport. */
  fullPage: boolean;
}

/** `scan --demo --out out` RUNS times; returns the first run's email preview. */
async function runDemo(out: string): Promise<string> {
  let firstEmail = '';
  for (let run = 1; run <= RUNS; run++) {
    const streams = captureStreams();
    const code = await main(['scan', '--demo', '--out', out, '--quiet'], streams);
    if (code !== 0) throw new Error(`scan --demo exited ${code}: ${streams.stderr.text}`);
    if (run === 1) firstEmail = await readFile(join(out, EMAIL_PREVIEW_HTML), 'utf8');
  }
  return firstEmail;
}

function shotsOf(out: string, firstEmail: string): Shot[] {
  const file = (name: string) => () => readFile(join(out, name), 'utf8');
  return [
    { html: file('report.html'), png: 'cluster-report.png', width: 1280, height: 1000, fullPage: false },
    { html: file(FLEET_REPORT_FILE), png: 'fleet-report.png', width: 1280, height: 1500, fullPage: false },
    { html: async () => firstEmail, png: 'email-digest.png', width: 800, height: 600, fullPage: true },
  ];
}

async function shoot(shots: readonly Shot[]): Promise<void> {
  await mkdir(IMAGES, { recursive: true });
  const chromium = await launchChromium();
  try {
    for (const shot of shots) {
      const server = await serveHtml(await shot.html());
      const opened = await openReport(chromium.browser, server.url, {
        viewport: { width: shot.width, height: shot.height },
      });
      try {
        if (!noProblems(opened.problems)) {
          throw new Error(`${shot.png}'s page did not load cleanly: ${JSON.stringify(opened.problems)}`);
        }
        const path = join(IMAGES, shot.png);
        await opened.page.screenshot({ path, fullPage: shot.fullPage });
        const { size } = await stat(path);
        if (size > MAX_BYTES) throw new Error(`${path} is ${size} bytes, over ${MAX_BYTES}`);
        process.stdout.write(`Wrote ${path} (${shot.width} px wide, ${Math.round(size / 1024)} KB)\n`);
      } finally {
        await opened.context.close();
        await server.close();
      }
    }
  } finally {
    await chromium.close();
  }
}

const out = await mkdtemp(join(tmpdir(), 'wk-screenshots-'));
try {
  await shoot(shotsOf(out, await runDemo(out)));
} finally {
  await rm(out, { recursive: true, force: true });
}
