// History (XEP-0313 MAM) paging for 1:1 and rooms against Prosody's mod_mam / mod_muc_mam.
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { XmppAdapter } from '../../protocols/xmpp/index';
import { startProsody, type ProsodyServer, type XmppTestUser } from '../harness/prosody';
import { cid, closeAll, online } from './helpers';

let srv: ProsodyServer;
const bag: XmppAdapter[] = [];
beforeAll(async () => { srv = await startProsody(); });
afterEach(async () => { await closeAll(bag); });
afterAll(async () => { await srv?.stop(); });

/** fresh accounts keep archives of different tests apart (external servers: the shared ones) */
async function pair(): Promise<[XmppTestUser, XmppTestUser]> {
  if (srv.external) return [srv.users.alice, srv.users.bob];
  const tag = Math.random().toString(36).slice(2, 7);
  return [await srv.createUser(`m1${tag}`), await srv.createUser(`m2${tag}`)];
}

describe('XMPP history (MAM)', () => {
  it('pages a 1:1 archive backwards and forwards with the complete flag, oldest first within a page', async () => {
    if (srv.external) return console.log('skipped: needs fresh accounts with empty archives (createUser)');
    const [u1, u2] = await pair();
    const a = await online(srv, u1, {}, bag);
    const b = await online(srv, u2, {}, bag);
    const ids: string[] = [];
    for (let i = 1; i <= 7; i++) {
      const id = cid();
      ids.push(id);
      await a.a.send({ kind: 'direct', id: u2.jid }, { body: `m${i}`, clientId: id });
      await b.rec.waitFor('message', (e) => e.message.clientId === id);
    }
    const conv = { kind: 'direct' as const, id: u2.jid };
    const last = await a.a.history.fetchHistory(conv, { limit: 3 });
    expect(last.messages.map((m) => m.body)).toEqual(['m5', 'm6', 'm7']);
    expect(last.complete).toBe(false);
    expect(last.messages.every((m) => m.replay && m.direction === 'out' && m.serverTimeTrusted && m.serverId)).toBe(true);
    expect(last.messages.map((m) => m.clientId)).toEqual(ids.slice(4));
    const mid = await a.a.history.fetchHistory(conv, { limit: 3, before: last.first! });
    expect(mid.messages.map((m) => m.body)).toEqual(['m2', 'm3', 'm4']);
    const first = await a.a.history.fetchHistory(conv, { limit: 3, before: mid.first! });
    expect(first.messages.map((m) => m.body)).toEqual(['m1']);
    expect(first.complete).toBe(true);
    // gap filling: everything after a known id
    const after = await a.a.history.fetchHistory(conv, { limit: 10, after: mid.messages[1]!.serverId! });
    expect(after.messages.map((m) => m.body)).toEqual(['m4', 'm5', 'm6', 'm7']);
    expect(after.complete).toBe(true);
    // the receiver's archive has them as incoming, with the ids it saw live
    const bobLive = b.rec.of('message').map((e) => e.message.serverId);
    const bobHist = await b.a.history.fetchHistory({ kind: 'direct', id: u1.jid }, { limit: 10 });
    expect(bobHist.messages.map((m) => m.direction)).toEqual(Array(7).fill('in'));
    expect(bobHist.messages.map((m) => m.serverId)).toEqual(bobLive);
  });

  it('pages a room archive; ids match the live stanza-ids of the room', async () => {
    const [u1, u2] = await pair();
    const room = `hist-${Math.random().toString(36).slice(2, 8)}@${srv.mucDomain}`;
    const a = await online(srv, u1, {}, bag);
    const b = await online(srv, u2, {}, bag);
    await a.a.rooms.join({ room, nick: 'A' });
    await b.a.rooms.join({ room, nick: 'B' });
    const ids: string[] = [];
    for (let i = 1; i <= 4; i++) {
      const id = cid();
      ids.push(id);
      await a.a.send({ kind: 'room', id: room }, { body: `r${i}`, clientId: id });
      await b.rec.waitFor('message', (e) => e.message.clientId === id);
    }
    const live = ids.map((id) => b.rec.of('message').find((e) => e.message.clientId === id)!.message.serverId);
    const page = await b.a.history.fetchHistory({ kind: 'room', id: room }, { limit: 2 });
    expect(page.messages.map((m) => m.body)).toEqual(['r3', 'r4']);
    expect(page.messages.map((m) => m.serverId)).toEqual(live.slice(2));
    expect(page.messages[0]).toMatchObject({ conversation: { kind: 'room', id: room }, fromName: 'A', replay: true });
    const rest = await b.a.history.fetchHistory({ kind: 'room', id: room }, { limit: 10, before: page.first! });
    expect(rest.messages.map((m) => m.body)).toEqual(['r1', 'r2']);
    expect(rest.complete).toBe(true);
  });
});
