// Connecting to the real Prosody of the harness: TLS modes, verification, pinning, and the error classes.
import { createServer, type Server } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeTestCA } from '../harness/ca';
import { startProsody, type ProsodyServer } from '../harness/prosody';
import { freePort, tempDir } from '../harness/util';
import { adapter, online } from './helpers';

let srv: ProsodyServer;
beforeAll(async () => { srv = await startProsody(); });
afterAll(async () => { await srv?.stop(); });

const sig = () => new AbortController().signal;

describe('XMPP connect', () => {
  it('goes online over STARTTLS verified against the test CA, reports its full JID, and disconnects cleanly', async () => {
    const { a, rec } = await online(srv, srv.users.alice);
    const self = await rec.waitFor('self');
    expect(self.id.startsWith(`${srv.users.alice.jid}/`)).toBe(true);
    expect(rec.of('state').map((s) => s.state)).toEqual(['connecting', 'online']);
    await a.disconnect();
    expect(rec.of('state').at(-1)?.state).toBe('offline');
  });

  it('goes online over direct TLS (XEP-0368 port)', async () => {
    if (!srv.tlsPort) return console.log('skipped: the external server has no XMPP_TEST_TLS_PORT (direct TLS)');
    const { a } = await online(srv, srv.users.bob, { port: srv.tlsPort, directTls: true });
    await a.disconnect();
  });

  it('wrong password → auth, fatal, state failed', async () => {
    const { a, rec } = adapter(srv, { ...srv.users.alice, password: 'wrong-password' });
    await expect(a.connect(sig())).rejects.toMatchObject({ kind: 'auth', fatal: true });
    expect(rec.of('state').at(-1)).toMatchObject({ state: 'failed', error: { kind: 'auth' } });
  });

  it('refused port → network, not fatal', async () => {
    const port = await freePort();
    const { a, rec } = adapter(srv, srv.users.alice, { port });
    await expect(a.connect(sig())).rejects.toMatchObject({ kind: 'network', fatal: false });
    expect(rec.of('state').at(-1)?.state).toBe('offline');
  });

  it('a certificate from an unknown CA → tls, fatal', async () => {
    if (srv.external) return console.log('skipped: needs the harness CA');
    const other = tempDir('otherca');
    try {
      const ca = makeTestCA(other.path, 'Someone Else');
      const { a } = adapter(srv, srv.users.alice, { caPem: ca.certPem });
      await expect(a.connect(sig())).rejects.toMatchObject({ kind: 'tls', fatal: true });
    } finally { other.remove(); }
  });

  it('a certificate that does not name the account domain → tls, fatal', async () => {
    if (srv.external) return console.log('skipped: needs a harness server with a mismatching certificate');
    const p2 = await startProsody({ certNames: ['wrong.example'] });
    try {
      const { a } = adapter(p2, p2.users.alice);
      await expect(a.connect(sig())).rejects.toMatchObject({ kind: 'tls', fatal: true, code: 'ERR_TLS_CERT_ALTNAME_INVALID' });
    } finally { await p2.stop(); }
  });

  it('a pinned fingerprint is accepted without any CA; a wrong pin is refused (tls, fatal)', async () => {
    if (!srv.certSha256) return console.log('skipped: the external server certificate fingerprint is unknown');
    const pinned = await online(srv, srv.users.carol, { caPem: '', pinSha256: srv.certSha256.replace(/(..)(?!$)/g, '$1:').toUpperCase() });
    await pinned.a.disconnect();
    const { a } = adapter(srv, srv.users.carol, { caPem: '', pinSha256: 'ab'.repeat(32) });
    await expect(a.connect(sig())).rejects.toMatchObject({ kind: 'tls', fatal: true, code: 'pin-mismatch' });
  });

  it('without a CA or pin, the system roots do not trust the test CA → tls, fatal', async () => {
    if (srv.external) return console.log('skipped: an external server may have a publicly trusted certificate');
    const { a } = adapter(srv, srv.users.alice, { caPem: '' });
    await expect(a.connect(sig())).rejects.toMatchObject({ kind: 'tls', fatal: true });
  });

  it('two concurrent connect() calls share one attempt; an aborted attempt is a non-fatal network error', async () => {
    const { a, rec } = adapter(srv, srv.users.bob);
    await Promise.all([a.connect(sig()), a.connect(sig())]);
    expect(rec.of('self')).toHaveLength(1);
    await a.disconnect();
    const ac = new AbortController();
    const { a: b } = adapter(srv, srv.users.bob);
    const p = b.connect(ac.signal);
    ac.abort();
    await expect(p).rejects.toMatchObject({ kind: 'network', fatal: false });
    // the same adapter connects fine afterwards
    await b.connect(sig());
    await b.disconnect();
  });

  it('an invalid JID is a config error before any network', async () => {
    let connections = 0;
    const probe: Server = createServer((s) => { connections++; s.destroy(); });
    const port = await freePort();
    await new Promise<void>((r) => probe.listen(port, '127.0.0.1', r));
    try {
      const { a } = adapter(srv, { ...srv.users.alice, jid: 'foo bar@confab.test' }, { port });
      await expect(a.connect(sig())).rejects.toMatchObject({ kind: 'config', fatal: true });
      expect(connections).toBe(0);
    } finally { probe.close(); }
  });

  it('refuses a server that offers no STARTTLS (no plaintext), unless plaintext is allowed for loopback', async () => {
    // a fake server: stream header and features without <starttls/>
    let sawAuth = false;
    const fake = createServer((s) => {
      s.on('data', (d) => {
        const t = d.toString();
        if (t.includes('<stream:stream')) s.write(`<?xml version='1.0'?><stream:stream xmlns='jabber:client' xmlns:stream='http://etherx.jabber.org/streams' from='confab.test' id='x' version='1.0'><stream:features><mechanisms xmlns='urn:ietf:params:xml:ns:xmpp-sasl'><mechanism>PLAIN</mechanism></mechanisms></stream:features>`);
        if (t.includes('<auth')) { sawAuth = true; s.destroy(); }
      });
      s.on('error', () => {});
    });
    const port = await freePort();
    await new Promise<void>((r) => fake.listen(port, '127.0.0.1', r));
    try {
      const { a } = adapter(srv, srv.users.alice, { port });
      await expect(a.connect(sig())).rejects.toMatchObject({ kind: 'tls', fatal: true, code: 'no-tls' });
      expect(sawAuth).toBe(false);
      // allowed plaintext on loopback: goes on, but PLAIN is never used without TLS
      const { a: b } = adapter(srv, srv.users.alice, { port, allowPlaintext: true });
      await expect(b.connect(sig())).rejects.toMatchObject({ kind: 'auth', fatal: true, code: 'no-mechanism' });
      expect(sawAuth).toBe(false);
    } finally { fake.close(); }
  });
});
