/**
 * Confab's Electron main process: the composition root of the desktop host.
 *
 *   window    one BrowserWindow (size/position remembered), hidden to the tray on close
 *   engine    engine/main.ts in a utilityProcess, supervised (restart with backoff, give up on a loop)
 *   bridge    the renderer's contract requests, validated (sender, frame, command, schema), forwarded
 *   tray      status menu (DND 30 min / 1 h / until tomorrow / off) and the unread count
 *   notify    OS notifications for the engine's `notify` events; a click opens the conversation
 *   idle      powerMonitor idle time and screen lock → engine (`host.idle`), resume → `host.networkUp`
 *   links     xmpp:, irc:, ircs: (single instance: a second start hands its link to the first)
 *   key       the archive key sealed with safeStorage — never with the basic_text backend
 *
 * Everything with a decision in it lives in a small pure module beside this one, unit-tested in
 * tests/electron/ without an Electron binary. This file only wires Electron to them.
 */
import { app, BrowserWindow, ipcMain, Menu, Notification, powerMonitor, protocol, safeStorage, screen, session, shell, type IpcMainEvent, type WebContents } from 'electron';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { AnyEvent } from '../contract/events';
import type { Frame } from '../contract/wire';
import { createBridge } from './bridge';
import { CHANNELS } from './channels';
import { startUtilityEngine, type EngineHandle } from './engineProcess';
import { createKeyFlow } from './keyFlow';
import { decideKeySealing, type LinuxBackend, type SealingDecision } from './keySealing';
import { NotificationBook, notificationContent } from './notifications';
import { hostPaths } from './paths';
import { APP_ENTRY, APP_SCHEME, decideNavigation, decideWindowOpen, isAllowedExternalUrl, isTrustedSender, secureWebPreferences, type IpcSenderInfo } from './security';
import { hardenSession } from './appSession';
import { followLink } from './links';
import { createSupervisor, type SupervisorState } from './supervisor';
import { TrayMenu } from './trayMenu';
import { findUriInArgv, parseUri } from './uri';
import { parseWindowState, restoreBounds, type WindowState } from './windowState';

const IDLE_POLL_MS = 15_000;

const log = (msg: string, data?: Record<string, unknown>) => process.stderr.write(`[confab main] ${msg}${data ? ' ' + JSON.stringify(data) : ''}\n`);

// ---- before ready ------------------------------------------------------------------------------

if (!app.requestSingleInstanceLock()) {
  app.quit();
  process.exit(0);
}
app.enableSandbox();
// Windows shows toast notifications only for an app with an AppUserModelID (electron-builder's appId)
if (process.platform === 'win32') app.setAppUserModelId('org.confab.desktop');
// standard + secure: a real origin (app://confab) for CSP 'self' and the IPC sender check; the vite
// bundle's <script type="module" crossorigin> needs the scheme to take part in CORS
protocol.registerSchemesAsPrivileged([{ scheme: APP_SCHEME, privileges: { standard: true, secure: true, supportFetchAPI: true, corsEnabled: true } }]);
if (process.env.CONFAB_USER_DATA) app.setPath('userData', process.env.CONFAB_USER_DATA);

const paths = hostPaths({
  isPackaged: app.isPackaged,
  appPath: app.getAppPath(),
  resourcesPath: process.resourcesPath,
  electronVersion: process.versions.electron ?? 'unknown',
  envBinding: process.env.CONFAB_NATIVE_BINDING,
  envRenderer: process.env.CONFAB_RENDERER_DIR,
  join,
});
const dataDir = process.env.CONFAB_DATA ?? join(app.getPath('userData'), 'data');

let win: BrowserWindow | null = null;
let quitting = false;
const trusted = new Set<number>();
const book = new NotificationBook();
let screenLocked = false;
let sealing: SealingDecision | null = null;
let archiveUnlocked = false;
let pendingUri: string | null = findUriInArgv(process.argv);
let sealingNoticeSent = false;

// ---- links: second instance, macOS open-url -----------------------------------------------------

app.on('second-instance', (_e, argv) => {
  showWindow();
  const uri = findUriInArgv(argv);
  if (uri) void openUri(uri);
});
app.on('open-url', (e, url) => {
  e.preventDefault();
  void openUri(url);
});

// ---- web contents hardening (every webContents, present and future) -----------------------------

