import { existsSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { type Browser, type BrowserContext, chromium, type Page } from 'playwright-core';

/**
 * Headless Chromium for the report tests: Debian's `chromium` package driven by
 * playwright-core (no browser download). A missing browser fails the tests with the command
 * that installs it; they never skip.
 */

export const CHROMIUM_PATH = process.env.WATCHKEEPER_CHROMIUM ?? '/usr/bin/chromium';

export const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
  '--disable-dev-shm-usage',
];

export class ChromiumMissingError extends Error {
  override name = 'ChromiumMissingError';
}

export interface TestBrowser {
  browser: Browser;
  close(): Promise<void>;
}

/**
 * Launches Chromium. playwright-core gives every launch a new temporary profile
 * (`--user-data-dir` in a fresh temp directory, removed on close) and refuses one passed in
 * the arguments, so no state leaks between runs.
 */
export async function launchChromium(executablePath: string = CHROMIUM_PATH): Promise<TestBrowser> {
  if (!existsSync(executablePath)) {
    throw new ChromiumMissingError(
      `Chromium is not installed at ${executablePath}; the report tests need it. Install it with ` +
        '`apt-get install -y chromium` (Debian/Ubuntu), or point ' +
        'WATCHKEEPER_CHROMIUM at a Chromium binary.',
    );
  }
  const browser = await chromium.launch({
    executablePath: CHROMIUM_PATH,
    args: CHROMIUM_ARGS,
    timeout: 60_000,
  });
  return { browser, close: () => browser.close() };
}

/** Serves one HTML document on loopback, at `/report.html`; anything else is a 404. */
export async function serveHtml(html: string): Promise<{ url: string; close(): Promise<void> }> {
  const server: Server = createServer((request, response) => {
    if (request.url === '/report.html') {
      response.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
      response.end(html);
    } else {
      response.writeHead(404).end();
    }
  });
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/report.html`,
    close: () => new Promise<void>((done) => server.close(() => done())),
  };
}

/** What a page did that a self-contained report must never do. */
export interface PageProblems {
  consoleErrors: string[];
  pageErrors: string[];
  /** Requests to anything but the page itself (each one was aborted). */
  foreignRequests: string[];
  failedRequests: string[];
  dialogs: string[];
}

export interface OpenedPage {
  context: BrowserContext;
  page: Page;
  problems: PageProblems;
  /** Milliseconds from navigation start to the `load` event. */
  loadMs: number;
}

/**
 * Opens `url` in a new context that lets through only the request for the page itself:
 * every other request (scripts, images, fonts, favicons, beacons) is aborted and recorded.
 * Console errors, page errors, failed requests and dialogs (an `alert()` an injection
 * would fire) are recorded too.
 */
export async function openReport(
  browser: Browser,
  url: string,
  options: { javaScriptEnabled?: boolean; viewport?: { width: number; height: number } } = {},
): Promise<OpenedPage> {
  const context = await browser.newContext({
    javaScriptEnabled: options.javaScriptEnabled ?? true,
    viewport: options.viewport ?? { width: 1280, height: 900 },
    serviceWorkers: 'block',
  });
  const problems: PageProblems = {
    consoleErrors: [],
    pageErrors: [],
    foreignRequests: [],
    failedRequests: [],
    dialogs: [],
  };
  await context.route('**/*', (route) => {
    const requested = route.request().url();
    if (requested === url) return route.continue();
    problems.foreignRequests.push(requested);
    return route.abort('blockedbyclient');
  });
  const page = await context.newPage();
  page.on('console', (message) => {
    if (message.type() === 'error' || message.type() === 'warning') {
      problems.consoleErrors.push(`${message.type()}: ${message.text()}`);
    }
  });
  page.on('pageerror', (error) => problems.pageErrors.push(error.message));
  page.on('requestfailed', (request) => {
    // Requests aborted above are already recorded as foreign.
    if (!problems.foreignRequests.includes(request.url())) {
      problems.failedRequests.push(`${request.url()}: ${request.failure()?.errorText ?? 'failed'}`);
    }
  });
  page.on('dialog', (dialog) => {
    problems.dialogs.push(`${dialog.type()}: ${dialog.message()}`);
    void dialog.dismiss();
  });
  const started = Date.now();
  await page.goto(url, { waitUntil: 'load', timeout: 60_000 });
  const loadMs = Date.now() - started;
  return { context, page, problems, loadMs };
}

/** Nothing went wrong: the assertion message lists whatever did. */
export function noProblems(problems: PageProblems): boolean {
  return Object.values(problems).every((list) => list.length === 0);
}

/**
 * The page's own objects, as the callbacks given to `page.evaluate` see them. Those callbacks
 * are serialized and run in the page; the project compiles without the DOM library, so test
 * files declare the few globals they use with these types (`declare const document: PageDocument`).
 */
export interface PageElement {
  id: string;
  tagName: string;
  hidden: boolean;
  open: boolean;
  value: string;
  textContent: string | null;
  offsetParent: unknown;
  style: Record<string, string>;
  form: PageElement | null;
  getAttribute(name: string): string | null;
  querySelector(selector: string): PageElement | null;
  querySelectorAll(selector: string): ArrayLike<PageElement>;
  getElementsByTagName(name: string): ArrayLike<PageElement>;
  dispatchEvent(event: Event): boolean;
  getBoundingClientRect(): unknown;
}

export interface PageDocument extends PageElement {
  body: PageElement;
  getElementById(id: string): PageElement | null;
}

export interface PageNavigationTiming {
  domContentLoadedEventEnd: number;
  loadEventEnd: number;
}
