import { describe, expect, it } from 'vitest';
import { join } from 'node:path';
import {
  APP_ENTRY,
  CONTENT_SECURITY_POLICY,
  decideNavigation,
  decidePermission,
  decideWindowOpen,
  isAllowedExternalUrl,
  isTrustedSender,
  resolveAppRequest,
  secureWebPreferences,
} from '../../electron/security';

describe('openExternal allow-list', () => {
  it.each([
    'https://example.org/',
    'http://example.org/path?q=1#frag',
    'HTTPS://Example.org/upper',
    'mailto:alice@example.org',
    'mailto:alice@example.org?subject=hi',
    'xmpp:alice@example.org',
    'xmpp:room@conference.example.org?join',
    'https://xn--bcher-kva.example/',
  ])('opens %s in the OS', (url) => {
    expect(isAllowedExternalUrl(url)).toBe(true);
  });

  it.each([
    ['javascript:alert(1)'],
    ['JavaScript:alert(1)'],
    ['java\tscript:alert(1)'],
    [' javascript:alert(1)'],
    ['data:text/html,<script>alert(1)</script>'],
    ['vbscript:msgbox(1)'],
    ['file:///etc/passwd'],
    ['file://server/share/x.exe'],
    ['smb://evil.example/share'],
    ['ms-msdt:/id PCWDiagnostic'],
    ['search-ms:query=x'],
    ['blob:https://example.org/1234'],
    ['about:blank'],
    ['chrome://settings'],
    ['app://confab/index.html'],
    ['httpx://example.org/'],
    ['https-://example.org/'],
    ['https:example.org'],
    ['https:/\\evil.example'],
    ['http:///evil'],
    ['https://user:pass@example.org/'],
    ['https://example.org@evil.example/'],
    ['\u202ehttps://example.org/'],
    ['https://exa\u200bmple.org/'],
    [' https://example.org/'],
    ['https://example.org/\n'],
    ['mailto:javascript:alert(1)//'.replace('mailto:', 'mailto://')],
    ['xmpp://evil/'],
    [''],
    ['not a url'],
    ['https://' + 'a'.repeat(5000) + '.example/'],
  ])('refuses %j', (url) => {
    expect(isAllowedExternalUrl(url)).toBe(false);
  });

  it('refuses non-strings', () => {
    for (const v of [undefined, null, 42, {}, ['https://example.org'], new URL('https://example.org')]) {
      expect(isAllowedExternalUrl(v)).toBe(false);
    }
  });
});

describe('navigation and new windows', () => {
  it('never leaves the app; an allowed link goes to the OS instead', () => {
    expect(decideNavigation('https://example.org/', APP_ENTRY)).toEqual({ allow: false, openExternally: true });
    expect(decideNavigation('javascript:alert(1)', APP_ENTRY)).toEqual({ allow: false, openExternally: false });
    expect(decideNavigation('file:///etc/passwd', APP_ENTRY)).toEqual({ allow: false, openExternally: false });
    expect(decideNavigation('app://evil/index.html', APP_ENTRY)).toEqual({ allow: false, openExternally: false });
    expect(decideNavigation('app://confab/other.html', APP_ENTRY)).toEqual({ allow: false, openExternally: false });
  });

  it('allows only reloading the page it shows', () => {
    expect(decideNavigation(APP_ENTRY, APP_ENTRY)).toEqual({ allow: true });
    expect(decideNavigation(APP_ENTRY + '#/conversation/3', APP_ENTRY + '#/')).toEqual({ allow: true });
  });

  it('denies every window.open; hands allowed links to the OS', () => {
    expect(decideWindowOpen('https://example.org/')).toEqual({ action: 'deny', openExternally: true });
    expect(decideWindowOpen(APP_ENTRY)).toEqual({ action: 'deny', openExternally: false });
    expect(decideWindowOpen('data:text/html,x')).toEqual({ action: 'deny', openExternally: false });
    expect(decideWindowOpen('about:blank')).toEqual({ action: 'deny', openExternally: false });
  });
});

