// Malformed and hostile input from a scripted raw-TCP XMPP server: nothing escapes as an exception,
// the problem is reported as an 'error' event, and the connection stays usable where XMPP allows.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { silentLogger } from '../../core/util/logger';
import { xmppProtocol, type XmppAdapter } from '../../protocols/xmpp/index';
import { startHostileServer, type HostileServer } from './fixtures/hostile-server';
import { record, type Rec } from './helpers';

let h: HostileServer;
let a: XmppAdapter;
let rec: Rec;
const D = 'hostile.test';
const me = `alice@${D}`;

beforeAll(async () => {
  h = await startHostileServer(D);
  a = xmppProtocol.create({ jid: me, password: 'pw', server: h.host, port: h.port, caPem: h.caPem, timeoutMs: 5000, maxIncomingStanzaBytes: 1536 * 1024 }, { log: silentLogger, now: Date.now }) as XmppAdapter;
  rec = record(a);
  await a.connect(new AbortController().signal);
  await h.ready();
});
afterAll(async () => { await a?.disconnect().catch(() => {}); await h?.stop(); });

let n = 0;
/** sends a valid marker message and waits for it: proves the connection still works */
async function stillWorks(): Promise<void> {
  const id = `ok-${++n}`;
  h.send(`<message from='bob@${D}/x' to='${me}' type='chat' id='${id}'><body>still here ${n}</body><origin-id xmlns='urn:xmpp:sid:0' id='${id}'/></message>`);
  await rec.waitFor('message', (e) => e.message.clientId === id);
}