app.on('web-contents-created', (_e, contents) => {
  contents.on('will-navigate', (ev, url) => guardNavigation(ev, url, contents));
  contents.on('will-redirect', (ev, url) => guardNavigation(ev, url, contents));
  contents.on('will-frame-navigate', (ev) => {
    if (!ev.isMainFrame) ev.preventDefault();
  });
  contents.on('will-attach-webview', (ev) => ev.preventDefault());
  contents.setWindowOpenHandler(({ url }) => {
    const d = decideWindowOpen(url);
    if (d.openExternally) void shell.openExternal(url);
    return { action: 'deny' };
  });
});

function guardNavigation(ev: { preventDefault(): void }, url: string, contents: WebContents) {
  const d = decideNavigation(url, contents.getURL());
  if (d.allow) return;
  ev.preventDefault();
  if (d.openExternally) void shell.openExternal(url);
}

// ---- engine ---------------------------------------------------------------------------------------

let engine: EngineHandle | null = null;
const supervisor = createSupervisor<EngineHandle>({
  start: () =>
    startUtilityEngine({
      entry: paths.engineEntry,
      dataDir,
      env: {
        CONFAB_NATIVE_BINDING: paths.nativeBinding,
        ...(process.env.CONFAB_LOG ? { CONFAB_LOG: process.env.CONFAB_LOG } : {}),
        // tests only: a cheap passphrase KDF; never honoured by a packaged app
        ...(!app.isPackaged && process.env.CONFAB_TEST_KDF_N ? { CONFAB_TEST_KDF_N: process.env.CONFAB_TEST_KDF_N } : {}),
      },
    }),
  onStarted: (h) => onEngineUp(h),
  onState: (s) => onEngineState(s),
});

const tray = new TrayMenu({
  icon: paths.icon,
  engine: () => engine,
  engineFailed: () => supervisor.state().state === 'failed',
  restartEngine: () => void supervisor.retry(),
  showWindow: () => showWindow(),
  quit: () => quit(),
  log,
});

async function onEngineUp(h: EngineHandle) {
  engine = h;
  h.onExit(() => {
    if (engine === h) engine = null;
    archiveUnlocked = false;
  });
  h.onBatch((events) => onEngineEvents(events));
  sendToWindow(CHANNELS.connection, true);
  const status = await h.call('archive.status', {});
  if (status.ok) await onArchiveStatus(status.value.state);
  await refreshUnread(h);
  const st = await h.call('status.get', {});
  if (st.ok) tray.setStatus(st.value);
  tray.update();
}

async function refreshUnread(h: EngineHandle) {
  const convs = await h.call('conversations.list', {});
  if (!convs.ok) return;
  tray.resetUnread(convs.value);
  tray.update();
}

function onEngineState(s: SupervisorState) {
  if (s.state === 'restarting' || s.state === 'failed') {
    log('engine process ended', { state: s.state, code: s.lastExit?.code ?? null });
    sendToWindow(CHANNELS.connection, false);
  }
  if (s.state === 'failed') {
    pushEventsToWindow([{ type: 'error', payload: { code: 'internal', message: 'The Confab engine keeps stopping. Restart Confab; if it happens again, see the log.' } }]);
  }
  tray.update();
}

function onEngineEvents(events: AnyEvent[]) {
  let trayDirty = false;
  for (const e of events) {
    switch (e.type) {
      case 'notify':
        book.remember(e.payload);
        break;
      case 'conversations.changed':
        tray.setUnread(e.payload.id, e.payload.unread);
        trayDirty = true;
        break;
      case 'conversations.removed':
        tray.forget(e.payload.conversationId);
        trayDirty = true;
        break;
      case 'status.changed':
        tray.setStatus(e.payload);
        trayDirty = true;
        break;
      case 'archive.status':
        void onArchiveStatus(e.payload.state);
        break;
      default:
        break;
    }
  }
  if (trayDirty) tray.update();
  sendFrame({ t: 'evt', events });
}

// ---- archive key: safeStorage slot or passphrase --------------------------------------------------

async function decideSealing(): Promise<SealingDecision> {
  if (sealing) return sealing;
  let available = false;
  try {
    available = await safeStorage.isAsyncEncryptionAvailable();
  } catch {
    available = false;
  }
  sealing = decideKeySealing({
    platform: process.platform,
    encryptionAvailable: available,
    ...(process.platform === 'linux' ? { linuxBackend: safeStorage.getSelectedStorageBackend() as LinuxBackend } : {}),
    forcePassphrase: process.env.CONFAB_KEY_STORE === 'passphrase',
  });
  log('archive key sealing', sealing.mode === 'safeStorage' ? { mode: sealing.mode, backend: sealing.backend } : { mode: sealing.mode, reason: sealing.reason });
  return sealing;
}

