// The desktop app for real: Playwright's _electron launches Electron with our main, preload and
// engine bundles; the user creates the archive, restarts, unlocks, adds an XMPP account on the
// harness's Prosody, sees the contact list and sends a message that a real peer receives.
// Runs only where an Electron binary exists (a connected install, or ELECTRON_OVERRIDE_DIST_PATH);
// elsewhere it PRINTS why it was skipped.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { _electron, type ElectronApplication, type Page } from 'playwright-core';
import { bundleElectron } from '../../build/bundle-electron.mjs';
import { startProsody, type ProsodyServer } from '../harness/prosody';
import { tempDir } from '../harness/util';
import { buildRenderer, TEST_ENV } from '../ui/lib/host';
import { xmppPeer, type XmppPeer } from '../ui/lib/peers';
import * as ui from '../ui/lib/app';
import { findElectronBinary } from './electronBinary';

const root = join(import.meta.dirname, '..', '..');
const found = findElectronBinary(root);
if ('missing' in found) console.log(`[electron smoke] SKIPPED: ${found.missing}`);

const PASS = 'correct horse battery staple';
let prosody: ProsodyServer;
let tmp: ReturnType<typeof tempDir>;
let app: ElectronApplication | null = null;
let bob: XmppPeer | null = null;
let env: Record<string, string>;

async function launch(): Promise<Page> {
  const args = [root];
  if (process.getuid?.() === 0) args.unshift('--no-sandbox'); // Chromium refuses root otherwise (CI containers)
  if (process.platform === 'linux' && !process.env.DISPLAY && !process.env.WAYLAND_DISPLAY) args.unshift('--ozone-platform=headless');
  app = await _electron.launch({ executablePath: (found as { path: string }).path, args, env, timeout: 60_000 });
  const page = await app.firstWindow();
  return page;
}

describe.skipIf('missing' in found)('Electron desktop app (smoke)', () => {
  beforeAll(async () => {
    const { ensureElectronAddon } = (await import('../../build/electron-native.mjs')) as { ensureElectronAddon(v: string): Promise<string> };
    const version = (createRequire(import.meta.url)('electron/package.json') as { version: string }).version;
    const [srv, binding] = await Promise.all([startProsody(), ensureElectronAddon(version), bundleElectron()]);
    prosody = srv;
    tmp = tempDir('electron-smoke');
    env = {
      ...(process.env as Record<string, string>),
      ...TEST_ENV,
      CONFAB_DATA: join(tmp.path, 'data'),
      CONFAB_USER_DATA: join(tmp.path, 'user-data'),
      CONFAB_KEY_STORE: 'passphrase',
      CONFAB_NATIVE_BINDING: binding,
      CONFAB_RENDERER_DIR: buildRenderer(),
    };
  }, 600_000);

  afterAll(async () => {
    await bob?.stop();
    await app?.close().catch(() => undefined);
    await prosody?.stop();
    tmp?.remove();
  });

  it('creates the archive, unlocks it after a restart, shows contacts, and sends a message to Prosody', async () => {
    let page = await launch();
    // the window runs sandboxed, isolated, without Node
    const url = await app!.evaluate(({ BrowserWindow }) => BrowserWindow.getAllWindows()[0]!.webContents.getURL());
    expect(url).toBe('app://confab/index.html');
    expect(await page.evaluate(() => [typeof (globalThis as { require?: unknown }).require, typeof (globalThis as { process?: unknown }).process])).toEqual(['undefined', 'undefined']);
    // remote content is blocked, and the CSP forbids inline script
    expect(await page.evaluate(() => fetch('https://example.org/').then(() => 'loaded', () => 'blocked'))).toBe('blocked');
    expect(await page.evaluate(() => Object.keys((window as unknown as { confab: object }).confab).sort())).toEqual(['call', 'notify', 'on', 'onBatch', 'onConnection', 'openExternal']);

    await page.getByRole('heading', { name: 'Welcome to Confab' }).waitFor();
    await page.getByLabel('Passphrase', { exact: true }).fill(PASS);
    await page.getByLabel('Repeat passphrase').fill(PASS);
    await page.getByRole('button', { name: 'Create archive' }).click();
    await page.getByRole('button', { name: 'Add an account' }).waitFor();
    await app!.close();

    page = await launch();
    await page.getByRole('heading', { name: 'Unlock Confab' }).waitFor();
    await page.getByLabel('Passphrase').fill(PASS);
    await page.getByRole('button', { name: 'Unlock' }).click();
    await page.getByRole('navigation', { name: 'Contacts and conversations' }).waitFor();

    const alice = prosody.users.alice;
    await ui.addAccount(page, 'XMPP (Jabber)', 'Desktop XMPP', { 'Address (JID)': alice.jid, Password: alice.password }, {
      'Server host': prosody.host,
      Port: String(prosody.port),
      'Trusted CA certificate (PEM)': prosody.caPem,
    });
    await ui.waitAccountState(page, 'Desktop XMPP', 'online');

    bob = await xmppPeer(prosody, prosody.users.bob);
    await bob.say(alice.jid, 'hello desktop');
    await ui.waitUnread(page, 'bob', 1);
    await ui.openConversation(page, 'bob');
    const got = bob.nextMessage(alice.jid, (b) => b.includes('from electron'));
    await ui.sendFromComposer(page, 'hello from electron');
    expect(await got).toBe('hello from electron');
  });
});
