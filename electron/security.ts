/**
 * Electron security checklist, as small pure functions the main process wires in (main.ts) and the
 * unit tests exercise without an Electron binary (tests/electron/security.test.ts).
 *
 * - the app is served from its own privileged scheme (APP_ORIGIN), never from file:// or the network
 * - a strict CSP on every response of that scheme
 * - no navigation away from the app, no new windows (http(s)/mailto/xmpp links go to the OS instead)
 * - openExternal only for http, https, mailto and xmpp
 * - every IPC message must come from the main frame of one of our windows, showing our origin
 * - permission requests and checks are denied
 */

export const APP_SCHEME = 'app';
export const APP_HOST = 'confab';
export const APP_ORIGIN = `${APP_SCHEME}://${APP_HOST}`;
export const APP_ENTRY = `${APP_ORIGIN}/index.html`;

/** No remote content, no inline script, no eval, no plugins, no framing, no form posts. */
export const CONTENT_SECURITY_POLICY = [
  "default-src 'none'",
  "script-src 'self'",
  "style-src 'self'",
  // shared images: the renderer loads one by itself only from the user's own server, anything else
  // on a click (a preview must not tell a stranger's server that we read the message)
  "img-src 'self' data: blob: https: http:",
  "font-src 'self'",
  "media-src 'self' blob:",
  "connect-src 'self'",
  "worker-src 'none'",
  "object-src 'none'",
  "frame-src 'none'",
  "child-src 'none'",
  "frame-ancestors 'none'",
  "base-uri 'none'",
  "form-action 'none'",
].join('; ');

/** Headers added to every app:// response. */
export const SECURITY_HEADERS: Readonly<Record<string, string>> = {
  'Content-Security-Policy': CONTENT_SECURITY_POLICY,
  'X-Content-Type-Options': 'nosniff',
  'Cross-Origin-Opener-Policy': 'same-origin',
  'Cross-Origin-Resource-Policy': 'same-origin',
  'Referrer-Policy': 'no-referrer',
};

const EXTERNAL_SCHEMES = new Set(['http:', 'https:', 'mailto:', 'xmpp:']);
// ASCII control characters, spaces and the bidi/zero-width characters used to disguise links
const DISGUISE_RANGES: ReadonlyArray<readonly [number, number]> = [
  [0x0000, 0x0020], [0x007f, 0x00a0], [0x00ad, 0x00ad], [0x061c, 0x061c], [0x115f, 0x1160], [0x17b4, 0x17b5],
  [0x180e, 0x180e], [0x200b, 0x200f], [0x202a, 0x202e], [0x2060, 0x206f], [0x3164, 0x3164], [0xfeff, 0xfeff], [0xffa0, 0xffa0],
];
function hasDisguise(s: string): boolean {
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (DISGUISE_RANGES.some(([a, b]) => c >= a && c <= b)) return true;
  }
  return false;
}

/**
 * May this URL be handed to the operating system (shell.openExternal)? Only http, https, mailto and
 * xmpp, written plainly: no whitespace or invisible characters, no credentials, a host for http(s).
 */
export function isAllowedExternalUrl(raw: unknown): boolean {
  if (typeof raw !== 'string' || raw.length === 0 || raw.length > 4096) return false;
  if (hasDisguise(raw)) return false;
  let u: URL;
  try {
    u = new URL(raw);
  } catch {
    return false;
  }
  if (!EXTERNAL_SCHEMES.has(u.protocol)) return false;
  // the scheme as written must be the one parsed (no "java\tscript:" style tricks slipping through)
  if (raw.slice(0, u.protocol.length).toLowerCase() !== u.protocol) return false;
  if (u.username || u.password) return false;
  if (u.protocol === 'http:' || u.protocol === 'https:') {
    if (!/^https?:\/\/[^/\\]/i.test(raw)) return false;
    if (!u.hostname) return false;
  } else {
    // mailto: and xmpp: carry an address, never a nested URL or script
    const rest = u.pathname;
    if (!rest || rest.startsWith('/')) return false;
  }
  return true;
}

/** Is this URL our own app page (same scheme and host)? */
export function isAppUrl(raw: unknown): boolean {
  if (typeof raw !== 'string') return false;
  try {
    const u = new URL(raw);
    return u.protocol === `${APP_SCHEME}:` && u.host === APP_HOST && !u.username && !u.password;
  } catch {
    return false;
  }
}

