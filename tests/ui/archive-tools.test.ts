// The archive tools dialog (issue #10 item 7) in Chromium against the REAL web host + engine: import
// a small Pidgin and irssi log (with a broken line and a non-log file) → progress, a summary with the
// per-file problems, the messages searchable in the UI; export everything → files on disk and the real
// `confab verify` passes; retention per account, legal hold, audit log; keyword watches add/remove;
// the tabs work from the keyboard and axe finds no serious violations on any of them.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import { mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Locator, Page } from 'playwright-core';
import { tempDir } from '../harness/util';
import { axeSerious } from './lib/axe';
import { launchBrowser, type Browser } from './lib/browser';
import { ROOT, startHost, TEST_ENV, type Host } from './lib/host';
import { routeConfabSocket, type ConfabSocket } from './lib/socket';
import { openMainWindow } from './lib/app';

const PASS = 'correct horse battery staple';
let tmp: ReturnType<typeof tempDir>;
let host: Host;
let browser: Browser;
let page: Page;
let logs: { pidgin: string; irssi: string; notes: string };
let socket: ConfabSocket;

/** logs written from the formats' own documentation/source (as tests/archive's samples are) */
function writeLogs(dir: string) {
  const pidginDir = join(dir, 'purple', 'logs', 'jabber', 'alice@example.com', 'eve@example.com');
  mkdirSync(pidginDir, { recursive: true });
  const pidgin = join(pidginDir, '2026-01-01.120000+0000UTC.txt');
  writeFileSync(
    pidgin,
    [
      'Conversation with eve@example.com at Thu 01 Jan 2026 12:00:00 PM UTC on alice@example.com (Jabber)',
      '(12:00:00) eve: the zeppelin lands at noon',
      '(99:99:99) eve: a line with a broken time',
      '(12:00:10) alice@example.com: see you at the zeppelin field',
      '',
    ].join('\n'),
  );
  const irssiDir = join(dir, 'irclogs', 'libera');
  mkdirSync(irssiDir, { recursive: true });
  const irssi = join(irssiDir, '#confab.log');
  writeFileSync(irssi, ['--- Log opened Sun Nov 29 10:00:00 2026', '10:00 < bob> a quokka in the channel', '10:01 < alice> quokkas are friendly', '--- Log closed Sun Nov 29 10:05:00 2026', ''].join('\n'));
  const notes = join(dir, 'notes.txt');
  writeFileSync(notes, 'just some notes\nnot a chat log\n');
  return { pidgin, irssi, notes };
}

const dialog = () => page.getByTestId('archive-tools');
async function openTab(name: string): Promise<Locator> {
  if ((await dialog().count()) === 0) await page.getByRole('button', { name: 'Archive tools' }).click();
  await dialog().getByRole('tab', { name }).click();
  return dialog().getByRole('tabpanel');
}

beforeAll(async () => {
  tmp = tempDir('ui-archive-tools');
  logs = writeLogs(join(tmp.path, 'old'));
  host = await startHost({ dataDir: join(tmp.path, 'data'), passphrase: PASS });
  browser = await launchBrowser();
  page = await openMainWindow(browser, host.url, async (p) => {
    socket = await routeConfabSocket(p);
  });
}, 180_000);

afterAll(async () => {
  await browser?.close();
  await host?.stop();
  tmp?.remove();
});