const keyFlow = createKeyFlow({
  decision: decideSealing,
  sealer: {
    encrypt: (plain) => safeStorage.encryptStringAsync(plain),
    decrypt: async (blob) => (await safeStorage.decryptStringAsync(blob)).result,
  },
});

async function onArchiveStatus(state: 'none' | 'locked' | 'unlocked') {
  const h = engine;
  if (!h) return;
  const d = await decideSealing();
  if (state === 'unlocked') {
    const first = !archiveUnlocked;
    archiveUnlocked = true;
    if (first) {
      void refreshUnread(h);
      void flushPendingUri();
    }
    // seal the key for the next start; the passphrase slot stays as the way back in
    const sealed = await keyFlow.sealIfNeeded(h.call);
    if (sealed === 'sealed' || sealed === 'failed') log('archive key sealing', { outcome: sealed });
    return;
  }
  archiveUnlocked = false;
  if (d.mode === 'passphrase') {
    if (!sealingNoticeSent) {
      sealingNoticeSent = true;
      pushEventsToWindow([{ type: 'error', payload: { code: 'unsupported', message: d.message } }]);
    }
    return;
  }
  if (state === 'locked') {
    // a failed unlock (keychain reset, copied profile) leaves the passphrase screen in place
    const outcome = await keyFlow.unlockWithSealedKey(h.call);
    log('unlock with the sealed key', { outcome });
  }
}

// ---- renderer bridge and the other channels ---------------------------------------------------------

function senderInfo(e: IpcMainEvent): IpcSenderInfo {
  const frame = e.senderFrame;
  return { webContentsId: e.sender.id, frameUrl: frame?.url ?? null, isMainFrame: !!frame && frame === e.sender.mainFrame };
}

const bridge = createBridge({
  trustedWebContentsIds: trusted,
  call: (cmd, input) => {
    const h = engine;
    if (!h) return Promise.resolve({ ok: false as const, error: { code: 'internal' as const, message: 'the engine is restarting' } });
    return h.call(cmd as never, input as never);
  },
  onRefused: (reason, s) => log('refused an IPC message', { reason, webContentsId: s.webContentsId }),
});

ipcMain.on(CHANNELS.request, (e, raw: unknown) => {
  const info = senderInfo(e);
  void bridge(info, raw).then((out) => {
    if (out.kind === 'reply' && !e.sender.isDestroyed()) e.sender.send(CHANNELS.frame, out.frame);
  });
});

ipcMain.on(CHANNELS.openExternal, (e, url: unknown) => {
  if (!isTrustedSender(senderInfo(e), trusted)) return;
  if (isAllowedExternalUrl(url)) void shell.openExternal(url as string);
});

ipcMain.on(CHANNELS.notify, (e, messageId: unknown) => {
  if (!isTrustedSender(senderInfo(e), trusted)) return;
  const n = book.take(messageId);
  if (!n || !Notification.isSupported()) return;
  const c = notificationContent(n, screenLocked);
  const note = new Notification({ title: c.title, body: c.body, silent: c.silent, ...(paths.icon ? { icon: paths.icon } : {}) });
  note.on('click', () => {
    showWindow();
    sendToWindow(CHANNELS.notifyClick, n.messageId);
  });
  note.show();
  if (n.attention && win && !win.isFocused()) win.flashFrame(true);
});

function sendFrame(frame: Frame) {
  sendToWindow(CHANNELS.frame, frame);
}
function pushEventsToWindow(events: AnyEvent[]) {
  sendFrame({ t: 'evt', events });
}
function sendToWindow(channel: string, payload: unknown) {
  if (win && !win.isDestroyed() && !win.webContents.isLoading()) win.webContents.send(channel, payload);
}

// ---- links ------------------------------------------------------------------------------------------

async function openUri(raw: string) {
  const intent = parseUri(raw);
  if (!intent) {
    log('ignored a link that is not a valid xmpp:/irc: address');
    return;
  }
  if (!engine || !archiveUnlocked) {
    pendingUri = raw;
    return;
  }
  const h = engine;
  showWindow();
  const err = await followLink(h.call, intent);
  if (err) pushEventsToWindow([{ type: 'error', payload: err }]);
}

async function flushPendingUri() {
  const u = pendingUri;
  pendingUri = null;
  if (u) await openUri(u);
}

// ---- idle ---------------------------------------------------------------------------------------------

function reportIdle() {
  const h = engine;
  if (!h || !archiveUnlocked) return;
  void h.call('host.idle', { idleMs: powerMonitor.getSystemIdleTime() * 1000, locked: screenLocked });
}

