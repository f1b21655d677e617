// 100,000 messages of REAL archive history through the real web host + engine process, in Chromium:
// the archive is seeded through core/history before the host starts (fast), then the window pages
// it like a user's: only a few hundred rows in the DOM at any time, and the first message is
// reachable (search → context → scroll to the top). The mock-API variant (history-paging.test.ts)
// adds gap markers.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { tempDir } from '../harness/util';
import { launchBrowser, type Browser } from './lib/browser';
import { startHost, type Host } from './lib/host';
import { openMainWindow } from './lib/app';
import { seedArchive, seededBody } from './lib/seed';

const PASS = 'correct horse battery staple';
const N = 100_000;
const MAX_DOM_ROWS = 300;
let tmp: ReturnType<typeof tempDir>;
let host: Host;
let browser: Browser;
let page: Page;
/** messages.page requests the page sent over the WebSocket */
const pageRequests: string[] = [];

const domRows = (p: Page) => p.locator('[data-testid="message"]').count();
const shownNumbers = async (p: Page) =>
  (await p.locator('[data-testid="message"] .body').allInnerTexts()).map((t) => Number(/message number (\d+)/.exec(t)?.[1] ?? NaN)).filter((x) => !Number.isNaN(x));

beforeAll(async () => {
  tmp = tempDir('ui-history-real');
  const dataDir = join(tmp.path, 'data');
  seedArchive(dataDir, PASS, N, { 3: 'aardvark' });
  host = await startHost({ dataDir, passphrase: PASS });
  browser = await launchBrowser();
  // count the history pages the window asks for (WebSocket frames to the host)
  page = await openMainWindow(browser, host.url, (p) =>
    p.on('websocket', (ws) =>
      ws.on('framesent', (f) => {
        if (typeof f.payload === 'string' && f.payload.includes('"messages.page"')) pageRequests.push(f.payload);
      }),
    ),
  );
}, 180_000);

afterAll(async () => {
  await browser?.close();
  await host?.stop();
  tmp?.remove();
});

describe('100,000 messages from a real archive', { timeout: 180_000 }, () => {
  it('opens at the newest message with only the visible rows in the DOM', async () => {
    await page.getByTestId('conversation').filter({ hasText: 'Seeded Peer' }).getByRole('button').first().click();
    await page.getByTestId('message').filter({ hasText: seededBody(N - 1) }).waitFor();
    const n = await domRows(page);
    expect(n).toBeGreaterThan(5);
    expect(n).toBeLessThan(60);
  });

  it('scrolls back page by page: older messages come from the archive, the DOM stays bounded', async () => {
    const list = page.getByTestId('message-list');
    let oldest = N;
    for (let round = 0; round < 12; round++) {
      const before = pageRequests.length;
      await list.evaluate((el) => el.scrollTo({ top: 0 }));
      await expect.poll(() => pageRequests.length, { timeout: 60_000 }).toBeGreaterThan(before);
      await page.waitForFunction(() => !document.querySelector('.loading-older')?.textContent);
      expect(await domRows(page)).toBeLessThanOrEqual(MAX_DOM_ROWS);
      oldest = Math.min(oldest, ...(await shownNumbers(page)));
    }
    // each page is 100 messages: a dozen pages back is ~1,000 messages older than the newest
    expect(oldest).toBeLessThan(N - 900);
    await page.getByRole('button', { name: 'Jump to the newest messages' }).waitFor();
  });

  it('reaches the very first message: search → open in context → scroll to the top', async () => {
    await page.keyboard.press('Control+Shift+F');
    await page.getByTestId('search-dialog').getByLabel('Words').fill('aardvark');
    await page.getByTestId('search-hit').first().click();
    const hit = page.locator('[data-testid="message"].highlight');
    await hit.waitFor();
    expect(await hit.innerText()).toContain(seededBody(3));
    const list = page.getByTestId('message-list');
    await list.evaluate((el) => el.scrollTo({ top: 0 }));
    await page.getByText('Beginning of the history').waitFor();
    await page.getByTestId('message-list').getByText(seededBody(0), { exact: true }).waitFor();
    expect(Math.min(...(await shownNumbers(page)))).toBe(0);
    expect(await domRows(page)).toBeLessThanOrEqual(MAX_DOM_ROWS);
    // the way there was a handful of pages, not 1,000
    expect(pageRequests.length).toBeLessThan(40);
  });

  it('jumps back to the newest message', async () => {
    await page.getByRole('button', { name: 'Jump to the newest messages' }).click();
    await page.getByTestId('message').filter({ hasText: seededBody(N - 1) }).waitFor();
    expect(await domRows(page)).toBeLessThan(60);
  });
});
