// One engine with an XMPP account (Prosody) and an IRC account (InspIRCd) — real servers both:
// DND shows as dnd to the XMPP peer and as AWAY to the IRC peer; auto-reply on IRC is a NOTICE,
// sent once; a metacontact spanning an XMPP and an IRC identity has one merged timeline and
// replies routed to the identity that is online; an instant meeting on IRC gathers every invitee.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AccountDTO } from '../../contract/index';
import { ircProtocol } from '../../protocols/irc/index';
import { xmppProtocol } from '../../protocols/xmpp/index';
import { startInspircd, type InspircdServer } from '../harness/inspircd';
import { startProsody, type ProsodyServer, type XmppTestUser } from '../harness/prosody';
import { tempDir } from '../harness/util';
import { sleep, startPeer, startTestEngine, until, xmppAccountConfig, type Peer, type TestEngine } from './helpers';

let prosody: ProsodyServer;
let irc: InspircdServer;
let t: TestEngine;
let xa: AccountDTO;
let ia: AccountDTO;
let me: XmppTestUser;
let bobX: XmppTestUser;
let bobXmpp: Peer;
let bobIrc: Peer;
const tag = (process.pid % 1000).toString(36);
const myNick = `me${tag}`;
const bobNick = `bob${tag}`;
const chan = `#engine-${tag}`;
const dir = tempDir('confab-engine-cross-');
const closers: (() => Promise<unknown>)[] = [];

const ircBase = () => ({ server: irc.host, port: irc.port, tls: false, sendBurst: 20, sendIntervalMs: 50 });

beforeAll(async () => {
  [prosody, irc] = await Promise.all([startProsody(), startInspircd()]);
  me = await prosody.createUser(`me${tag}`);
  bobX = await prosody.createUser(`bob${tag}`);
  t = await startTestEngine(dir.path);
  closers.push(() => t.close());
  xa = await t.call('accounts.add', { protocol: 'xmpp', config: xmppAccountConfig(prosody, me) });
  ia = await t.call('accounts.add', { protocol: 'irc', config: { ...ircBase(), nick: myNick } });
  for (const a of [xa, ia]) await t.waitEvent('accounts.changed', (x) => x.id === a.id && x.state === 'online');
  bobXmpp = await startPeer(xmppProtocol, xmppAccountConfig(prosody, bobX, { resource: 'peer' }));
  bobIrc = await startPeer(ircProtocol, { ...ircBase(), nick: bobNick });
  closers.push(() => bobXmpp.close(), () => bobIrc.close());
  await bobXmpp.adapter.setPresence({ show: 'available' });
  // XMPP: mutual subscription
  const mark = t.events.length;
  await t.call('contacts.add', { accountId: xa.id, address: bobX.jid, name: 'Bob' });
  await bobXmpp.waitFor('subscription-request', (e) => e.from === me.jid);
  await bobXmpp.adapter.contacts!.approve(me.jid);
  await t.waitEvent('contacts.subscriptionRequest', (e) => e.address === bobX.jid, { since: mark });
  await t.call('contacts.approve', { accountId: xa.id, address: bobX.jid });
  // IRC: bob on our MONITOR list, and both of us in one channel
  await t.call('contacts.add', { accountId: ia.id, address: bobNick, name: 'Bob' });
  await t.call('rooms.join', { accountId: ia.id, values: { channel: chan } });
  await bobIrc.adapter.rooms!.join({ channel: chan });
}, 120_000);

afterAll(async () => {
  for (const c of closers.reverse()) await c().catch(() => {});
  await Promise.all([prosody?.stop(), irc?.stop()]);
  dir.remove();
});

