// Issue 9, guarantee 7: the web host's doors, attacked. The REAL host process (tsx web/main.ts) with
// the real engine process behind it. Without the token, with a wrong / missing / "null" Origin, with
// a foreign Host, or from any address but 127.0.0.1: no data is served and no command runs (proven
// by trying a state-changing command through every refused door, also pipelined right behind the
// refused upgrade, then listing the state through a good connection). Malformed, binary, invalid
// UTF-8, unmasked, deeply nested, prototype-polluting, oversized and flooding frames are refused
// and the host keeps serving. (tests/web/host.test.ts covers the basic doors; this adds the attacks.)
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { connect, type Socket } from 'node:net';
import { networkInterfaces } from 'node:os';
import { join } from 'node:path';
import { request } from 'node:http';
import { randomBytes } from 'node:crypto';
import WebSocket from 'ws';
import { tempDir } from '../harness/util';
import { startHost, type Host } from '../ui/lib/host';
import { listFiles, PASSPHRASE, until } from './lib';

const CANARY = `canary-web-${randomBytes(6).toString('hex')}`;
let tmp: ReturnType<typeof tempDir>;
let host: Host;

beforeAll(async () => {
  tmp = tempDir('rel-web');
  host = await startHost({ dataDir: join(tmp.path, 'data'), passphrase: PASSPHRASE });
  // something worth stealing: a status message holding the canary
  const { ws } = await openWs();
  const r = await call(ws, 'status.set', { show: 'away', message: CANARY });
  expect(r.ok).toBe(true);
  ws.close();
});
afterAll(async () => {
  await host?.stop();
  tmp?.remove();
});

function httpReq(method: string, path: string, headers: Record<string, string> = {}, addr = '127.0.0.1'): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = request({ host: addr, port: host.port, path, method, headers: { Host: `127.0.0.1:${host.port}`, ...headers } }, (res) => {
      let body = '';
      res.on('data', (d: Buffer) => (body += d.toString()));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
    });
    req.on('error', reject);
    req.end();
  });
}

type Opened = { ws: WebSocket; status?: number };
function openWs(opts: { token?: string; origin?: string | null; host?: string; protocols?: string[]; path?: string } = {}): Promise<Opened> {
  const protocols = opts.protocols ?? ['confab.v1', `token.${opts.token ?? host.token}`];
  const headers: Record<string, string> = opts.host ? { Host: opts.host } : {};
  const o = opts.origin === null ? {} : { origin: opts.origin ?? `http://127.0.0.1:${host.port}` };
  const ws = new WebSocket(`ws://127.0.0.1:${host.port}${opts.path ?? '/ws'}`, protocols, { ...o, headers });
  return new Promise((resolve) => {
    ws.once('open', () => resolve({ ws }));
    ws.once('unexpected-response', (_req, res) => resolve({ ws, status: res.statusCode }));
    ws.once('error', () => resolve({ ws, status: -1 }));
  });
}

let nextId = 1;
function call(ws: WebSocket, cmd: string, input: unknown): Promise<{ ok: boolean; value?: unknown; error?: { code: string; message: string } }> {
  const id = nextId++;
  return new Promise((resolve, reject) => {
    const onClose = () => reject(new Error(`socket closed before the reply to ${cmd}`));
    const onMsg = (data: WebSocket.RawData) => {
      const f = JSON.parse(data.toString());
      if (f.t === 'res' && f.id === id) {
        ws.off('message', onMsg);
        ws.off('close', onClose);
        resolve(f.reply);
      }
    };
    ws.on('message', onMsg);
    ws.once('close', onClose);
    ws.send(JSON.stringify({ t: 'req', id, cmd, input }));
  });
}

const closed = (ws: WebSocket) => new Promise<number>((resolve) => ws.once('close', (code) => resolve(code)));

/** a state-changing command whose effect is visible afterwards: an account labelled `label` */
const addAccount = (label: string) => ({ t: 'req', id: 7, cmd: 'accounts.add', input: { protocol: 'irc', label, enabled: false, config: { server: '127.0.0.1', port: 1, tls: false, nick: 'x' + randomBytes(4).toString('hex') } } });

