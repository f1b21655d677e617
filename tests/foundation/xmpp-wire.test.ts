// Foundation: the harness starts and stops Prosody, and two accounts exchange a message with
// xmpp.js (client-core composed with our own STARTTLS that trusts exactly the per-run test CA).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createXmppClient, type XmppClient } from '../../protocols/xmpp/xmppStream';
import { xml, type XmlElement } from '../../protocols/xmpp/xml';
import { startProsody, type ProsodyServer, type XmppTestUser } from '../harness/prosody';

let srv: ProsodyServer;
beforeAll(async () => { srv = await startProsody(); });
afterAll(async () => { await srv?.stop(); });

function client(u: XmppTestUser): XmppClient {
  return createXmppClient({
    host: srv.host, port: srv.port, domain: srv.domain, directTls: false, ca: srv.caPem || undefined,
    username: u.name, password: u.password, timeoutMs: 10_000,
  });
}

describe('Prosody harness + xmpp.js wire', () => {
  it('alice and bob exchange a message over STARTTLS verified against the test CA', async () => {
    const a = client(srv.users.alice);
    const b = client(srv.users.bob);
    await a.entity.start();
    await b.entity.start();
    expect(a.entity.isSecure()).toBe(true);
    const got = new Promise<XmlElement>((resolve) => b.entity.on('stanza', (s: XmlElement) => { if (s.is('message') && s.getChild('body')) resolve(s); }));
    await b.send(xml('presence'));
    await a.send(xml('message', { to: srv.users.bob.jid, type: 'chat' }, xml('body', {}, 'hello bob')));
    const m = await got;
    expect(m.getChildText('body')).toBe('hello bob');
    expect(m.attrs.from?.startsWith(`${srv.users.alice.jid}/`)).toBe(true);
    await a.entity.stop();
    await b.entity.stop();
  });
});