describe('IPC sender validation', () => {
  const trusted = new Set([7]);
  it('accepts the main frame of our window on our origin', () => {
    expect(isTrustedSender({ webContentsId: 7, frameUrl: APP_ENTRY, isMainFrame: true }, trusted)).toBe(true);
    expect(isTrustedSender({ webContentsId: 7, frameUrl: 'app://confab/index.html#/c/1', isMainFrame: true }, trusted)).toBe(true);
  });
  it.each([
    ['another webContents', { webContentsId: 8, frameUrl: APP_ENTRY, isMainFrame: true }],
    ['an iframe of our window', { webContentsId: 7, frameUrl: APP_ENTRY, isMainFrame: false }],
    ['a navigated-away page', { webContentsId: 7, frameUrl: 'https://evil.example/', isMainFrame: true }],
    ['a file page', { webContentsId: 7, frameUrl: 'file:///tmp/x.html', isMainFrame: true }],
    ['a look-alike host', { webContentsId: 7, frameUrl: 'app://confab.evil/index.html', isMainFrame: true }],
    ['credentials in the url', { webContentsId: 7, frameUrl: 'app://x@confab/index.html', isMainFrame: true }],
    ['a destroyed frame', { webContentsId: 7, frameUrl: null, isMainFrame: true }],
    ['about:blank', { webContentsId: 7, frameUrl: 'about:blank', isMainFrame: true }],
  ])('refuses %s', (_name, sender) => {
    expect(isTrustedSender(sender, trusted)).toBe(false);
  });
});

describe('window settings, CSP, permissions, app scheme', () => {
  it('creates windows with the checklist webPreferences', () => {
    const p = secureWebPreferences('/x/preload.cjs');
    expect(p).toMatchObject({ contextIsolation: true, sandbox: true, nodeIntegration: false, webSecurity: true, webviewTag: false, allowRunningInsecureContent: false, nodeIntegrationInSubFrames: false, nodeIntegrationInWorker: false });
  });

  it('has a CSP without inline script or eval, and remote sources only for images', () => {
    expect(CONTENT_SECURITY_POLICY).toContain("default-src 'none'");
    expect(CONTENT_SECURITY_POLICY).toContain("script-src 'self'");
    expect(CONTENT_SECURITY_POLICY).not.toMatch(/unsafe-inline|unsafe-eval|\*/);
    const directives = CONTENT_SECURITY_POLICY.split(';').map((d) => d.trim()).filter(Boolean);
    // shared images (the renderer decides when one may load); scripts, styles, frames, connections stay local
    for (const d of directives) if (!d.startsWith('img-src ')) expect(d).not.toMatch(/https?:/);
    expect(CONTENT_SECURITY_POLICY).toContain("object-src 'none'");
    expect(CONTENT_SECURITY_POLICY).toContain("frame-ancestors 'none'");
  });

  it('denies every permission request', () => {
    for (const p of ['media', 'geolocation', 'notifications', 'clipboard-read', 'openExternal', 'fullscreen', 'hid', 'serial', 'usb']) {
      expect(decidePermission(p)).toBe(false);
    }
  });

  it('serves only files below the renderer folder', () => {
    const root = '/opt/confab/renderer';
    expect(resolveAppRequest('app://confab/', root, join)).toBe('/opt/confab/renderer/index.html');
    expect(resolveAppRequest('app://confab/assets/app.js', root, join)).toBe('/opt/confab/renderer/assets/app.js');
    // the URL parser itself folds "..", "%2e%2e" away: they stay inside the root
    expect(resolveAppRequest('app://confab/../../etc/passwd', root, join)).toBe('/opt/confab/renderer/etc/passwd');
    expect(resolveAppRequest('app://confab/%2e%2e/%2e%2e/etc/passwd', root, join)).toBe('/opt/confab/renderer/etc/passwd');
    expect(resolveAppRequest('app://confab/a%2f..%2f..%2fsecret', root, join)).toBeNull();
    expect(resolveAppRequest('app://confab/a%5c..%5csecret', root, join)).toBeNull();
    expect(resolveAppRequest('app://confab/x%00.js', root, join)).toBeNull();
    expect(resolveAppRequest('app://other/index.html', root, join)).toBeNull();
    expect(resolveAppRequest('https://confab/index.html', root, join)).toBeNull();
    for (const attack of ['app://confab/..%2f..%2fetc/passwd', 'app://confab/%252e%252e/x', 'app://confab/.%2e/x', 'app://confab//etc/passwd', 'app://confab/a/%2e%2e%2f%2e%2e%2f/b']) {
      const r = resolveAppRequest(attack, root, join);
      if (r !== null) expect(r.startsWith(root + '/')).toBe(true);
    }
  });
});
