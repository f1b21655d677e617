// The REAL bundled main process (dist bundle of electron/main.ts) under plain Node, with a recording
// stand-in for Electron's API and a REAL engine process behind it (the engine bundle in a Node child
// that plays the utilityProcess). What is checked is what a user of the desktop app depends on:
// the window is created locked down, the renderer's commands reach the engine only from our window,
// the archive key gets sealed, the tray offers DND, a crashed engine comes back, quitting stops it.
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bundleElectron } from '../../build/bundle-electron.mjs';
import { CHANNELS } from '../../electron/channels';
import { startProsody, type ProsodyServer } from '../harness/prosody';
import { tempDir } from '../harness/util';
import { xmppPeer, type XmppPeer } from '../ui/lib/peers';
import { createFakeElectron, type Sent } from './fixtures/fakeElectron';

const root = join(import.meta.dirname, '..', '..');
const require = createRequire(import.meta.url);
// inside the repository so the engine bundle finds node_modules (as the packaged one does)
const appPath = join(root, 'dist', `electron-main-test-${process.pid}`);
const tmp = tempDir('electron-main');
const fake = createFakeElectron({ appPath, userData: join(tmp.path, 'user-data'), backend: 'gnome_libsecret' });
const { rec, ipcMain, app } = fake;
const PASS = 'correct horse battery staple';
let prosody: ProsodyServer | null = null;
let bob: XmppPeer | null = null;

const savedEnv = { ...process.env };
beforeAll(async () => {
  await bundleElectron({ outDir: join(appPath, 'dist', 'electron') });
  mkdirSync(join(tmp.path, 'renderer'), { recursive: true });
  writeFileSync(join(tmp.path, 'renderer', 'index.html'), '<!doctype html><title>Confab</title><script type="module" src="./app.js"></script>');
  Object.assign(process.env, {
    CONFAB_DATA: join(tmp.path, 'data'),
    CONFAB_RENDERER_DIR: join(tmp.path, 'renderer'),
    CONFAB_NATIVE_BINDING: join(root, 'node_modules', 'better-sqlite3-multiple-ciphers', 'build', 'Release', 'better_sqlite3.node'),
    CONFAB_TEST_KDF_N: '1024',
    CONFAB_LOG: 'error',
  });
  // the main bundle requires 'electron': hand it the stand-in
  const electronPath = require.resolve('electron');
  require.cache[electronPath] = { id: electronPath, filename: electronPath, loaded: true, exports: fake.electron } as unknown as NodeJS.Module;
  require(join(appPath, 'dist', 'electron', 'main.cjs'));
  await waitFor(() => lastConnection() === true, 'the engine to come up');
}, 180_000);

afterAll(async () => {
  await bob?.stop();
  await prosody?.stop();
  for (const c of rec.engines) if (c.exitCode === null && c.signalCode === null) c.kill('SIGKILL');
  process.env = savedEnv;
  rmSync(appPath, { recursive: true, force: true });
  tmp.remove();
});

const win = () => rec.windows[0]!;
const sent = (): Sent[] => rec.windows[0]?.webContents.sent ?? [];
const lastConnection = () => [...sent()].reverse().find((s) => s.channel === CHANNELS.connection)?.payload;

