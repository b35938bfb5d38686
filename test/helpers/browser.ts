// The web console in a real browser for the tests in test/console/: Debian's chromium (CHROMIUM_PATH
// names another) through playwright-core, one page whose errors are collected, and its screenshots,
// which CONSOLE_SCREENSHOTS=1 writes to docs/ (a normal run keeps them in the server's directory).
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium, type Page } from 'playwright-core';
import type { TestServer } from './server.js';

const root = fileURLToPath(new URL('../../', import.meta.url));
const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
// Without the background-networking flags Chromium's own outbound connections are refused here.
const ARGS = [
  '--no-sandbox',
  '--headless',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

/**
 * The console is built with the package (npm ci runs the build); a clone not yet built builds it here.
 * Before the server starts: it reads the console's files once, at start.
 */
export async function buildConsoleIfMissing(): Promise<void> {
  if (existsSync(join(root, 'dist/console/index.html'))) return;
  const { buildConsole } = (await import(join(root, 'scripts/build-console.mjs'))) as { buildConsole: (outdir: string) => Promise<void> };
  await buildConsole(join(root, 'dist/console'));
}

export interface ConsoleBrowser {
  page: Page;
  /** What the page threw, and the errors it logged but for those `allowedLogErrors` matches. */
  errors: string[];
  /** A screenshot, console-<name>.png, of the page from its top (or as scrolled, to show a part further down). */
  shoot(name: string, fromTop?: boolean): Promise<void>;
  close(): Promise<void>;
}

export async function openConsoleBrowser(
  server: TestServer,
  options: {
    /** How long each of the page's actions and waits may take. */
    timeoutMs: number;
    /** The page starts signed in as the server's account (its credentials in sessionStorage). */
    signedIn?: boolean;
    /** Errors the page may log (the API's refusals a test provokes). */
    allowedLogErrors?: RegExp;
  },
): Promise<ConsoleBrowser> {
  const shots = process.env.CONSOLE_SCREENSHOTS === '1' ? join(root, 'docs') : server.directory;
  const browser = await chromium.launch({ executablePath: CHROMIUM, args: ARGS });
  const errors: string[] = [];
  let page: Page;
  try {
    page = await browser.newPage({ viewport: { width: 1200, height: 760 } });
    page.setDefaultTimeout(options.timeoutMs);
    page.on('pageerror', (error) => errors.push(error.message));
    page.on('console', (entry) => {
      if (entry.type() === 'error' && !options.allowedLogErrors?.test(entry.text())) errors.push(entry.text());
    });
    if (options.signedIn) {
      const credentials = JSON.stringify({ username: server.account.sid, password: server.account.secret, accountSid: server.account.sid });
      await page.addInitScript((value) => sessionStorage.setItem('intelligence-console-credentials', value), credentials);
    }
  } catch (error) {
    // A browser without its page would outlive the test run.
    await browser.close();
    throw error;
  }
  return {
    page,
    errors,
    async shoot(name, fromTop = true) {
      if (fromTop) await page.evaluate(() => window.scrollTo(0, 0));
      await page.screenshot({ path: join(shots, `console-${name}.png`) });
    },
    close: () => browser.close(),
  };
}