describe('XMPP hostile input', () => {
  it('declares and uses invisibility (XEP-0186) where the server offers it', async () => {
    expect(a.caps.presenceShows).toContain('invisible');
    await a.setPresence({ show: 'invisible' });
    await a.setPresence({ show: 'away', status: 'back soon' });
    const out = h.received();
    expect(out.indexOf('urn:xmpp:invisible:0')).toBeGreaterThan(-1);
    expect(out).toMatch(/<invisible xmlns="urn:xmpp:invisible:0"\/>[\s\S]*<visible xmlns="urn:xmpp:invisible:0"\/>/);
  });

  it('drops stanzas with invalid addresses and reports them', async () => {
    h.send(`<message from='@@bad@/' to='${me}' type='chat'><body>x</body></message>`);
    h.send(`<presence from='user@@host'/>`);
    await rec.waitFor('error', (e) => e.error.code === 'bad-stanza');
    await stillWorks();
    expect(rec.of('message').some((e) => e.message.body === 'x')).toBe(false);
  });

  it('rejects a forged carbon (CVE-2017-5589 class): from someone else, or from an own full JID', async () => {
    const inner = `<forwarded xmlns='urn:xmpp:forward:0'><message from='eve@${D}/x' to='${me}' type='chat'><body>forged</body></message></forwarded>`;
    h.send(`<message from='eve@${D}/x' to='${me}'><received xmlns='urn:xmpp:carbons:2'>${inner}</received></message>`);
    h.send(`<message from='${me}/other' to='${me}'><sent xmlns='urn:xmpp:carbons:2'>${inner}</sent></message>`);
    await stillWorks();
    expect(rec.of('error').filter((e) => e.error.code === 'forged-carbon')).toHaveLength(2);
    expect(rec.of('message').some((e) => e.message.body === 'forged')).toBe(false);
    // a genuine carbon (from the own bare JID) is accepted
    h.send(`<message from='${me}' to='${me}/fixture'><sent xmlns='urn:xmpp:carbons:2'><forwarded xmlns='urn:xmpp:forward:0'><message from='${me}/phone' to='bob@${D}' type='chat' id='c1'><body>from my phone</body></message></forwarded></sent></message>`);
    const c = await rec.waitFor('message', (e) => e.message.body === 'from my phone');
    expect(c.message).toMatchObject({ direction: 'out', conversation: { kind: 'direct', id: `bob@${D}` } });
  });

  it('rejects a forged roster push (answers with an error) and forged archive results', async () => {
    h.send(`<iq type='set' id='push1' from='eve@${D}/x'><query xmlns='jabber:iq:roster'><item jid='eve@${D}' subscription='both'/></query></iq>`);
    await rec.waitFor('error', (e) => e.error.code === 'forged-roster-push');
    expect(rec.of('roster').some((e) => e.items.some((i) => i.id === `eve@${D}`))).toBe(false);
    // a push from our own account is accepted
    h.send(`<iq type='set' id='push2'><query xmlns='jabber:iq:roster'><item jid='bob@${D}' subscription='both' name='Bob'/></query></iq>`);
    await rec.waitFor('roster', (e) => e.items.some((i) => i.id === `bob@${D}` && i.name === 'Bob'));
    await new Promise((r) => setTimeout(r, 50));
    expect(h.received()).toMatch(/id=["']push1["'][^>]*type=["']error["']|type=["']error["'][^>]*id=["']push1["']/);
    h.send(`<message from='eve@${D}'><result xmlns='urn:xmpp:mam:2' queryid='nope' id='1'><forwarded xmlns='urn:xmpp:forward:0'><message from='bob@${D}' type='chat'><body>fake history</body></message></forwarded></result></message>`);
    await rec.waitFor('error', (e) => e.error.code === 'mam-unknown');
    await stillWorks();
    expect(rec.of('message').some((e) => e.message.body === 'fake history')).toBe(false);
  });

  it('ignores a stanza-id not stamped by our own server (forgeable by the sender)', async () => {
    h.send(`<message from='bob@${D}/x' to='${me}' type='chat' id='f1'><body>with forged id</body><stanza-id xmlns='urn:xmpp:sid:0' by='bob@${D}' id='FORGED'/></message>`);
    const m = await rec.waitFor('message', (e) => e.message.body === 'with forged id');
    expect(m.message.serverId).toBeUndefined();
    h.send(`<message from='bob@${D}/x' to='${me}' type='chat' id='f2'><body>with real id</body><stanza-id xmlns='urn:xmpp:sid:0' by='bob@${D}' id='FORGED2'/><stanza-id xmlns='urn:xmpp:sid:0' by='${me}' id='REAL'/></message>`);
    const m2 = await rec.waitFor('message', (e) => e.message.body === 'with real id');
    expect(m2.message.serverId).toBe('REAL');
  });

  it('survives missing attributes, unknown namespaces and empty errors', async () => {
    h.send(`<message from='bob@${D}/x' to='${me}' type='chat'><weird xmlns='urn:example:unknown'><deep/></weird><body>unknown ns around</body></message>`);
    h.send(`<message type='error' from='bob@${D}'/>`);
    h.send(`<presence type='error' from='bob@${D}'/>`);
    h.send(`<presence from='bob@${D}/x'><priority>notanumber</priority><show>bogus</show></presence>`);
    h.send(`<iq type='get' id='q1' from='bob@${D}/x'><unknown xmlns='urn:example:x'/></iq>`);
    h.send(`<iq type='result'/>`);
    h.send(`<message from='bob@${D}/x' type='groupchat'><body>groupchat from a room we are not in</body></message>`);
    h.send(`<message from='room@conference.${D}' to='${me}'><x xmlns='http://jabber.org/protocol/muc#user'><invite/></x></message>`);
    h.send(`<message from='bob@${D}/x' to='${me}'><x xmlns='jabber:x:conference'/></message>`);
    await rec.waitFor('message', (e) => e.message.body === 'unknown ns around');
    await rec.waitFor('error', (e) => e.error.code === 'not-joined');
    const p = await rec.waitFor('presence', (e) => e.contactId === `bob@${D}` && e.resource === 'x');
    expect(p.presence).toMatchObject({ show: 'available', priority: 0 });
    await stillWorks();
    expect(rec.of('message').some((e) => e.message.body.includes('room we are not in'))).toBe(false);
    // the unknown iq got an error answer (service-unavailable), as RFC 6120 asks
    await new Promise((r) => setTimeout(r, 50));
    expect(h.received()).toMatch(/id=["']q1["']/);
  });

  it('drops a huge incoming body (reported) and stays connected', async () => {
    const huge = 'A'.repeat(1024 * 1024 + 1);
    h.send(`<message from='bob@${D}/x' to='${me}' type='chat'><body>${huge}</body></message>`);
    await rec.waitFor('error', (e) => e.error.code === 'body-too-large', 20_000);
    await stillWorks();
  });

  it('malformed XML ends the stream with a reported error, without an exception; the account can connect again', async () => {
    const lost = rec.next('state', (e) => e.state === 'offline');
    h.send(`<message from='bob@${D}/x'><body>broken</wrong></message>`);
    const s = await lost;
    // a parser error is a protocol error on the stream (not fatal: the engine reconnects)
    expect({ kind: s.error?.kind, fatal: s.error?.fatal, code: s.error?.code }).toEqual({ kind: 'protocol', fatal: false, code: 'not-well-formed' });
    expect(rec.of('error').some((e) => e.error.code === 'not-well-formed' && /malformed XML/.test(e.error.message))).toBe(true);
  });

  it('a see-other-host redirect is reported, not followed (the engine owns reconnecting)', async () => {
    await a.connect(new AbortController().signal);
    await h.ready();
    const lost = rec.next('state', (e) => e.state === 'offline');
    h.send(`<stream:error><see-other-host xmlns='urn:ietf:params:xml:ns:xmpp-streams'>127.0.0.1:1</see-other-host></stream:error>`);
    await lost;
    expect(rec.of('error').some((e) => e.error.code === 'see-other-host')).toBe(true);
    // no connection attempt of its own: the adapter stays offline until connect() is called
    expect(rec.of('state').at(-1)?.state).toBe('offline');
  });

  it('an endless element (beyond the configured 1.5 MiB) closes the connection with a protocol error; reconnecting works', async () => {
    await a.connect(new AbortController().signal);
    await h.ready();
    await stillWorks();
    const lost = rec.next('state', (e) => e.state === 'offline');
    const chunk = 'B'.repeat(512 * 1024);
    h.send(`<message from='bob@${D}/x' to='${me}' type='chat'><body>`);
    for (let i = 0; i < 4; i++) h.send(chunk);
    await lost;
    expect(rec.of('error').some((e) => e.error.code === 'stanza-too-large')).toBe(true);
  });
});