/** a masked client text frame (RFC 6455), for raw sockets */
function maskedFrame(payload: Buffer, opcode = 0x1, fin = true): Buffer {
  const mask = randomBytes(4);
  const len = payload.length;
  const head = len < 126 ? Buffer.from([(fin ? 0x80 : 0) | opcode, 0x80 | len]) : len < 65536 ? Buffer.from([(fin ? 0x80 : 0) | opcode, 0x80 | 126, len >> 8, len & 255]) : (() => {
    const b = Buffer.alloc(10);
    b[0] = (fin ? 0x80 : 0) | opcode;
    b[1] = 0x80 | 127;
    b.writeBigUInt64BE(BigInt(len), 2);
    return b;
  })();
  const body = Buffer.from(payload);
  for (let i = 0; i < body.length; i++) body[i]! ^= mask[i % 4]!;
  return Buffer.concat([head, mask, body]);
}

/** raw upgrade request with whatever headers, followed at once (pipelined) by `after` */
function rawUpgrade(headers: Record<string, string>, after: Buffer, addr = '127.0.0.1'): Promise<string> {
  return new Promise((resolve) => {
    const s: Socket = connect({ host: addr, port: host.port });
    let got = '';
    s.on('data', (d) => (got += d.toString('latin1')));
    s.on('error', () => resolve(got || 'ERROR'));
    s.on('close', () => resolve(got));
    s.on('connect', () => {
      const lines = ['GET /ws HTTP/1.1', 'Connection: Upgrade', 'Upgrade: websocket', 'Sec-WebSocket-Version: 13', `Sec-WebSocket-Key: ${randomBytes(16).toString('base64')}`, ...Object.entries(headers).map(([k, v]) => `${k}: ${v}`)];
      s.write(lines.join('\r\n') + '\r\n\r\n');
      s.write(after);
      setTimeout(() => s.destroy(), 1500);
    });
  });
}

async function accountLabels(): Promise<string[]> {
  const { ws } = await openWs();
  const r = await call(ws, 'accounts.list', {});
  ws.close();
  expect(r.ok).toBe(true);
  return (r.value as { label: string }[]).map((a) => a.label);
}

