/**
 * Connecting: TLS against a CA or a SHA-256 pin, server password, SASL PLAIN and NickServ (atheme
 * linked to InspIRCd), nick in use, proxies, and errors classified (auth, tls, network, name-in-use).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startInspircd, type InspircdServer } from '../harness/inspircd';
import { startNgircd, type IrcServer } from '../harness/ngircd';
import { startHttpConnect, startSocks5, type ProxyServer } from '../harness/proxies';
import { freePort } from '../harness/util';
import { account, needsHarness, nick, online, type TestAccount } from './adapter-helpers';

const accounts: TestAccount[] = [];
const track = (a: TestAccount) => { accounts.push(a); return a; };
afterAll(async () => { await Promise.all(accounts.map((a) => a.stop())); });
const connectFails = async (config: Record<string, string | number | boolean>) => {
  const a = track(account(config));
  return a.adapter.connect(new AbortController().signal).then(() => { throw new Error('connected, but should not have'); }, (e: unknown) => e);
};

describe('InspIRCd + atheme: SASL PLAIN and NickServ', () => {
  let s: InspircdServer;
  const carol = { name: nick('carol'), password: 'carol-secret-1' };
  const dave = { name: nick('dave'), password: 'dave-secret-1' };
  beforeAll(async () => { s = await startInspircd({ services: true, accounts: [carol, dave] }); });
  afterAll(async () => { await s?.stop(); });

  it('logs in with SASL PLAIN', async () => {
    if (needsHarness(s, 'atheme services with a registered account')) return;
    const a = track(await online({ server: s.host, port: s.tlsPort, tls: true, caPem: s.caPem, nick: carol.name, password: carol.password, auth: 'sasl' }));
    expect(a.events.find((e) => e.type === 'self')).toMatchObject({ nick: carol.name });
  });

  it('a wrong SASL password is a fatal auth error', async () => {
    if (needsHarness(s, 'atheme services with a registered account')) return;
    const err = await connectFails({ server: s.host, port: s.port, tls: false, nick: nick('x'), account: carol.name, password: 'wrong', auth: 'sasl' });
    expect(err).toMatchObject({ kind: 'auth', fatal: true });
  });

  it('identifies with NickServ when asked to (fallback path)', async () => {
    if (needsHarness(s, 'atheme services with a registered account')) return;
    const a = track(await online({ server: s.host, port: s.port, tls: false, nick: dave.name, password: dave.password, auth: 'nickserv' }));
    const notice = await a.waitFor('message', (e) => e.message.from === 'nickserv' && /identified/i.test(e.message.body));
    expect(notice.message.kind).toBe('notice');
  });
});

describe('InspIRCd without SASL, atheme linked: NickServ fallback', () => {
  let s: InspircdServer;
  const erin = { name: nick('erin'), password: 'erin-secret-1' };
  beforeAll(async () => { s = await startInspircd({ services: true, accounts: [erin], withoutModules: ['sasl'] }); });
  afterAll(async () => { await s?.stop(); });

  it('"auto" login identifies with NickServ when the server offers no SASL', async () => {
    if (needsHarness(s, 'atheme services with a registered account')) return;
    const a = track(await online({ server: s.host, port: s.port, tls: false, nick: erin.name, password: erin.password }));
    await a.waitFor('message', (e) => e.message.from === 'nickserv' && /identified/i.test(e.message.body));
  });

  it('"sasl only" refuses to log in without SASL rather than sending the password elsewhere', async () => {
    if (needsHarness(s, 'a server without SASL')) return;
    expect(await connectFails({ server: s.host, port: s.port, tls: false, nick: nick('so'), password: 'whatever', auth: 'sasl' })).toMatchObject({ kind: 'auth', fatal: true });
  });
});

describe('ngircd: password, nick, TLS, proxies, network errors', () => {
  let s: IrcServer;
  let locked: IrcServer;
  let socks: ProxyServer;
  let http: ProxyServer;
  beforeAll(async () => {
    [s, locked, socks, http] = await Promise.all([startNgircd(), startNgircd({ password: 'let-me-in' }), startSocks5(), startHttpConnect()]);
  });
  afterAll(async () => { await Promise.all([s?.stop(), locked?.stop(), socks?.stop(), http?.stop()]); });
  const plain = () => ({ server: s.host, port: s.port, tls: false });

  it('a server password lets us in; a wrong one is a fatal auth error', async () => {
    if (needsHarness(locked, 'a server with a known PASS')) return;
    track(await online({ server: locked.host, port: locked.port, tls: false, nick: nick('pw'), serverPassword: 'let-me-in' }));
    expect(await connectFails({ server: locked.host, port: locked.port, tls: false, nick: nick('pw'), serverPassword: 'nope' })).toMatchObject({ kind: 'auth', fatal: true });
  });

  it('a nick in use: the alternative is taken; with all taken, a name-in-use error', async () => {
    const n = nick('dup');
    track(await online({ ...plain(), nick: n }));
    const second = track(await online({ ...plain(), nick: n, altNicks: `${n}alt` }));
    expect(second.events.find((e) => e.type === 'self')).toMatchObject({ nick: `${n}alt` });
    track(await online({ ...plain(), nick: `${n}_` }));
    track(await online({ ...plain(), nick: `${n}__` }));
    expect(await connectFails({ ...plain(), nick: n, altNicks: `${n}alt` })).toMatchObject({ kind: 'name-in-use', fatal: true });
  });

  it('TLS: a certificate the CA did not issue is a fatal tls error', async () => {
    if (needsHarness(s, 'a certificate from the per-run test CA')) return;
    expect(await connectFails({ server: s.host, port: s.tlsPort, tls: true, nick: nick('t') })).toMatchObject({ kind: 'tls', fatal: true });
  });

  it('TLS with a SHA-256 pin of the server certificate connects without any CA', async () => {
    if (needsHarness(s, 'the fingerprint of the server certificate')) return;
    const a = track(await online({ server: s.host, port: s.tlsPort, tls: true, pinSha256: s.certSha256.replace(/(..)/g, '$1:').slice(0, -1).toUpperCase(), nick: nick('pin') }));
    expect(a.events.find((e) => e.type === 'self')).toBeTruthy();
  });

  it('TLS with a wrong pin is a fatal tls error', async () => {
    expect(await connectFails({ server: s.host, port: s.tlsPort, tls: true, pinSha256: 'ab'.repeat(32), nick: nick('pin') })).toMatchObject({ kind: 'tls', fatal: true });
  });

  it('through a SOCKS5 proxy and through an HTTP CONNECT proxy, TLS included', async () => {
    if (!s.tlsPort) { console.warn('skipped: IRC_TEST_TLS_PORT not set'); return; }
    const viaSocks = track(await online({ server: s.host, port: s.tlsPort, tls: true, caPem: s.caPem, nick: nick('sx'), proxyType: 'socks5', proxyHost: socks.host, proxyPort: socks.port }));
    const viaHttp = track(await online({ ...plain(), nick: nick('hx'), proxyType: 'http', proxyHost: http.host, proxyPort: http.port }));
    await viaSocks.adapter.send({ kind: 'direct', id: viaHttp.nick.toLowerCase() }, { body: 'proxied hello', clientId: 'p1' });
    await viaHttp.waitFor('message', (e) => e.message.body === 'proxied hello');
  });

  it('nothing listening is a transient network error', async () => {
    const port = await freePort();
    expect(await connectFails({ server: '127.0.0.1', port, tls: false, nick: nick('nl') })).toMatchObject({ kind: 'network', fatal: false });
  });

  it('disconnect() during connecting rejects the pending connect()', async () => {
    const a = track(account({ ...plain(), nick: nick('dc') }));
    const p = a.adapter.connect(new AbortController().signal);
    await a.adapter.disconnect();
    await expect(p).rejects.toMatchObject({ kind: 'network' });
  });

  it('an aborted connect rejects and leaves nothing running', async () => {
    const a = track(account({ ...plain(), nick: nick('ab') }));
    const ac = new AbortController();
    const p = a.adapter.connect(ac.signal);
    ac.abort();
    await expect(p).rejects.toMatchObject({ kind: 'network' });
  });
});