describe('archive tools in the window', { timeout: 180_000 }, () => {
  it('imports Pidgin and irssi logs: progress while it runs, then a summary naming the broken line and the unknown file; nothing doubled on re-import; searchable after', async () => {
    const panel = await openTab('Import logs');
    await panel.getByLabel(/Files or folders on this computer/).fill([join(tmp.path, 'old', 'purple'), logs.irssi, logs.notes].join('\n'));
    // the engine's "finished" event waits in the socket until the running job has been seen
    socket.holdToPage((f) => f.includes('"archive.job"') && !f.includes('"state":"running"'));
    await panel.getByRole('button', { name: 'Import' }).click();
    const job = panel.getByTestId('job');
    await job.and(page.locator('[data-state="running"]')).waitFor();
    await job.getByRole('progressbar', { name: 'Import progress' }).waitFor();
    expect(await job.getByRole('button', { name: 'Cancel import' }).isVisible()).toBe(true);
    await expect.poll(() => socket.held().toPage).toBeGreaterThan(0);
    socket.release();
    const summary = panel.getByTestId('import-summary');
    await summary.waitFor();
    expect(await panel.getByTestId('job').getAttribute('data-state')).toBe('done');
    expect(Number(await summary.getByTestId('imported-count').innerText())).toBeGreaterThanOrEqual(4);
    const issues = await summary.getByTestId('import-issues').innerText();
    expect(issues).toContain(`${logs.pidgin}:3`);
    expect(await summary.innerText()).toMatch(/1 not recognised/);

    // the same files again add nothing
    await panel.getByRole('button', { name: 'Import' }).click();
    await expect.poll(async () => (await panel.getByTestId('job').getAttribute('data-state')) === 'done' && (await summary.getByTestId('imported-count').innerText())).toBe('0');

    await dialog().getByRole('button', { name: 'Close' }).click();
    for (const word of ['zeppelin', 'quokka']) {
      await page.keyboard.press('Control+Shift+F');
      const search = page.getByTestId('search-dialog');
      await search.getByLabel('Words').fill(word);
      // the dialog keeps the previous search's hits until the new ones arrive: wait for this word's
      await search.getByTestId('search-hit').filter({ hasText: new RegExp(word, 'i') }).first().waitFor();
      await page.keyboard.press('Escape');
      await search.waitFor({ state: 'detached' });
    }
  });

  it('exports everything to a folder: the summary says where the manifest is, and `confab verify` passes', async () => {
    const out = join(tmp.path, 'export');
    const panel = await openTab('Export');
    await panel.getByLabel('Export', { exact: true }).selectOption('all');
    await panel.getByLabel('Target folder on this computer (new or empty)').fill(out);
    await panel.getByRole('button', { name: 'Export' }).click();
    const summary = panel.getByTestId('export-summary');
    await summary.waitFor();
    expect(await summary.getByTestId('export-dir').innerText()).toBe(out);
    expect(await summary.innerText()).toContain('manifest.json');
    const files = readdirSync(out);
    expect(files).toContain('manifest.json');
    expect(files.some((f) => f.endsWith('.html'))).toBe(true);
    const verify = spawnSync(process.execPath, [join(ROOT, 'cli/bin/confab.mjs'), 'verify', out], { encoding: 'utf8', env: { ...process.env, ...TEST_ENV } });
    expect(verify.status, verify.stdout + verify.stderr).toBe(0);
    // a refused target folder is said in words (relative path)
    await panel.getByLabel('Target folder on this computer (new or empty)').fill('relative/folder');
    await panel.getByRole('button', { name: 'Export' }).click();
    expect(await panel.getByRole('alert').innerText()).toMatch(/full path/);
  });

  it('retention per account, legal hold with a reason, both in the audit log', async () => {
    const panel = await openTab('Retention');
    const row = panel.getByTestId('retention-row').first();
    await row.waitFor();
    await row.getByLabel(/^Keep history of/).selectOption('days');
    await row.getByLabel(/^Days to keep for/).fill('30');
    await row.getByRole('button', { name: 'Save' }).click();
    await row.getByText(/older than 30 days will be deleted/).waitFor();
    await panel.getByTestId('audit-log').getByText(/retention changed.*30 days/).waitFor();

    await panel.getByLabel('Reason').fill('case 17');
    await panel.getByRole('button', { name: 'Start legal hold' }).click();
    await panel.getByTestId('hold-state').getByText(/On since .*case 17/).waitFor();
    expect(await panel.getByRole('button', { name: 'Delete what is due now' }).isDisabled()).toBe(true);
    await panel.getByTestId('audit-log').getByText(/legal hold started/).waitFor();
    await panel.getByRole('button', { name: 'Count what is due' }).click();
    await panel.getByTestId('retention-result').waitFor();
    await panel.getByRole('button', { name: 'End legal hold' }).click();
    await panel.getByTestId('hold-state').getByText('Off.').waitFor();
  });

  it('keyword watches: add, a second one with the same name is refused in words, remove', async () => {
    const panel = await openTab('Keyword watches');
    await panel.getByLabel('Name').fill('Outages');
    await panel.getByLabel('Search').fill('outage OR "is down"');
    await panel.getByLabel(/Notify even under Do not disturb/).check();
    await panel.getByRole('button', { name: 'Add watch' }).click();
    const watch = panel.getByTestId('watch').filter({ hasText: 'Outages' });
    await watch.waitFor();
    expect(await watch.innerText()).toContain('breaks through Do not disturb');

    await panel.getByLabel('Name').fill('Outages');
    await panel.getByLabel('Search').fill('again');
    await panel.getByRole('button', { name: 'Add watch' }).click();
    await panel.getByRole('alert').waitFor();

    await watch.getByRole('button', { name: 'Remove watch Outages' }).click();
    await watch.waitFor({ state: 'detached' });
    await panel.getByText('No watches yet.').waitFor();
  });

  it('the tabs work from the keyboard, and axe finds no serious violations on any of them', async () => {
    await openTab('Import logs');
    const tab = dialog().getByRole('tab', { name: 'Import logs' });
    await tab.focus();
    await page.keyboard.press('ArrowRight');
    expect(await dialog().getByRole('tab', { name: 'Export' }).getAttribute('aria-selected')).toBe('true');
    await page.keyboard.press('End');
    expect(await dialog().getByRole('tab', { name: 'Keyword watches' }).getAttribute('aria-selected')).toBe('true');
    for (const name of ['Import logs', 'Export', 'Retention', 'Keyword watches']) {
      await openTab(name);
      expect(await axeSerious(page), name).toEqual([]);
    }
  });
});