describe('web host under attack', () => {
  it('listens on 127.0.0.1 only: no IPv4/IPv6 wildcard or other-address socket, other local addresses refuse connections', async () => {
    const hexPort = host.port.toString(16).toUpperCase().padStart(4, '0');
    const listening = (file: string) =>
      readFileSync(file, 'utf8').split('\n').slice(1).map((l) => l.trim().split(/\s+/)).filter((c) => c[1]?.endsWith(`:${hexPort}`) && c[3] === '0A').map((c) => c[1]!.split(':')[0]!);
    expect(listening('/proc/net/tcp')).toEqual(['0100007F']);
    expect(listening('/proc/net/tcp6')).toEqual([]);
    const others = Object.values(networkInterfaces()).flat().filter((a) => a && !a.internal && a.family === 'IPv4').map((a) => a!.address);
    if (!others.length) console.log('reliability/webhost: this machine has no non-loopback IPv4 address; the /proc/net check above stands alone');
    for (const addr of others) {
      const err = await httpReq('GET', '/', {}, addr).then(() => null, (e: NodeJS.ErrnoException) => e.code);
      expect(err).toBe('ECONNREFUSED');
    }
  });

  it('serves no data and runs no command through any refused door, not even pipelined behind the refused upgrade', async () => {
    const origin = `http://127.0.0.1:${host.port}`;
    const good = { Host: `127.0.0.1:${host.port}`, Origin: origin, 'Sec-WebSocket-Protocol': `confab.v1, token.${host.token}` };
    const doors: [string, Record<string, string>][] = [
      ['no token', { ...good, 'Sec-WebSocket-Protocol': 'confab.v1' }],
      ['wrong token', { ...good, 'Sec-WebSocket-Protocol': `confab.v1, token.${'0'.repeat(host.token.length)}` }],
      ['token prefix', { ...good, 'Sec-WebSocket-Protocol': `confab.v1, token.${host.token.slice(0, -1)}` }],
      ['token without protocol', { ...good, 'Sec-WebSocket-Protocol': `token.${host.token}` }],
      ['no Origin', { Host: good.Host, 'Sec-WebSocket-Protocol': good['Sec-WebSocket-Protocol'] }],
      ['Origin null', { ...good, Origin: 'null' }],
      ['foreign Origin', { ...good, Origin: 'http://evil.example' }],
      ['https Origin', { ...good, Origin: `https://127.0.0.1:${host.port}` }],
      ['Origin with path-confusion', { ...good, Origin: `http://127.0.0.1:${host.port}.evil.example` }],
      ['foreign Host', { ...good, Host: `evil.example:${host.port}` }],
      ['no Host', { Origin: origin, 'Sec-WebSocket-Protocol': good['Sec-WebSocket-Protocol'] }],
    ];
    for (const [name, headers] of doors) {
      const label = `door ${name} ${CANARY}`;
      const reply = await rawUpgrade(headers, maskedFrame(Buffer.from(JSON.stringify(addAccount(label)))));
      // refused at the HTTP level, never switched protocols, and nothing of ours came back
      expect(reply, name).not.toMatch(/^HTTP\/1\.1 101/);
      expect(reply, name).toMatch(/^HTTP\/1\.1 (4\d\d)/);
      expect(reply, name).not.toContain(CANARY);
    }
    // the token as a query parameter (it would end up in logs) is not accepted either
    expect((await openWs({ protocols: ['confab.v1'], path: `/ws?token=${host.token}` })).status).toBe(401);
    // control: the same pipelined command through the right door does run
    const ok = await rawUpgrade(good, maskedFrame(Buffer.from(JSON.stringify(addAccount('control door')))));
    expect(ok).toMatch(/^HTTP\/1\.1 101/);
    expect(ok).toContain('"ok":true');
    const labels = await until(async () => {
      const l = await accountLabels();
      return l.includes('control door') ? l : null;
    }, 'the control command through the right door');
    // no other door let the command through
    expect(labels.filter((l) => l.includes(CANARY))).toEqual([]);
  });

  it('serves only the static bundle over HTTP: no data, no commands, no other methods', async () => {
    const index = await httpReq('GET', '/');
    expect(index.status).toBe(200);
    const assets = [...index.body.matchAll(/(?:src|href)="(\/[^"]+)"/g)].map((m) => m[1]!);
    for (const path of ['/', ...assets, '/ws', '/api', '/status', '/index.html?cmd=status.get']) {
      const r = await httpReq('GET', path);
      expect(r.body, path).not.toContain(CANARY);
      expect(r.body, path).not.toContain(host.token);
    }
    for (const method of ['POST', 'PUT', 'DELETE', 'PATCH', 'OPTIONS']) {
      const r = await httpReq(method, '/ws', { 'Content-Type': 'application/json', Origin: `http://127.0.0.1:${host.port}` });
      expect(r.status, method).toBe(405);
    }
    // the data folder is not reachable by path tricks
    for (const p of ['/../data/archive/keyslots.json', '/%2e%2e/%2e%2e/', '/..%2f..%2fetc%2fpasswd', '/%00', '/%E0%A4%A']) {
      const r = await httpReq('GET', p);
      expect([400, 404], p).toContain(r.status);
    }
    expect((await accountLabels()).filter((l) => l.includes(CANARY))).toEqual([]);
  });

  it('refuses binary, invalid UTF-8, unmasked, malformed, deeply nested and prototype-polluting frames and keeps serving', async () => {
    const bin = (await openWs()).ws;
    const c1 = closed(bin);
    bin.send(Buffer.from(JSON.stringify(addAccount(`bin ${CANARY}`))), { binary: true });
    expect(await c1).toBe(1003);

    // invalid UTF-8 inside a text frame (raw socket: the ws client would not send it)
    const inv = await rawUpgrade({ Host: `127.0.0.1:${host.port}`, Origin: `http://127.0.0.1:${host.port}`, 'Sec-WebSocket-Protocol': `confab.v1, token.${host.token}` }, maskedFrame(Buffer.concat([Buffer.from('{"t":"req","id":1,"cmd":"status.get","input":{"x":"'), Buffer.from([0xc3, 0x28, 0xff, 0xfe]), Buffer.from('"}}')])));
    expect(inv).toMatch(/^HTTP\/1\.1 101/);
    expect(inv).not.toContain('"t":"res"');
    // an unmasked client frame is a protocol error
    const unmasked = Buffer.concat([Buffer.from([0x81, 20]), Buffer.from('{"t":"req","id":1,"')]);
    const um = await rawUpgrade({ Host: `127.0.0.1:${host.port}`, Origin: `http://127.0.0.1:${host.port}`, 'Sec-WebSocket-Protocol': `confab.v1, token.${host.token}` }, unmasked);
    expect(um).not.toContain('"t":"res"');

    const bad: string[] = [
      '',
      'null',
      '[]',
      '"req"',
      '{"t":"req"}',
      '{"t":"req","id":-1,"cmd":"status.get","input":{}}',
      '{"t":"req","id":1.5,"cmd":"status.get","input":{}}',
      '{"t":"req","id":1e400,"cmd":"status.get","input":{}}',
      `{"t":"req","id":1,"cmd":"${'x'.repeat(5000)}","input":{}}`,
      '{"t":"res","id":1,"reply":{"ok":true}}',
      '{"t":"req","id":1,"cmd":"status.get","input":{}',
      '\u0000\u0001\u0002',
    ];
    for (const text of bad) {
      const ws = (await openWs()).ws;
      const c = closed(ws);
      ws.send(text);
      expect(await c, JSON.stringify(text.slice(0, 40))).toBe(1007);
    }

    const ws = (await openWs()).ws;
    // odd command names never reach a handler
    for (const cmd of ['__proto__', 'constructor', 'toString', 'hasOwnProperty', 'engine.shutdown', 'archive.exportKey', 'archive.removeSlot', 'accounts.add ']) {
      const r = await call(ws, cmd, {});
      expect(r.ok, cmd).toBe(false);
    }
    // prototype pollution attempts are just invalid input
    const proto = await call(ws, 'settings.set', JSON.parse('{"__proto__":{"polluted":"yes"},"constructor":{"prototype":{"polluted":"yes"}}}'));
    expect(typeof proto.ok).toBe('boolean');
    const st = await call(ws, 'settings.get', {});
    expect(st.ok).toBe(true);
    expect(JSON.stringify(st.value)).not.toContain('polluted');
    // 200,000 levels of nesting (under the frame limit): refused or rejected, never a crash
    const deep = `{"t":"req","id":99,"cmd":"status.set","input":${'['.repeat(200_000)}${']'.repeat(200_000)}}`;
    const r = await call(ws, 'status.get', {});
    expect(r.ok).toBe(true);
    const dws = (await openWs()).ws;
    const dClosed = closed(dws);
    const dReply = new Promise<unknown>((resolve) => dws.on('message', (d) => resolve(JSON.parse(d.toString()))));
    dws.send(deep);
    const first = await Promise.race([dClosed, dReply]);
    if (typeof first === 'object') expect((first as { reply: { ok: boolean } }).reply.ok).toBe(false);
    ws.close();

    // the host and the engine still answer, and nothing of the above ran
    expect((await accountLabels()).filter((l) => l.includes(CANARY))).toEqual([]);
  });

  it('refuses oversized frames (also when split into fragments) and survives a flood of frames', async () => {
    const big = (await openWs()).ws;
    const c = closed(big);
    big.send(JSON.stringify(addAccount(`${'x'.repeat(1024 * 1024)} ${CANARY}`)));
    expect(await c).toBe(1009);

    // 1.5 MB in 16 fragments of a single message: the limit counts the whole message
    const chunk = Buffer.alloc(96 * 1024, 0x61);
    const frames = [maskedFrame(Buffer.from('{"t":"req","id":3,"cmd":"status.get","input":{"p":"'), 0x1, false)];
    for (let i = 0; i < 16; i++) frames.push(maskedFrame(chunk, 0x0, false));
    frames.push(maskedFrame(Buffer.from('"}}'), 0x0, true));
    const frag = await rawUpgrade({ Host: `127.0.0.1:${host.port}`, Origin: `http://127.0.0.1:${host.port}`, 'Sec-WebSocket-Protocol': `confab.v1, token.${host.token}` }, Buffer.concat(frames));
    expect(frag).toMatch(/^HTTP\/1\.1 101/);
    expect(frag).not.toContain('"t":"res"');

    // 5,000 requests as fast as the socket takes them: every one answered or the socket closed, host alive
    const flood = (await openWs()).ws;
    let answers = 0;
    flood.on('message', () => answers++);
    const done = new Promise<void>((resolve) => flood.once('close', () => resolve()));
    for (let i = 0; i < 5000; i++) flood.send(JSON.stringify({ t: 'req', id: 100_000 + i, cmd: i % 2 ? 'engine.ping' : 'no.such', input: {} }));
    const alive = await openWs();
    expect(alive.status).toBeUndefined();
    const ping = await call(alive.ws, 'engine.ping', {});
    expect(ping.ok).toBe(true);
    alive.ws.close();
    flood.close();
    await done;
    expect(answers).toBeGreaterThan(0);
    expect((await accountLabels()).filter((l) => l.includes(CANARY))).toEqual([]);
    // and the files under the data folder never got the canary in clear (it is in the encrypted archive only)
    for (const f of listFiles(join(tmp.path, 'data'))) expect(readFileSync(f).includes(Buffer.from(CANARY)), f).toBe(false);
  });
});