describe('engine across XMPP and IRC', () => {
  it('a metacontact spanning an XMPP and an IRC identity: one merged timeline, replies routed to the online identity', async () => {
    const suggestions = await t.call('people.suggestions', {});
    const people = await t.call('contacts.list', {});
    const px = people.find((p) => p.identities.some((i) => i.address === bobX.jid))!;
    const pi = people.find((p) => p.identities.some((i) => i.address === bobNick.toLowerCase()))!;
    expect(px && pi && px.id !== pi.id).toBe(true);
    expect(suggestions.some((s) => s.personIds.includes(px.id) && s.personIds.includes(pi.id))).toBe(true);
    const bob = await t.call('people.merge', { personIds: [px.id, pi.id] });
    expect(bob.identities).toHaveLength(2);
    expect((await t.call('contacts.list', {})).filter((p) => p.name === 'Bob')).toHaveLength(1);

    const mark = t.events.length;
    await bobXmpp.adapter.send({ kind: 'direct', id: me.jid }, { body: 'merged: first via xmpp', clientId: 'm-1' });
    await t.waitEvent('messages.added', (e) => e.messages.some((m) => m.body === 'merged: first via xmpp'), { since: mark });
    await bobIrc.adapter.send({ kind: 'direct', id: myNick }, { body: 'merged: then via irc', clientId: 'm-2' });
    await t.waitEvent('messages.added', (e) => e.messages.some((m) => m.body === 'merged: then via irc'), { since: mark });
    const page = await t.call('messages.page', { personId: bob.id, limit: 50 });
    const bodies = page.messages.map((m) => m.body).filter((b) => b.startsWith('merged:'));
    expect(bodies).toEqual(['merged: first via xmpp', 'merged: then via irc']);
    expect(new Set(page.messages.map((m) => m.accountId))).toEqual(new Set([xa.id, ia.id]));
    // merged search: with:<person> finds the person's messages on both networks
    const found = await t.call('search.query', { query: 'with:Bob merged' });
    expect(found.hits.map((h) => h.message.body).sort()).toEqual(['merged: first via xmpp', 'merged: then via irc']);

    // reply routing: the XMPP identity first while it is online …
    await t.call('people.setOrder', { personId: bob.id, identities: [{ accountId: xa.id, address: bobX.jid }, { accountId: ia.id, address: bobNick.toLowerCase() }] });
    await until(async () => (await t.call('contacts.list', {})).find((p) => p.id === bob.id)?.identities[0]?.presence.show === 'available', 'bob online on XMPP');
    const pm = bobXmpp.events.length;
    const r1 = await t.call('messages.send', { personId: bob.id, body: 'reply goes to xmpp' });
    expect(r1.accountId).toBe(xa.id);
    await bobXmpp.waitFor('message', (e) => e.message.body === 'reply goes to xmpp', { since: pm });
    // … and to IRC once bob's XMPP client is gone
    await bobXmpp.adapter.disconnect();
    await until(async () => (await t.call('contacts.list', {})).find((p) => p.id === bob.id)?.identities.find((i) => i.accountId === xa.id)?.presence.show === 'offline', 'bob offline on XMPP');
    const im = bobIrc.events.length;
    const r2 = await t.call('messages.send', { personId: bob.id, body: 'reply goes to irc' });
    expect(r2.accountId).toBe(ia.id);
    await bobIrc.waitFor('message', (e) => e.message.body === 'reply goes to irc', { since: im });
    await bobXmpp.adapter.connect(new AbortController().signal);
    await bobXmpp.adapter.setPresence({ show: 'available' });
  });

  it('DND: the XMPP peer sees dnd and the IRC peer sees AWAY; auto-reply on IRC is one NOTICE', async () => {
    await t.call('settings.set', { autoReply: { enabled: true, message: 'deep work until noon', periodMs: 3_600_000 } });
    const xm = bobXmpp.events.length;
    const im = bobIrc.events.length;
    const mark = t.events.length;
    await t.call('status.dnd', { message: 'deep work' });
    await bobXmpp.waitFor('presence', (e) => e.contactId === me.jid && e.presence.show === 'dnd', { since: xm });
    const away = await bobIrc.waitFor('presence', (e) => e.contactId === myNick.toLowerCase() && e.presence.show === 'away', { since: im });
    expect(away.presence.status).toBe('deep work');

    await bobIrc.adapter.send({ kind: 'direct', id: myNick }, { body: 'quick question', clientId: 'dnd-irc-1' });
    const reply = await bobIrc.waitFor('message', (e) => e.message.direction === 'in' && e.message.from === myNick.toLowerCase(), { since: im });
    expect(reply.message.kind).toBe('notice');
    expect(reply.message.body).toContain('deep work until noon');
    const m2 = t.events.length;
    await bobIrc.adapter.send({ kind: 'direct', id: myNick }, { body: 'another one', clientId: 'dnd-irc-2' });
    await t.waitEvent('messages.added', (e) => e.messages.some((m) => m.body === 'another one'), { since: m2 });
    await sleep(800);
    expect(bobIrc.events.slice(im).filter((e) => e.type === 'message' && e.message.direction === 'in' && e.message.from === myNick.toLowerCase())).toHaveLength(1);
    expect(t.events.slice(mark).filter((e) => e.type === 'notify')).toHaveLength(0);

    await t.call('status.dndOff', {});
    await t.call('settings.set', { autoReply: { enabled: false, message: '', periodMs: 3_600_000 } });
    await bobIrc.waitFor('presence', (e) => e.contactId === myNick.toLowerCase() && e.presence.show === 'available', { since: im });
    await bobXmpp.waitFor('presence', (e) => e.contactId === me.jid && e.presence.show === 'available', { since: xm });
    const digest = await t.waitEvent('digest', () => true, { since: mark });
    expect(digest.messages).toBe(2);
  });

  it('instant meeting on IRC: an invite-only channel with every invitee in it', async () => {
    const carolNick = `carol${tag}`;
    const carol = await startPeer(ircProtocol, { ...ircBase(), nick: carolNick });
    closers.push(() => carol.close());
    const conv = await t.call('rooms.startMeeting', { accountId: ia.id, addresses: [bobNick, carolNick], name: 'sync' });
    expect(conv.kind).toBe('room');
    for (const p of [bobIrc, carol]) {
      const inv = await p.waitFor('invite', (e) => e.roomId.toLowerCase() === conv.address.toLowerCase());
      await p.adapter.rooms!.join({ channel: inv.roomId });
    }
    const members = await until(async () => {
      const m = await t.call('rooms.members', { conversationId: conv.id });
      return m.length >= 3 ? m : null;
    }, 'everyone in the meeting channel');
    expect(members.map((m) => m.nick.toLowerCase()).sort()).toEqual([bobNick, carolNick, myNick].sort());
  });

  it('a mention in a channel: notified, counted, cleared by reading', async () => {
    const conv = (await t.call('conversations.list', {})).find((c) => c.kind === 'room' && c.address.toLowerCase() === chan)!;
    const mark = t.events.length;
    await bobIrc.adapter.send({ kind: 'room', id: chan }, { body: 'just chatting', clientId: 'ch-1' });
    await bobIrc.adapter.send({ kind: 'room', id: chan }, { body: `${myNick}: can you look at this?`, clientId: 'ch-2' });
    const n = await t.waitEvent('notify', (x) => x.conversationId === conv.id, { since: mark });
    expect(n.reason).toBe('mention');
    expect(t.events.slice(mark).filter((e) => e.type === 'notify')).toHaveLength(1);
    const c = await until(async () => {
      const x = (await t.call('conversations.list', {})).find((y) => y.id === conv.id)!;
      return x.mentions === 1 ? x : null;
    }, 'mention counted');
    expect(c.unread).toBeGreaterThanOrEqual(2);
    const read = await t.call('conversations.markRead', { conversationId: conv.id });
    expect(read).toMatchObject({ unread: 0, mentions: 0 });
  });

  it('after an engine restart the IRC buddy list (MONITOR) is watched again and the metacontact is intact', async () => {
    // bob shares no channel with us any more: only the MONITOR list can tell us he is online
    await bobIrc.adapter.rooms!.part(chan);
    await t.close();
    closers.splice(0, 1); // the first closer was the engine's
    t = await startTestEngine(dir.path, 'unlock');
    closers.push(() => t.close());
    for (const a of [xa, ia]) await t.waitEvent('accounts.changed', (x) => x.id === a.id && x.state === 'online');
    const bob = await until(async () => {
      const p = (await t.call('contacts.list', {})).find((x) => x.identities.length === 2);
      return p?.identities.find((i) => i.accountId === ia.id)?.presence.show === 'available' ? p : null;
    }, 'bob seen online on IRC again');
    expect(bob.identities.map((i) => i.accountId).sort()).toEqual([xa.id, ia.id].sort());
  });
});
