// A server whose stanza limit is below ours: the refused message fails permanently (no re-send,
// no reconnect loop) and the learned limit is enforced before sending from then on.
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { XmppAdapter } from '../../protocols/xmpp/index';
import { startProsody, type ProsodyServer } from '../harness/prosody';
import { cid, closeAll, online } from './helpers';

let srv: ProsodyServer;
const bag: XmppAdapter[] = [];
beforeAll(async () => { srv = await startProsody({ extraConfig: 'c2s_stanza_size_limit = 20000' }); });
afterEach(async () => { await closeAll(bag); });
afterAll(async () => { await srv?.stop(); });

describe('XMPP stanza size limits', () => {
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
