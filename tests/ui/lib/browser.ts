/** Debian's Chromium driven by playwright-core (no Playwright browser download), fresh profile each time. */
import { chromium, type BrowserContext, type Page } from 'playwright-core';
import { tempDir } from '../../harness/util';

export const CHROMIUM_ARGS = ['--no-sandbox', '--headless', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'];

export interface Browser {
  context: BrowserContext;
  /** a new tab at `url`; `before` runs on the page first (routes, listeners) */
  open(url: string, before?: (page: Page) => unknown): Promise<Page>;
  close(): Promise<void>;
}

/**
 * `recordNotifications`: the page's Notification API is replaced by a recorder (permission granted),
 * so a test sees exactly which notifications the renderer showed for the engine's `notify` events.
 */
export async function launchBrowser(opts: { colorScheme?: 'light' | 'dark'; recordNotifications?: boolean; viewport?: { width: number; height: number } } = {}): Promise<Browser> {
  const profile = tempDir('chromium');
  const context = await chromium.launchPersistentContext(profile.path, {
    executablePath: '/usr/bin/chromium',
    args: CHROMIUM_ARGS,
    headless: true,
    colorScheme: opts.colorScheme ?? 'light',
    viewport: opts.viewport ?? { width: 1280, height: 800 },
  });
  if (opts.recordNotifications) {
    // a string, not a function: transpilers add helpers (e.g. __name) that do not exist in the page
    await context.addInitScript(`(() => {
      const shown = [];
      window.__notifications = shown;
      function RecordingNotification(title, o) { shown.push({ title: String(title), body: String((o && o.body) || '') }); this.onclick = null; }
      RecordingNotification.prototype.close = function () {};
      RecordingNotification.permission = 'granted';
      RecordingNotification.requestPermission = function () { return Promise.resolve('granted'); };
      window.Notification = RecordingNotification;
    })();`);
  }
  return {
    context,
    async open(url, before) {
      const page = await context.newPage();
      // the machine is shared with other suites: generous waits, never timing assertions
      page.setDefaultTimeout(60_000);
      await before?.(page);
      await page.goto(url);
      return page;
    },
    async close() {
      await context.close();
      profile.remove();
    },
  };
}

export async function notifications(page: Page): Promise<{ title: string; body: string }[]> {
  return page.evaluate(() => (window as unknown as { __notifications?: { title: string; body: string }[] }).__notifications ?? []);
}
