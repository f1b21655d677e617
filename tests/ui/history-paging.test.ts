// The chat list against 100,000 messages (renderer only, with a mock ConfabApi as window.confab):
// only visible rows are in the DOM, scrolling back pages from the store with a bounded window,
// a message far back opens in context, and the beginning of the history is reachable.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { extname, join } from 'node:path';
import type { Page } from 'playwright-core';
import { launchBrowser, type Browser } from './lib/browser';
import { buildRenderer, ROOT } from './lib/host';

const MAX_DOM_ROWS = 300;
let browser: Browser;
let page: Page;

const domRows = (p: Page) => p.locator('[data-testid="message"]').count();
const renderedIds = (p: Page) => p.locator('[data-testid="message"]').evaluateAll((els) => els.map((e) => e.getAttribute('data-id') ?? ''));

beforeAll(async () => {
  const dir = buildRenderer();
  browser = await launchBrowser();
  await browser.context.addInitScript(readFileSync(join(ROOT, 'tests/ui/fixtures/mock-confab.js'), 'utf8'));
  await browser.context.route('http://confab.mock/**', (route) => {
    const path = new URL(route.request().url()).pathname;
    const file = join(dir, path === '/' ? 'index.html' : path);
    const type = { '.html': 'text/html', '.js': 'text/javascript', '.css': 'text/css' }[extname(file)] ?? 'application/octet-stream';
    try {
      void route.fulfill({ body: readFileSync(file), contentType: type });
    } catch {
      void route.fulfill({ status: 404, body: '' });
    }
  });
  page = await browser.open('http://confab.mock/');
}, 120_000);

afterAll(async () => {
  await browser?.close();
});

describe('chat history with 100,000 messages', { timeout: 180_000 }, () => {
  it('shows the newest messages with only the visible rows in the DOM', async () => {
    await page.getByTestId('conversation').filter({ hasText: 'Peer' }).getByRole('button').click();
    await page.getByTestId('message').filter({ hasText: 'message number 99999' }).waitFor();
    const n = await domRows(page);
    expect(n).toBeGreaterThan(5);
    expect(n).toBeLessThan(60);
  });

  it('scrolls back page by page with a bounded DOM and a bounded loaded window (the real-archive variant is history-real.test.ts)', async () => {
    const list = page.getByTestId('message-list');
    let oldest = 99999;
    for (let round = 0; round < 8; round++) {
      const calls = await page.evaluate(() => (window as unknown as { __pageCalls: number }).__pageCalls);
      await list.evaluate((el) => el.scrollTo({ top: 0 }));
      await page.waitForFunction((c) => (window as unknown as { __pageCalls: number }).__pageCalls > c, calls);
      await page.waitForFunction(() => !document.querySelector('.loading-older')?.textContent);
      expect(await domRows(page)).toBeLessThanOrEqual(MAX_DOM_ROWS);
      const ids = await renderedIds(page);
      oldest = Math.min(oldest, ...ids.map((i) => Number(i.slice(1))));
    }
    // 8 pages of 100 back; the loaded window (MAX_LOADED 400) has dropped its newest end by now
    expect(oldest).toBeLessThan(99999 - 600);
    // the window dropped its newest end: the way back is a button, not a giant list
    await page.getByRole('button', { name: 'Jump to the newest messages' }).waitFor();
  });

  it('opens a message near the very beginning in context and reaches the start of the history', async () => {
    await page.keyboard.press('Control+Shift+F');
    await page.getByTestId('search-dialog').getByLabel('Words').fill('number');
    await page.getByTestId('search-hit').click();
    const hit = page.locator('[data-testid="message"].highlight');
    await hit.waitFor();
    expect(await hit.getAttribute('data-id')).toBe('m000005');
    const list = page.getByTestId('message-list');
    await list.evaluate((el) => el.scrollTo({ top: 0 }));
    await page.getByText('Beginning of the history').waitFor();
    await page.getByTestId('message').filter({ hasText: /^.*message number 0$/m }).first().waitFor();
    expect(await domRows(page)).toBeLessThanOrEqual(MAX_DOM_ROWS);
    const calls = await page.evaluate(() => (window as unknown as { __pageCalls: number }).__pageCalls);
    expect(calls).toBeLessThan(60);
  });

  it('shows a gap marker where the history could not be filled', async () => {
    await page.getByRole('button', { name: 'Jump to the newest messages' }).click();
    await page.getByTestId('message').filter({ hasText: 'message number 99999' }).waitFor();
    // the mock's server could not fill the minute between messages 99990 and 99991
    const gap = page.getByTestId('gap');
    await gap.waitFor();
    expect(await gap.innerText()).toContain('could not be fetched');
    const order = await page.locator('[data-testid="message"], [data-testid="gap"]').evaluateAll((els) => els.map((e) => e.getAttribute('data-id') ?? 'GAP'));
    const at = order.indexOf('GAP');
    expect(order[at - 1]).toBe('m099990');
    expect(order[at + 1]).toBe('m099991');
  });
});