async function waitFor(pred: () => boolean, what: string, ms = 30_000): Promise<void> {
  const end = Date.now() + ms;
  while (!pred()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

let reqId = 1;
function ipcEvent(over: { id?: number; url?: string; mainFrame?: boolean } = {}) {
  const wc = win().webContents;
  const frame = over.mainFrame === false ? { url: wc.url } : wc.mainFrame;
  const sender = over.id !== undefined ? Object.assign(new fake.FakeWebContents(), { id: over.id }) : wc;
  const senderFrame = over.url ? { url: over.url } : frame;
  return { sender: over.id !== undefined ? sender : wc, senderFrame, replies: sender };
}

/** a contract request from the page; resolves with the reply (or null when main stays silent) */
async function request(cmd: string, input: unknown, who: ReturnType<typeof ipcEvent> = ipcEvent(), ms = 30_000) {
  const id = reqId++;
  const target = who.sender as { sent: Sent[] };
  ipcMain.emit(CHANNELS.request, who, { t: 'req', id, cmd, input });
  const end = Date.now() + ms;
  for (;;) {
    const r = target.sent.find((s) => s.channel === CHANNELS.frame && (s.payload as { t: string; id?: number }).t === 'res' && (s.payload as { id: number }).id === id);
    if (r) return (r.payload as { reply: { ok: boolean; value?: unknown; error?: { code: string } } }).reply;
    if (Date.now() > end) return null;
    await new Promise((res) => setTimeout(res, 25));
  }
}

describe('desktop main process (bundled) with a real engine', () => {
  it('creates one locked-down window on the app scheme', () => {
    expect(rec.windows).toHaveLength(1);
    const prefs = win().options.webPreferences as Record<string, unknown>;
    expect(prefs).toMatchObject({ contextIsolation: true, sandbox: true, nodeIntegration: false, webSecurity: true, webviewTag: false });
    expect(String(prefs.preload)).toBe(join(appPath, 'dist', 'electron', 'preload.cjs'));
    expect(win().webContents.url).toBe('app://confab/index.html');
    expect(rec.privileged).toEqual([[{ scheme: 'app', privileges: { standard: true, secure: true, supportFetchAPI: true, corsEnabled: true } }]]);
  });

  it('remembers the window position and size', async () => {
    const file = join(tmp.path, 'user-data', 'window-state.json');
    win().emit('move');
    await waitFor(() => existsSync(file), 'the window state file');
    expect(JSON.parse(readFileSync(file, 'utf8'))).toEqual({ x: 10, y: 20, width: 900, height: 600, maximized: false });
  });

  it('serves the renderer with the CSP, and nothing outside its folder', async () => {
    const handle = rec.protocolHandlers.get('app')!;
    const ok = await handle(new Request('app://confab/index.html'));
    expect(ok.status).toBe(200);
    expect(ok.headers.get('content-security-policy')).toContain("script-src 'self'");
    expect(ok.headers.get('content-type')).toBe('text/html; charset=utf-8');
    expect((await handle(new Request('app://confab/missing.js'))).status).toBe(404);
    expect((await handle(new Request('app://confab/a%2f..%2f..%2fdata'))).status).toBe(404);
  });

  it('blocks remote requests, permissions, navigation and new windows', () => {
    const decide = (url: string, resourceType = 'script') => {
      let cancel: boolean | undefined;
      rec.beforeRequest!({ url, resourceType }, (r: { cancel: boolean }) => (cancel = r.cancel));
      return cancel;
    };
    expect(decide('https://tracker.example/p.js')).toBe(true);
    expect(decide('http://127.0.0.1:8080/')).toBe(true);
    expect(decide('file:///etc/passwd')).toBe(true);
    expect(decide('app://confab/assets/app.js')).toBe(false);
    let granted: boolean | undefined;
    rec.permissionRequest!({}, 'media', (g: boolean) => (granted = g));
    expect(granted).toBe(false);
    expect(rec.permissionCheck!({}, 'notifications')).toBe(false);
    const wc = win().webContents;
    let prevented = 0;
    wc.emit('will-navigate', { preventDefault: () => prevented++ }, 'https://example.org/');
    wc.emit('will-navigate', { preventDefault: () => prevented++ }, 'javascript:alert(1)');
    expect(prevented).toBe(2);
    expect(wc.windowOpenHandler!({ url: 'data:text/html,hi' })).toEqual({ action: 'deny' });
    expect(rec.opened).toEqual(['https://example.org/']);
  });

  it('answers the page only from our window, never host-only commands', async () => {
    expect(await request('engine.ping', {})).toMatchObject({ ok: true, value: { pid: rec.engines[0]!.pid } });
    expect(await request('engine.ping', {}, ipcEvent({ id: 999 }), 500)).toBeNull();
    expect(await request('engine.ping', {}, ipcEvent({ url: 'https://evil.example/' }), 500)).toBeNull();
    expect(await request('archive.exportKey', {})).toMatchObject({ ok: false, error: { code: 'invalid' } });
    ipcMain.emit(CHANNELS.openExternal, ipcEvent(), 'javascript:alert(1)');
    ipcMain.emit(CHANNELS.openExternal, ipcEvent({ id: 5 }), 'https://from-elsewhere.example/');
    ipcMain.emit(CHANNELS.openExternal, ipcEvent(), 'mailto:alice@example.org');
    expect(rec.opened).toEqual(['https://example.org/', 'mailto:alice@example.org']);
  });

  it('creates the archive from the page, forwards its events, and seals the key with the keychain', async () => {
    expect(await request('archive.create', { passphrase: PASS })).toMatchObject({ ok: true });
    await waitFor(() => sent().some((s) => s.channel === CHANNELS.frame && JSON.stringify(s.payload).includes('"archive.status"') && JSON.stringify(s.payload).includes('"unlocked"')), 'the archive.status event');
    await waitFor(() => JSON.stringify(sent()).includes('electron-safeStorage'), 'the sealed slot');
    const st = await request('archive.status', {});
    const slots = (st!.value as { slots: Array<{ kind: string; name?: string }> }).slots;
    expect(slots.filter((s) => s.kind === 'sealed')).toEqual([expect.objectContaining({ name: 'electron-safeStorage' })]);
    expect(slots.filter((s) => s.kind === 'passphrase')).toHaveLength(1);
  });

  it('offers DND in the tray and shows it', async () => {
    const tray = rec.trays[0]!;
    expect(tray.tooltip).toMatch(/^Confab — no unread messages/);
    const item = tray.menu.find((i) => i.label === 'Do not disturb for 1 hour')!;
    (item.click as () => void)();
    await waitFor(() => /do not disturb until/.test(tray.tooltip), 'the tray to show DND');
    const st = await request('status.get', {});
    expect(st).toMatchObject({ ok: true, value: { dnd: true } });
    ((tray.menu.find((i) => i.label === 'Turn off Do not disturb')!.click) as () => void)();
    await waitFor(() => !/do not disturb until/.test(tray.tooltip), 'DND off');
  });

  it('shows the engine\'s notification for a real incoming message; a click opens the conversation', async () => {
    prosody = await startProsody();
    const alice = prosody.users.alice;
    const added = await request('accounts.add', {
      protocol: 'xmpp',
      label: 'Desktop',
      config: { jid: alice.jid, password: alice.password, server: prosody.host, port: prosody.port, caPem: prosody.caPem },
    });
    expect(added).toMatchObject({ ok: true });
    await waitFor(() => sent().some((s) => s.channel === CHANNELS.frame && JSON.stringify(s.payload).includes('"accounts.changed"') && JSON.stringify(s.payload).includes('"online"')), 'the account online', 60_000);
    bob = await xmppPeer(prosody, prosody.users.bob);
    await bob.say(alice.jid, 'ping from bob');
    // the engine decided to notify: the event reached the page, which asks main to show it
    await waitFor(() => sent().some((s) => s.channel === CHANNELS.frame && JSON.stringify(s.payload).includes('"notify"')), 'the notify event', 60_000);
    const frame = sent().find((s) => s.channel === CHANNELS.frame && JSON.stringify(s.payload).includes('"notify"'))!.payload as { events: Array<{ type: string; payload: { messageId: string; conversationId: string } }> };
    const n = frame.events.find((e) => e.type === 'notify')!.payload;
    ipcMain.emit(CHANNELS.notify, ipcEvent({ id: 77 }), n.messageId); // not our window: nothing
    ipcMain.emit(CHANNELS.notify, ipcEvent(), 'no-such-message'); // not from the engine: nothing
    expect(rec.notifications).toEqual([]);
    ipcMain.emit(CHANNELS.notify, ipcEvent(), n.messageId);
    expect(rec.notifications).toEqual([expect.objectContaining({ body: 'ping from bob' })]);
    win().hide();
    rec.notifications[0]!.click();
    expect(win().visible).toBe(true);
    expect(sent().filter((s) => s.channel === CHANNELS.notifyClick).map((s) => s.payload)).toEqual([n.messageId]);
    // the tray counts it as unread
    await waitFor(() => /1 unread/.test(rec.trays[0]!.tooltip), 'the unread count in the tray');
  }, 120_000);

  it('opens an xmpp: link handed over by a second instance in the right account', async () => {
    const carol = prosody!.users.carol.jid;
    app.emit('second-instance', {}, ['/usr/bin/confab', '--no-sandbox', `xmpp:${carol}?message`]);
    await waitFor(() => sent().some((s) => s.channel === CHANNELS.frame && JSON.stringify(s.payload).includes('"conversations.changed"') && JSON.stringify(s.payload).includes(carol)), 'the conversation with carol', 30_000);
    // a link to a network without an account says what to add
    app.emit('second-instance', {}, ['/usr/bin/confab', 'ircs://irc.example.net/#confab']);
    await waitFor(() => sent().some((s) => s.channel === CHANNELS.frame && JSON.stringify(s.payload).includes('add an account on irc.example.net')), 'the missing-account message');
  }, 60_000);

  it('goes away when the screen locks and comes back when it unlocks', async () => {
    const pm = fake.electron.powerMonitor as import('node:events').EventEmitter;
    const statusEvents = () => sent().filter((x) => x.channel === CHANNELS.frame).flatMap((x) => ((x.payload as { events?: Array<{ type: string; payload: { show: string; auto: boolean } }> }).events ?? []).filter((e) => e.type === 'status.changed').map((e) => e.payload));
    const before = statusEvents().length;
    pm.emit('lock-screen');
    await waitFor(() => statusEvents().slice(before).some((p) => p.show === 'away' && p.auto), 'auto-away on lock');
    const mid = statusEvents().length;
    pm.emit('unlock-screen');
    await waitFor(() => statusEvents().slice(mid).some((p) => p.show === 'available' && !p.auto), 'back on unlock');
  }, 60_000);

  it('restarts a crashed engine and tells the page', async () => {
    const first = rec.engines.at(-1)!;
    const before = sent().length;
    first.kill('SIGKILL');
    await waitFor(() => sent().slice(before).some((s) => s.channel === CHANNELS.connection && s.payload === false), 'connection lost');
    await waitFor(() => rec.engines.length === 2 && lastConnection() === true, 'the restart');
    expect(await request('engine.ping', {})).toMatchObject({ ok: true, value: { pid: rec.engines[1]!.pid } });
    // the new engine was unlocked with the key sealed in the keychain slot: no passphrase asked
    await waitFor(() => sent().some((x) => x.channel === CHANNELS.frame && JSON.stringify(x.payload).includes('"archive.status"') && JSON.stringify(x.payload).includes('"unlocked"') && sent().indexOf(x) > before), 'the unlock with the sealed key');
    expect(await request('archive.status', {})).toMatchObject({ ok: true, value: { state: 'unlocked' } });
  });

  it('stops the engine on quit', async () => {
    const engine = rec.engines.at(-1)!;
    const exited = new Promise<number | null>((r) => (engine.exitCode !== null ? r(engine.exitCode) : engine.once('exit', (c) => r(c))));
    let prevented = 0;
    app.emit('before-quit', { preventDefault: () => prevented++ });
    expect(prevented).toBe(1);
    expect(await exited).toBe(0);
    await waitFor(() => rec.quitCalls >= 1, 'app.quit after the engine stopped');
  });
});
