// First run creates the encrypted archive from the UI; a restarted host asks for the passphrase;
// a wrong one gets a clear message and the archive stays locked. Real web host + engine process.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { join } from 'node:path';
import { tempDir } from '../harness/util';
import { launchBrowser, type Browser } from './lib/browser';
import { startHost, type Host } from './lib/host';

let tmp: ReturnType<typeof tempDir>;
let browser: Browser;
let host: Host | null = null;

beforeAll(async () => {
  tmp = tempDir('ui-archive');
  browser = await launchBrowser();
});
afterAll(async () => {
  await host?.stop();
  await browser?.close();
  tmp?.remove();
});

describe('archive: first run, unlock, wrong passphrase', () => {
  it('creates the archive on first run, then unlocks it after a restart; a wrong passphrase is refused clearly', async () => {
    const dataDir = join(tmp.path, 'data');
    host = await startHost({ dataDir });
    let page = await browser.open(host.url);
    await page.getByRole('heading', { name: 'Welcome to Confab' }).waitFor();
    await page.getByLabel('Passphrase', { exact: true }).fill('short');
    await page.getByLabel('Repeat passphrase').fill('short');
    await page.getByRole('button', { name: 'Create archive' }).click();
    await expect(page.getByRole('alert').textContent()).resolves.toContain('at least 8');
    await page.getByLabel('Passphrase', { exact: true }).fill('correct horse battery');
    await page.getByLabel('Repeat passphrase').fill('correct horse battery');
    await page.getByRole('button', { name: 'Create archive' }).click();
    await page.getByRole('button', { name: 'Add an account' }).waitFor();
    await page.close();
    await host.stop();

    host = await startHost({ dataDir });
    page = await browser.open(host.url);
    await page.getByRole('heading', { name: 'Unlock Confab' }).waitFor();
    await page.getByLabel('Passphrase').fill('wrong horse battery');
    await page.getByRole('button', { name: 'Unlock' }).click();
    const err = page.getByTestId('archive-error');
    await err.waitFor();
    expect(await err.textContent()).toMatch(/wrong passphrase/i);
    // still locked: the main window is not there
    expect(await page.getByRole('navigation', { name: 'Contacts and conversations' }).count()).toBe(0);
    await page.getByLabel('Passphrase').fill('correct horse battery');
    await page.getByRole('button', { name: 'Unlock' }).click();
    await page.getByRole('navigation', { name: 'Contacts and conversations' }).waitFor();
    await page.close();
  });
});
