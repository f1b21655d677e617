/**
 * Foundation harness: each IRC server starts and stops, and two irc-framework clients exchange a
 * message on it (ngircd plain + TLS, InspIRCd plain + TLS with services, ZNC in front of ngircd).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startNgircd, type IrcServer } from '../harness/ngircd';
import { startInspircd, type InspircdServer } from '../harness/inspircd';
import { startZnc, type ZncServer } from '../harness/znc';
import { exchange, uniqueNick, wireClient, type WireClient } from '../irc/wire-clients';

const clients: WireClient[] = [];
afterAll(() => { for (const c of clients) c.close(); });
const track = (c: WireClient) => { clients.push(c); return c; };

describe('ngircd', () => {
  let s: IrcServer;
  beforeAll(async () => { s = await startNgircd(); });
  afterAll(async () => { await s?.stop(); });

  it('two clients exchange a message over plain TCP', async () => {
    const a = track(await wireClient({ host: s.host, port: s.port, tls: false, nick: uniqueNick('na') }));
    const b = track(await wireClient({ host: s.host, port: s.port, tls: false, nick: uniqueNick('nb') }));
    expect((await exchange(a, b, 'hello over ngircd')).message).toBe('hello over ngircd');
  });

  it('two clients exchange a message over TLS verified against the per-run CA', async () => {
    if (!s.tlsPort) { console.warn('skipped: the external server has no IRC_TEST_TLS_PORT'); return; }
    const tls = { host: s.host, port: s.tlsPort, tls: true, caPem: s.caPem, servername: 'localhost' };
    const a = track(await wireClient({ ...tls, nick: uniqueNick('ta') }));
    const b = track(await wireClient({ ...tls, nick: uniqueNick('tb') }));
    expect((await exchange(a, b, 'hello over TLS')).message).toBe('hello over TLS');
  });

  it('refuses a TLS server whose certificate the CA did not issue', async () => {
    if (!s.tlsPort) { console.warn('skipped: no TLS port'); return; }
    await expect(wireClient({ host: s.host, port: s.tlsPort, tls: true, servername: 'localhost', nick: uniqueNick('tx') }, 5000))
      .rejects.toMatchObject({ kind: 'tls' });
  });
});

describe('InspIRCd with atheme services', () => {
  let s: InspircdServer;
  beforeAll(async () => { s = await startInspircd({ services: true }); });
  afterAll(async () => { await s?.stop(); });

  it('offers the IRCv3 capabilities Confab uses', async () => {
    const a = track(await wireClient({ host: s.host, port: s.port, tls: false, nick: uniqueNick('ca') }));
    const avail = [...a.client.network.cap.available.keys()];
    const wanted = ['server-time', 'message-tags', 'echo-message', 'batch', 'labeled-response', 'cap-notify', 'chghost', 'away-notify',
      'account-notify', 'extended-join', 'multi-prefix', 'setname', ...(s.external ? [] : ['sasl'])];
    const missing = wanted.filter((c) => !avail.includes(c));
    if (!a.client.network.options.MONITOR) missing.push('MONITOR');
    if (s.external && missing.length) { console.warn(`the external server lacks: ${missing.join(', ')}`); return; }
    expect(missing).toEqual([]);
  });

  it('two clients exchange a message over TLS', async () => {
    const tls = { host: s.host, port: s.tlsPort, tls: true, caPem: s.caPem, servername: 'localhost' };
    const a = track(await wireClient({ ...tls, nick: uniqueNick('ia') }));
    const b = track(await wireClient({ ...tls, nick: uniqueNick('ib') }));
    const m = await exchange(a, b, 'hello over inspircd');
    expect(m.message).toBe('hello over inspircd');
  });
});

describe('ZNC in front of ngircd', () => {
  let up: IrcServer;
  let z: ZncServer;
  beforeAll(async () => {
    up = await startNgircd();
    z = await startZnc({ upstream: up });
  });
  afterAll(async () => { await z?.stop(); await up?.stop(); });

  it('a client behind ZNC and a direct client exchange messages both ways', async () => {
    const viaZnc = track(await wireClient({ host: z.host, port: z.port, tls: false, nick: 'zuser', password: z.serverPassword }));
    const direct = track(await wireClient({ host: up.host, port: up.port, tls: false, nick: uniqueNick('zd') }));
    // ZNC's own nick upstream is what the direct client sees
    const got = direct.nextMessage((m) => m.message === 'from behind znc');
    viaZnc.client.say(direct.client.user.nick, 'from behind znc');
    expect((await got).nick).toBe(viaZnc.client.user.nick);
    const back = viaZnc.nextMessage((m) => m.message === 'to the bouncer');
    direct.client.say(viaZnc.client.user.nick, 'to the bouncer');
    expect((await back).nick).toBe(direct.client.user.nick);
  });
});
