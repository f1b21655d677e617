/**
 * The default session locked down: no permissions, no remote content, the CSP on every response,
 * and app:// served from the renderer folder (inside app.asar when packaged). The decisions are the
 * pure functions of security.ts; this file only hands them to Electron.
 */
import { protocol, type Session } from 'electron';
import { readFile } from 'node:fs/promises';
import { join, sep } from 'node:path';
import { APP_ORIGIN, APP_SCHEME, CONTENT_SECURITY_POLICY, decidePermission, isAppUrl, mimeType, resolveAppRequest, SECURITY_HEADERS } from './security';

export function hardenSession(ses: Session, rendererRoot: string): void {
  ses.setPermissionRequestHandler((_wc, permission, callback) => callback(decidePermission(permission)));
  ses.setPermissionCheckHandler((_wc, permission) => decidePermission(permission));
  ses.setDevicePermissionHandler(() => false);
  ses.setDisplayMediaRequestHandler((_req, callback) => callback({}));
  // no remote content but images: the window loads only app:// (and devtools in development); shared
  // images are fetched when the renderer's preview rule says so (own server, or the user clicked)
  ses.webRequest.onBeforeRequest((details, callback) => {
    const u = details.url;
    const image = details.resourceType === 'image' && /^(data:|https?:\/\/)/.test(u);
    const ok = isAppUrl(u) || u.startsWith(`blob:${APP_ORIGIN}/`) || u.startsWith('devtools://') || image;
    callback({ cancel: !ok });
  });
  // the CSP on every response this session sees (app:// responses carry it themselves as well)
  ses.webRequest.onHeadersReceived((details, callback) => {
    callback({ responseHeaders: { ...details.responseHeaders, 'Content-Security-Policy': [CONTENT_SECURITY_POLICY] } });
  });
  protocol.handle(APP_SCHEME, async (req) => {
    const file = resolveAppRequest(req.url, rendererRoot, join, sep);
    if (!file || req.method !== 'GET') return new Response('not found', { status: 404, headers: SECURITY_HEADERS });
    try {
      // node:fs in the main process reads inside app.asar as well
      const body = await readFile(file);
      return new Response(new Uint8Array(body), { status: 200, headers: { ...SECURITY_HEADERS, 'Content-Type': mimeType(file) } });
    } catch {
      return new Response('not found', { status: 404, headers: SECURITY_HEADERS });
    }
  });
}
