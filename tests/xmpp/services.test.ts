// HTTP file upload (XEP-0363 + XEP-0066), service discovery (XEP-0030) and per-account proxies
// (SOCKS5 via microsocks, HTTP CONNECT via tinyproxy) against the harness's real servers.
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { XmppAdapter } from '../../protocols/xmpp/index';
import { startProsody, type ProsodyServer } from '../harness/prosody';
import { startHttpConnect, startSocks5, type ProxyServer } from '../harness/proxies';
import { freePort } from '../harness/util';
import { adapter, cid, closeAll, online } from './helpers';

let srv: ProsodyServer;
const bag: XmppAdapter[] = [];
const proxies: ProxyServer[] = [];
beforeAll(async () => { srv = await startProsody(); });
afterEach(async () => { await closeAll(bag); });
afterAll(async () => { await Promise.all(proxies.map((p) => p.stop())); await srv?.stop(); });
const sig = () => new AbortController().signal;

describe('XMPP services', () => {
  it('discovers the server components: group chat and file upload', async () => {
    const a = await online(srv, srv.users.alice, {}, bag);
    const comps = await a.a.discoverComponents();
    expect(comps.find((c) => c.item.jid === srv.mucDomain)?.info.identities).toContainEqual(expect.objectContaining({ category: 'conference', type: 'text' }));
    const up = comps.find((c) => c.info.features.has('urn:xmpp:http:upload:0'));
    expect(up).toBeDefined();
    expect((await a.a.serverFeatures()).has('urn:xmpp:carbons:2')).toBe(true);
  });

  it('uploads a file (XEP-0363), the link downloads the same bytes and travels as OOB data', async () => {
    const a = await online(srv, srv.users.alice, {}, bag);
    const b = await online(srv, srv.users.bob, {}, bag);
    const data = new Uint8Array(150_000).map((_, i) => (i * 31) % 256);
    const conv = { kind: 'direct' as const, id: srv.users.bob.jid };
    const { url } = await a.a.files.upload(conv, { name: 'report Q3.bin', type: 'application/octet-stream', data });
    expect(url).toMatch(/^https?:\/\//);
    const got = new Uint8Array(await (await fetch(url)).arrayBuffer());
    expect(Buffer.compare(Buffer.from(got), Buffer.from(data))).toBe(0);
    const id = cid();
    await a.a.send(conv, { body: url, clientId: id, oobUrl: url });
    const m = await b.rec.waitFor('message', (e) => e.message.clientId === id);
    expect(m.message.oobUrl).toBe(url);
  });

  it('refuses a file above the server limit before uploading', async () => {
    const a = await online(srv, srv.users.alice, {}, bag);
    const big = new Uint8Array(10 * 1024 * 1024 + 1);
    await expect(a.a.files.upload({ kind: 'direct', id: srv.users.bob.jid }, { name: 'big', type: '', data: big })).rejects.toMatchObject({ code: 'too-large' });
  });

  it('connects through a SOCKS5 proxy and through an HTTP CONNECT proxy (TLS end to end)', async () => {
    const socks = await startSocks5();
    proxies.push(socks);
    const viaSocks = await online(srv, srv.users.alice, { proxyType: 'socks5', proxyHost: socks.host, proxyPort: socks.port }, bag);
    const http = await startHttpConnect();
    proxies.push(http);
    const viaHttp = await online(srv, srv.users.bob, { proxyType: 'http', proxyHost: http.host, proxyPort: http.port }, bag);
    const id = cid();
    await viaSocks.a.send({ kind: 'direct', id: srv.users.bob.jid }, { body: 'through two proxies', clientId: id });
    await viaHttp.rec.waitFor('message', (e) => e.message.clientId === id);
  });

  it('a SOCKS5 proxy refusing our credentials → auth, fatal; an unreachable proxy → network', async () => {
    const socks = await startSocks5({ user: 'office', password: 'right' });
    proxies.push(socks);
    const ok = await online(srv, srv.users.carol, { proxyType: 'socks5', proxyHost: socks.host, proxyPort: socks.port, proxyUser: 'office', proxyPassword: 'right' }, bag);
    expect(ok.rec.of('state').at(-1)?.state).toBe('online');
    const bad = adapter(srv, srv.users.carol, { proxyType: 'socks5', proxyHost: socks.host, proxyPort: socks.port, proxyUser: 'office', proxyPassword: 'wrong' });
    await expect(bad.a.connect(sig())).rejects.toMatchObject({ kind: 'auth', fatal: true });
    const none = adapter(srv, srv.users.carol, { proxyType: 'http', proxyHost: '127.0.0.1', proxyPort: await freePort() });
    await expect(none.a.connect(sig())).rejects.toMatchObject({ kind: 'network', fatal: false });
  });
});