// ---- window -----------------------------------------------------------------------------------------

function windowStateFile() {
  return join(app.getPath('userData'), 'window-state.json');
}

function loadWindowState(): WindowState | null {
  try {
    return parseWindowState(readFileSync(windowStateFile(), 'utf8'));
  } catch {
    return null;
  }
}

function saveWindowState() {
  if (!win || win.isDestroyed()) return;
  const b = win.getNormalBounds();
  const state: WindowState = { ...b, maximized: win.isMaximized() };
  try {
    mkdirSync(app.getPath('userData'), { recursive: true });
    writeFileSync(windowStateFile(), JSON.stringify(state));
  } catch (err) {
    log('could not save the window state', { err: String(err) });
  }
}

function createWindow() {
  const restored = restoreBounds(loadWindowState(), screen.getAllDisplays().map((d) => d.workArea));
  win = new BrowserWindow({
    ...restored.bounds,
    minWidth: 480,
    minHeight: 360,
    show: false,
    title: 'Confab',
    icon: paths.icon,
    backgroundColor: '#1e1f22',
    autoHideMenuBar: true,
    // the checklist values written out here too, so static checkers see them at the call site
    webPreferences: { ...secureWebPreferences(paths.preload), contextIsolation: true, sandbox: true, nodeIntegration: false, disableBlinkFeatures: 'Auxclick' },
  });
  const w = win;
  trusted.add(w.webContents.id);
  if (restored.maximized) w.maximize();
  w.once('ready-to-show', () => {
    if (!process.argv.includes('--hidden')) w.show();
  });
  let saveTimer: NodeJS.Timeout | null = null;
  const saveSoon = () => {
    if (saveTimer) clearTimeout(saveTimer);
    saveTimer = setTimeout(saveWindowState, 500);
  };
  w.on('resize', saveSoon);
  w.on('move', saveSoon);
  w.on('close', (e) => {
    saveWindowState();
    if (!quitting && tray.present) {
      // a chat client keeps running in the tray
      e.preventDefault();
      w.hide();
    }
  });
  w.on('focus', () => w.flashFrame(false));
  w.webContents.on('did-finish-load', () => {
    sendToWindow(CHANNELS.connection, !!engine);
    if (sealing?.mode === 'passphrase' && !archiveUnlocked) {
      sealingNoticeSent = true;
      pushEventsToWindow([{ type: 'error', payload: { code: 'unsupported', message: sealing.message } }]);
    }
  });
  w.on('closed', () => {
    trusted.delete(w.webContents.id);
    win = null;
  });
  void w.loadURL(APP_ENTRY);
}

function showWindow(): void {
  if (!win) createWindow();
  if (!win) return;
  if (win.isMinimized()) win.restore();
  win.show();
  win.focus();
}

function quit(): void {
  quitting = true;
  app.quit();
}

// ---- ready ------------------------------------------------------------------------------------------

app.on('before-quit', (e) => {
  quitting = true;
  saveWindowState();
  if (supervisor.state().state !== 'stopped') {
    e.preventDefault();
    void supervisor.stop().finally(() => app.quit());
  }
});
app.on('window-all-closed', () => {
  if (!tray.present) quit();
});

void app.whenReady().then(async () => {
  hardenSession(session.defaultSession, paths.rendererRoot);
  // macOS needs an Edit menu for copy/paste shortcuts; elsewhere the window has no menu bar
  Menu.setApplicationMenu(process.platform === 'darwin' ? Menu.buildFromTemplate([{ role: 'appMenu' }, { role: 'editMenu' }, { role: 'windowMenu' }]) : null);
  if (app.isPackaged) for (const scheme of ['xmpp', 'irc', 'ircs']) app.setAsDefaultProtocolClient(scheme);

  await decideSealing();
  createWindow();
  tray.create();

  powerMonitor.on('lock-screen', () => {
    screenLocked = true;
    reportIdle();
  });
  powerMonitor.on('unlock-screen', () => {
    screenLocked = false;
    reportIdle();
  });
  powerMonitor.on('suspend', () => {
    screenLocked = true;
    reportIdle();
  });
  powerMonitor.on('resume', () => {
    screenLocked = false;
    reportIdle();
    if (engine) void engine.call('host.networkUp', {});
  });
  setInterval(reportIdle, IDLE_POLL_MS).unref();
  setInterval(() => tray.update(), 60_000).unref(); // a DND that ran out shows as off

  await supervisor.start();
});