export type NavigationDecision = { allow: true } | { allow: false; openExternally: boolean };

/**
 * will-navigate / will-redirect / will-frame-navigate: the app window never leaves the app. A link
 * the user clicked that the OS may open goes to the OS; everything else is dropped.
 */
export function decideNavigation(url: string, currentUrl: string): NavigationDecision {
  // an in-app reload of the very page we show is the only navigation allowed
  if (isAppUrl(url) && isAppUrl(currentUrl) && stripHash(url) === stripHash(currentUrl)) return { allow: true };
  return { allow: false, openExternally: isAllowedExternalUrl(url) };
}

/** setWindowOpenHandler: no new Electron windows ever; allowed links go to the OS. */
export function decideWindowOpen(url: string): { action: 'deny'; openExternally: boolean } {
  return { action: 'deny', openExternally: isAllowedExternalUrl(url) };
}

function stripHash(u: string): string {
  const i = u.indexOf('#');
  return i < 0 ? u : u.slice(0, i);
}

export interface IpcSenderInfo {
  /** event.sender.id (webContents id) */
  webContentsId: number;
  /** event.senderFrame?.url; null when the frame is gone */
  frameUrl: string | null | undefined;
  /** event.senderFrame === event.sender.mainFrame */
  isMainFrame: boolean;
}

/**
 * Validates the sender of every IPC message: one of our own windows, its main frame (no iframe),
 * showing our own app origin.
 */
export function isTrustedSender(sender: IpcSenderInfo, trustedWebContentsIds: ReadonlySet<number>): boolean {
  if (!trustedWebContentsIds.has(sender.webContentsId)) return false;
  if (!sender.isMainFrame) return false;
  return isAppUrl(sender.frameUrl);
}

/** Every permission (camera, geolocation, notifications, clipboard, …) is denied to web content. */
export function decidePermission(_permission: string): boolean {
  return false;
}

/** The webPreferences every Confab window is created with (asserted by the tests and the static check). */
export function secureWebPreferences(preloadPath: string) {
  return {
    preload: preloadPath,
    contextIsolation: true,
    sandbox: true,
    nodeIntegration: false,
    nodeIntegrationInWorker: false,
    nodeIntegrationInSubFrames: false,
    webSecurity: true,
    allowRunningInsecureContent: false,
    experimentalFeatures: false,
    webviewTag: false,
    navigateOnDragDrop: false,
    spellcheck: true,
    safeDialogs: true,
    disableBlinkFeatures: 'Auxclick',
  } as const;
}

/**
 * Resolves an app:// request to a file path under `root`, or null (outside the root, not a GET path,
 * another host). `resolve`/`sep` are passed in so the function stays pure and testable.
 */
export function resolveAppRequest(rawUrl: string, root: string, join: (...p: string[]) => string, sep = '/'): string | null {
  if (!isAppUrl(rawUrl)) return null;
  const u = new URL(rawUrl);
  let path: string;
  try {
    path = decodeURIComponent(u.pathname);
  } catch {
    return null;
  }
  if (path === '/' || path === '') path = '/index.html';
  if (path.includes('\0') || path.includes('\\')) return null;
  const parts = path.split('/').filter((p) => p.length > 0);
  if (parts.some((p) => p === '..' || p === '.')) return null;
  const full = join(root, ...parts);
  const rootWithSep = root.endsWith(sep) ? root : root + sep;
  if (!full.startsWith(rootWithSep)) return null;
  return full;
}

const MIME: Record<string, string> = {
  html: 'text/html; charset=utf-8',
  js: 'text/javascript; charset=utf-8',
  mjs: 'text/javascript; charset=utf-8',
  css: 'text/css; charset=utf-8',
  json: 'application/json',
  svg: 'image/svg+xml',
  png: 'image/png',
  ico: 'image/x-icon',
  woff2: 'font/woff2',
  woff: 'font/woff',
  map: 'application/json',
  txt: 'text/plain; charset=utf-8',
};

export function mimeType(path: string): string {
  const ext = path.slice(path.lastIndexOf('.') + 1).toLowerCase();
  return MIME[ext] ?? 'application/octet-stream';
}
