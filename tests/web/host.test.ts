// The web host's doors: loopback only, token required, Origin and Host checked, every command
// validated with the contract's schemas (host-only ones refused), malformed and oversized frames
// refused. Real host process (tsx web/main.ts) with the real engine process behind it.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { join } from 'node:path';
import { request } from 'node:http';
import WebSocket from 'ws';
import { tempDir } from '../harness/util';
import { startHost, type Host } from '../ui/lib/host';

let tmp: ReturnType<typeof tempDir>;
let host: Host;

beforeAll(async () => {
  tmp = tempDir('web-host');
  host = await startHost({ dataDir: join(tmp.path, 'data'), passphrase: 'correct horse battery' });
});
afterAll(async () => {
  await host?.stop();
  tmp?.remove();
});

function httpGet(path: string, headers: Record<string, string> = {}): Promise<{ status: number; headers: Record<string, string | string[] | undefined>; body: string }> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port: host.port, path, headers }, (res) => {
      let body = '';
      res.on('data', (d: Buffer) => (body += d.toString()));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body }));
    });
    req.on('error', reject);
    req.end();
  });
}

type Opened = { ws: WebSocket; status?: number };
function openWs(opts: { token?: string; origin?: string; host?: string; protocols?: string[] } = {}): Promise<Opened> {
  const origin = opts.origin ?? `http://127.0.0.1:${host.port}`;
  const protocols = opts.protocols ?? ['confab.v1', `token.${opts.token ?? host.token}`];
  const ws = new WebSocket(`ws://127.0.0.1:${host.port}/ws`, protocols, { origin, headers: opts.host ? { Host: opts.host } : {} });
  return new Promise((resolve) => {
    ws.once('open', () => resolve({ ws }));
    ws.once('unexpected-response', (_req, res) => resolve({ ws, status: res.statusCode }));
    ws.once('error', () => resolve({ ws, status: -1 }));
  });
}

function call(ws: WebSocket, cmd: string, input: unknown, id = Math.floor(Math.random() * 1e9)): Promise<{ ok: boolean; value?: unknown; error?: { code: string; message: string } }> {
  return new Promise((resolve) => {
    const onMsg = (data: WebSocket.RawData) => {
      const f = JSON.parse(data.toString());
      if (f.t === 'res' && f.id === id) {
        ws.off('message', onMsg);
        resolve(f.reply);
      }
    };
    ws.on('message', onMsg);
    ws.send(JSON.stringify({ t: 'req', id, cmd, input }));
  });
}

const closed = (ws: WebSocket) => new Promise<number>((resolve) => ws.once('close', (code) => resolve(code)));

describe('web host', () => {
  it('listens on 127.0.0.1 and serves the renderer with a strict CSP; wrong Host is refused', async () => {
    expect(host.url.startsWith(`http://127.0.0.1:${host.port}/#token=`)).toBe(true);
    const ok = await httpGet('/', { Host: `127.0.0.1:${host.port}` });
    expect(ok.status).toBe(200);
    expect(ok.body).toContain('<div id="root">');
    expect(String(ok.headers['content-security-policy'])).toContain("script-src 'self'");
    expect(ok.body).not.toContain(host.token);
    const rebinding = await httpGet('/', { Host: `attacker.example:${host.port}` });
    expect(rebinding.status).toBe(421);
    const traversal = await httpGet('/../../package.json', { Host: `127.0.0.1:${host.port}` });
    expect(traversal.status).toBe(404);
  });

  it('refuses WebSockets without the token, with a wrong token, from another Origin or Host', async () => {
    expect((await openWs({ protocols: ['confab.v1'] })).status).toBe(401);
    expect((await openWs({ token: 'f'.repeat(48) })).status).toBe(401);
    expect((await openWs({ origin: 'http://evil.example' })).status).toBe(403);
    expect((await openWs({ origin: `http://127.0.0.1:${host.port + 1}` })).status).toBe(403);
    expect((await openWs({ host: `evil.example:${host.port}` })).status).toBe(421);
  });

  it('forwards valid commands, validates input with the contract schemas and refuses host-only commands', async () => {
    const { ws, status } = await openWs();
    expect(status).toBeUndefined();
    const st = await call(ws, 'archive.status', {});
    expect(st.ok).toBe(true);
    expect((st.value as { state: string }).state).toBe('unlocked');
    const bad = await call(ws, 'accounts.add', { protocol: 42 });
    expect(bad.ok).toBe(false);
    expect(bad.error?.code).toBe('invalid');
    const unknown = await call(ws, 'fs.readFile', { path: '/etc/passwd' });
    expect(unknown.error?.code).toBe('invalid');
    const hostOnly = await call(ws, 'archive.exportKey', {});
    expect(hostOnly.ok).toBe(false);
    expect(hostOnly.error?.message).toMatch(/not available/);
    ws.close();
  });

  it('closes the socket on a malformed frame and on an oversized frame', async () => {
    const a = (await openWs()).ws;
    const c1 = closed(a);
    a.send('{"t":"req","id":1,');
    expect(await c1).toBe(1007);
    const b = (await openWs()).ws;
    const c2 = closed(b);
    b.send(JSON.stringify({ t: 'req', id: 2, cmd: 'archive.status', input: { pad: 'x'.repeat(2 * 1024 * 1024) } }));
    expect(await c2).toBe(1009);
    // the host is still serving others
    const c = (await openWs()).ws;
    expect((await call(c, 'archive.status', {})).ok).toBe(true);
    c.close();
  });
});
