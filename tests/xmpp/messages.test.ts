// 1:1 messages between real accounts on Prosody: ids, receipts, chat states, /me, carbons, delay, size limit.
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { XmppAdapter } from '../../protocols/xmpp/index';
import { startProsody, type ProsodyServer } from '../harness/prosody';
import { cid, closeAll, online } from './helpers';

let srv: ProsodyServer;
const bag: XmppAdapter[] = [];
beforeAll(async () => { srv = await startProsody(); });
afterEach(async () => { await closeAll(bag); });
afterAll(async () => { await srv?.stop(); });

describe('XMPP 1:1 messages', () => {
  it('delivers a message with origin-id (clientId) and a trusted stanza-id (serverId); the sender gets sent + delivered receipts', async () => {
    const alice = await online(srv, srv.users.alice, {}, bag);
    const bob = await online(srv, srv.users.bob, {}, bag);
    const id = cid();
    await alice.a.send({ kind: 'direct', id: srv.users.bob.jid }, { body: 'hello bob ✓', clientId: id });
    const got = await bob.rec.waitFor('message', (e) => e.message.clientId === id);
    expect(got.message).toMatchObject({
      conversation: { kind: 'direct', id: srv.users.alice.jid },
      from: srv.users.alice.jid, body: 'hello bob ✓', kind: 'chat', direction: 'in',
    });
    expect(got.message.serverId).toBeTruthy();
    await alice.rec.waitFor('receipt', (e) => e.clientId === id && e.status === 'sent');
    const delivered = await alice.rec.waitFor('receipt', (e) => e.clientId === id && e.status === 'delivered');
    expect(delivered.conversation).toEqual({ kind: 'direct', id: srv.users.bob.jid });
    // bob reads it (XEP-0333): alice sees 'read' for her clientId
    await bob.a.receipts.markRead({ kind: 'direct', id: srv.users.alice.jid }, got.message.serverId!);
    await alice.rec.waitFor('receipt', (e) => e.clientId === id && e.status === 'read');
  });

  it('sends /me as an action and chat states as typing events', async () => {
    const alice = await online(srv, srv.users.alice, {}, bag);
    const bob = await online(srv, srv.users.bob, {}, bag);
    const refresh = alice.a.typing.sendTyping({ kind: 'direct', id: srv.users.bob.jid }, 'composing');
    expect(refresh).toBeGreaterThan(0);
    const t = await bob.rec.waitFor('typing', (e) => e.state === 'composing');
    expect(t.from).toBe(srv.users.alice.jid);
    const id = cid();
    await alice.a.send({ kind: 'direct', id: srv.users.bob.jid }, { body: 'waves', clientId: id, kind: 'action' });
    const m = await bob.rec.waitFor('message', (e) => e.message.clientId === id);
    expect(m.message).toMatchObject({ kind: 'action', body: 'waves' });
  });

  it('carbons: another own client sees what we sent (out) and what we received (in), with the same ids', async () => {
    const alice1 = await online(srv, srv.users.alice, { resource: 'one' }, bag);
    const alice2 = await online(srv, srv.users.alice, { resource: 'two' }, bag);
    const bob = await online(srv, srv.users.bob, {}, bag);
    const out = cid();
    await alice1.a.send({ kind: 'direct', id: srv.users.bob.jid }, { body: 'from alice one', clientId: out });
    const carbonOut = await alice2.rec.waitFor('message', (e) => e.message.clientId === out);
    expect(carbonOut.message).toMatchObject({ direction: 'out', conversation: { kind: 'direct', id: srv.users.bob.jid }, from: srv.users.alice.jid });
    const inn = cid();
    await bob.a.send({ kind: 'direct', id: srv.users.alice.jid }, { body: 'to alice', clientId: inn });
    // bare-JID message: delivered to a resource and carbon-copied to the other
    const at1 = await alice1.rec.waitFor('message', (e) => e.message.clientId === inn);
    const at2 = await alice2.rec.waitFor('message', (e) => e.message.clientId === inn);
    expect(at1.message.direction).toBe('in');
    expect(at2.message.direction).toBe('in');
    expect(at1.message.serverId).toBe(at2.message.serverId);
  });

  it('a message sent while the peer is offline arrives later with its original time (XEP-0203 delay)', async () => {
    const alice = await online(srv, srv.users.alice, {}, bag);
    const id = cid();
    const before = Date.now();
    await alice.a.send({ kind: 'direct', id: srv.users.carol.jid }, { body: 'while you were away', clientId: id });
    await alice.rec.waitFor('receipt', (e) => e.clientId === id && e.status === 'sent');
    await new Promise((r) => setTimeout(r, 1100));
    const carol = await online(srv, srv.users.carol, {}, bag);
    const m = await carol.rec.waitFor('message', (e) => e.message.clientId === id);
    expect(m.message.serverTimeTrusted).toBe(true);
    expect(m.message.serverTime).toBeLessThan(before + 1000);
    expect(m.message.serverTime).toBeGreaterThanOrEqual(before - 1000);
  });

  it('refuses a body beyond maxMessageBytes before sending (protocol, fatal) and stays connected', async () => {
    const alice = await online(srv, srv.users.alice, {}, bag);
    const bob = await online(srv, srv.users.bob, {}, bag);
    const big = 'x'.repeat(alice.a.caps.maxMessageBytes + 1);
    await expect(alice.a.send({ kind: 'direct', id: srv.users.bob.jid }, { body: big, clientId: cid() })).rejects.toMatchObject({ kind: 'protocol', fatal: true, code: 'too-large' });
    // escaping that would push the stanza over the server's 256 KiB is refused as well
    const amp = '&'.repeat(alice.a.caps.maxMessageBytes);
    await expect(alice.a.send({ kind: 'direct', id: srv.users.bob.jid }, { body: amp, clientId: cid() })).rejects.toMatchObject({ code: 'too-large' });
    const id = cid();
    const atLimit = 'y'.repeat(alice.a.caps.maxMessageBytes);
    await alice.a.send({ kind: 'direct', id: srv.users.bob.jid }, { body: atLimit, clientId: id });
    const m = await bob.rec.waitFor('message', (e) => e.message.clientId === id);
    expect(m.message.body.length).toBe(alice.a.caps.maxMessageBytes);
  });

  it('an error bounce marks the message failed (message to a non-existent user)', async () => {
    const alice = await online(srv, srv.users.alice, {}, bag);
    const id = cid();
    await alice.a.send({ kind: 'direct', id: `nobody@${srv.domain}` }, { body: 'anyone?', clientId: id });
    const r = await alice.rec.waitFor('receipt', (e) => e.clientId === id && e.status === 'failed');
    expect(r.error?.code).toBe('service-unavailable');
  });
});
