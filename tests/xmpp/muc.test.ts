// Group chat (XEP-0045) between real accounts on Prosody's MUC component, plus bookmarks (XEP-0402).
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { XmppAdapter } from '../../protocols/xmpp/index';
import { startProsody, type ProsodyServer } from '../harness/prosody';
import { cid, closeAll, online } from './helpers';

let srv: ProsodyServer;
const bag: XmppAdapter[] = [];
beforeAll(async () => { srv = await startProsody(); });
afterEach(async () => { await closeAll(bag); });
afterAll(async () => { await srv?.stop(); });

const roomName = (p: string) => `${p}-${Math.random().toString(36).slice(2, 8)}@${srv.mucDomain}`;

describe('XMPP group chat', () => {
  it('join, occupants with roles, topic, messages with room stanza-ids, nick change, kick, leave', async () => {
    const room = roomName('lobby');
    const a = await online(srv, srv.users.alice, {}, bag);
    const b = await online(srv, srv.users.bob, {}, bag);
    const joined = await a.a.rooms.join({ room, nick: 'Alice' });
    expect(joined).toMatchObject({ id: room, nick: 'Alice' });
    await b.a.rooms.join({ room, nick: 'Bob' });
    const seenBob = await a.rec.waitFor('occupants', (e) => e.roomId === room && e.occupants.some((o) => o.nick === 'Bob'));
    expect(seenBob.occupants[0]).toMatchObject({ role: 'participant' });
    expect(b.a.occupants(room).find((o) => o.nick === 'Alice')).toMatchObject({ role: 'moderator', affiliation: 'owner' });

    await a.a.rooms.setTopic(room, 'Weekly sync');
    const topic = await b.rec.waitFor('topic', (e) => e.roomId === room && e.topic === 'Weekly sync');
    expect(topic.by).toBe('Alice');

    const id = cid();
    await a.a.send({ kind: 'room', id: room }, { body: 'hello room', clientId: id });
    const atBob = await b.rec.waitFor('message', (e) => e.message.clientId === id);
    expect(atBob.message).toMatchObject({ conversation: { kind: 'room', id: room }, fromName: 'Alice', direction: 'in', body: 'hello room' });
    const echo = await a.rec.waitFor('message', (e) => e.message.clientId === id);
    expect(echo.message.direction).toBe('out');
    expect(echo.message.serverId).toBeTruthy();
    expect(echo.message.serverId).toBe(atBob.message.serverId);

    await b.a.changeNick(room, 'Robert');
    const nc = await a.rec.waitFor('nick-changed', (e) => e.roomId === room && e.oldNick === 'Bob');
    expect(nc.newNick).toBe('Robert');

    await a.a.kick(room, 'Robert', 'too loud');
    const left = await b.rec.waitFor('room-left', (e) => e.roomId === room);
    expect(left.kickedBy).toBeDefined();
    expect(left.reason).toBe('too loud');
    const gone = await a.rec.waitFor('occupant-left', (e) => e.roomId === room && e.nick === 'Robert');
    expect(gone.reason).toContain('kicked');

    await a.a.rooms.part(room);
    await a.rec.waitFor('room-left', (e) => e.roomId === room);
  });

  it('a nick in use is refused as name-in-use', async () => {
    const room = roomName('nicks');
    const a = await online(srv, srv.users.alice, {}, bag);
    const c = await online(srv, srv.users.carol, {}, bag);
    await a.a.rooms.join({ room, nick: 'Same' });
    await expect(c.a.rooms.join({ room, nick: 'Same' })).rejects.toMatchObject({ kind: 'name-in-use' });
  });

  it('mediated invitation: the invitee gets an invite event naming room and inviter', async () => {
    const room = roomName('invite');
    const a = await online(srv, srv.users.alice, {}, bag);
    const c = await online(srv, srv.users.carol, {}, bag);
    await a.a.rooms.join({ room, nick: 'Alice' });
    await a.a.rooms.invite(room, srv.users.carol.jid, 'come in');
    const inv = await c.rec.waitFor('invite', (e) => e.roomId === room);
    expect(inv.reason).toBe('come in');
    // real JID, or the occupant JID when the room hides real JIDs (Prosody's default)
    expect([srv.users.alice.jid, `${room}/Alice`]).toContain(inv.from);
    await c.a.rooms.join({ room: inv.roomId, nick: 'Carol' });
  });

  it('instant meeting: a members-only room; invitees get a direct invitation and may join, others may not', async () => {
    const a = await online(srv, srv.users.alice, {}, bag);
    const b = await online(srv, srv.users.bob, {}, bag);
    const c = await online(srv, srv.users.carol, {}, bag);
    const info = await a.a.rooms.createPrivate([srv.users.bob.jid], { name: 'Planning' });
    expect(info.id.endsWith(`@${srv.mucDomain}`)).toBe(true);
    const inv = await b.rec.waitFor('invite', (e) => e.roomId === info.id);
    expect(inv.from).toBe(srv.users.alice.jid);
    await b.a.rooms.join({ room: info.id, nick: 'Bob' });
    await expect(c.a.rooms.join({ room: info.id, nick: 'Carol' })).rejects.toMatchObject({ code: 'registration-required' });
  });

  it('a password-protected room needs the password', async () => {
    const room = roomName('secret');
    const a = await online(srv, srv.users.alice, {}, bag);
    const b = await online(srv, srv.users.bob, {}, bag);
    await a.a.rooms.join({ room, nick: 'Alice' });
    await a.a.configureRoom(room, { 'muc#roomconfig_passwordprotectedroom': '1', 'muc#roomconfig_roomsecret': 's3cret' });
    await expect(b.a.rooms.join({ room, nick: 'Bob' })).rejects.toMatchObject({ kind: 'auth', code: 'not-authorized' });
    await b.a.rooms.join({ room, nick: 'Bob', password: 's3cret' });
  });

  it('bookmarks (XEP-0402): join with bookmark, then a new session autojoins it', async () => {
    const room = roomName('autojoin');
    const a = await online(srv, srv.users.alice, {}, bag);
    await a.a.rooms.join({ room, nick: 'Alice', bookmark: true });
    const bms = await a.a.bookmarks();
    expect(bms.find((x) => x.room === room)).toMatchObject({ autojoin: true, nick: 'Alice' });
    expect(a.a.bookmarkStorage).toBe('pep');
    await a.a.disconnect();
    const again = await online(srv, srv.users.alice, {}, bag);
    await again.rec.waitFor('room-joined', (e) => e.room.id === room);
    await again.a.removeBookmark(room);
    expect((await again.a.bookmarks()).find((x) => x.room === room)).toBeUndefined();
  });
});
