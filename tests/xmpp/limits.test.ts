// A server whose stanza limit is below ours: the refused message fails permanently (no re-send,
// no reconnect loop) and the learned limit is enforced before sending from then on.
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { XmppAdapter } from '../../protocols/xmpp/index';
import { startProsody, type ProsodyServer } from '../harness/prosody';
import { adapter, cid, closeAll, online } from './helpers';

let srv: ProsodyServer;
const bag: XmppAdapter[] = [];
beforeAll(async () => { srv = await startProsody({ extraConfig: 'c2s_stanza_size_limit = 20000' }); });
afterEach(async () => { await closeAll(bag); });
afterAll(async () => { await srv?.stop(); });

describe('XMPP stanza size limits', () => {
  it('a roster over our incoming stanza limit at login: the account says the stanza was too large (not a follow-up error of the closed socket)', async () => {
    if (srv.external) return console.log('skipped: writes a roster into the harness server\'s storage');
    const u = await srv.createUser(`bigroster${Date.now() % 100000}`);
    srv.writeRoster(u, Array.from({ length: 2000 }, (_, i) => ({ jid: `contact${i}@example.org`, name: `Contact number ${i}` })));
    const r = adapter(srv, u, { maxIncomingStanzaBytes: 65_536 });
    bag.push(r.a);
    const err: unknown = await r.a.connect(new AbortController().signal).then(() => null, (e: unknown) => e);
    expect(err).toMatchObject({ code: 'stanza-too-large', fatal: false });
    expect((err as Error).message).toMatch(/more than 65536 bytes in one stanza/);
    const offline = r.rec.of('state').filter((e) => e.state === 'offline' && e.error);
    expect(offline.at(-1)?.error).toMatchObject({ code: 'stanza-too-large' });
    // the next attempt is a new session again (a resumed one would skip the roster and come online without it)
    const again: unknown = await r.a.connect(new AbortController().signal).then(() => null, (e: unknown) => e);
    expect(again).toMatchObject({ code: 'stanza-too-large' });
  });


  it('a message the server refuses as too large fails permanently and is not re-sent after reconnecting', async () => {
    if (srv.external) return console.log('skipped: needs a harness server with a lowered stanza limit');
    const a = await online(srv, srv.users.alice, {}, bag);
    const b = await online(srv, srv.users.bob, {}, bag);
    const big = cid();
    const lost = a.rec.next('state', (e) => e.state === 'offline');
    await a.a.send({ kind: 'direct', id: srv.users.bob.jid }, { body: 'z'.repeat(30_000), clientId: big });
    const failed = await a.rec.waitFor('receipt', (e) => e.clientId === big && e.status === 'failed');
    expect(failed.error).toMatchObject({ kind: 'protocol', fatal: true, code: 'too-large' });
    expect((await lost).error?.fatal).toBe(false);
    await a.a.connect(new AbortController().signal);
    expect(a.rec.of('unacked').flatMap((e) => e.clientIds)).not.toContain(big);
    // the learned limit: refused before it reaches the wire, the connection stays up
    await expect(a.a.send({ kind: 'direct', id: srv.users.bob.jid }, { body: 'z'.repeat(30_000), clientId: cid() })).rejects.toMatchObject({ code: 'too-large' });
    const small = cid();
    await a.a.send({ kind: 'direct', id: srv.users.bob.jid }, { body: 'small one', clientId: small });
    await b.rec.waitFor('message', (e) => e.message.clientId === small);
    expect(b.rec.of('message').some((e) => e.message.clientId === big)).toBe(false);
  });
});
