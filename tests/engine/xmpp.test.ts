// The engine against a real Prosody (tests/harness/prosody.ts): outbox across a server restart and
// an engine restart, MAM catch-up of exactly the missed messages, DND (peer sees dnd, no
// notifications, VIP breaks through, digest at the end), auto-reply once, instant meeting.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AccountDTO, ConversationDTO } from '../../contract/index';
import { xmppProtocol } from '../../protocols/xmpp/index';
import { startProsody, type ProsodyServer, type XmppTestUser } from '../harness/prosody';
import { tempDir } from '../harness/util';
import { startPeer, startTestEngine, until, xmppAccountConfig, sleep, type Peer, type TestEngine } from './helpers';

let server: ProsodyServer;
const dirs: { remove(): void }[] = [];
const closers: (() => Promise<unknown>)[] = [];

beforeAll(async () => {
  server = await startProsody();
});
afterAll(async () => {
  for (const c of closers.reverse()) await c().catch(() => {});
  await server?.stop();
  for (const d of dirs) d.remove();
});

function peerConfig(u: XmppTestUser) {
  return xmppAccountConfig(server, u, { resource: `peer${Math.random().toString(36).slice(2, 8)}` });
}

async function engineFor(user: XmppTestUser): Promise<{ t: TestEngine; account: AccountDTO; dir: string }> {
  const d = tempDir('confab-engine-');
  dirs.push(d);
  const t = await startTestEngine(d.path);
  closers.push(() => t.close());
  const account = await t.call('accounts.add', { protocol: 'xmpp', config: xmppAccountConfig(server, user) });
  await t.waitEvent('accounts.changed', (a) => a.id === account.id && a.state === 'online');
  return { t, account, dir: d.path };
}

async function peer(u: XmppTestUser): Promise<Peer> {
  const p = await startPeer(xmppProtocol, peerConfig(u));
  closers.push(() => p.close());
  await p.adapter.setPresence({ show: 'available' });
  return p;
}

async function conversationWith(t: TestEngine, accountId: string, address: string): Promise<ConversationDTO> {
  return t.call('conversations.open', { accountId, kind: 'direct', address });
}

async function bodiesIn(t: TestEngine, conversationId: string): Promise<string[]> {
  const page = await t.call('messages.page', { conversationId, limit: 500 });
  return page.messages.map((m) => m.body);
}

const count = (list: string[], x: string) => list.filter((b) => b === x).length;

describe('engine + XMPP (Prosody)', () => {
  it('outbox: messages sent across a server restart and an engine restart arrive exactly once', async () => {
    const u = await server.createUser(`ob${Date.now() % 100000}`);
    const v = await server.createUser(`obpeer${Date.now() % 100000}`);
    const { t, account, dir } = await engineFor(u);
    const conv = await conversationWith(t, account.id, v.jid);

    // 1. live
    const first = await t.call('messages.send', { conversationId: conv.id, body: 'outbox-live' });
    await t.waitEvent('messages.updated', (m) => m.id === first.id && m.state === 'sent');

    // 2. the server restarts while we send
    const mark = t.events.length;
    const restarting = server.restart();
    await t.waitEvent('accounts.changed', (a) => a.id === account.id && a.state !== 'online', { since: mark });
    const during = await t.call('messages.send', { conversationId: conv.id, body: 'outbox-during-restart' });
    expect(['queued', 'sending']).toContain(during.state);
    await restarting;
    await t.waitEvent('accounts.changed', (a) => a.id === account.id && a.state === 'online', { since: mark, timeoutMs: 30_000 });
    await t.waitEvent('messages.updated', (m) => m.id === during.id && m.state === 'sent', { timeoutMs: 30_000 });

    // 3. queued while the account is off, then the engine restarts
    await t.call('accounts.update', { id: account.id, enabled: false });
    const queued = await t.call('messages.send', { conversationId: conv.id, body: 'outbox-across-engine-restart' });
    expect(queued.state).toBe('queued');
    await t.close();
    closers.pop();
    const t2 = await startTestEngine(dir, 'unlock');
    closers.push(() => t2.close());
    const page = await t2.call('messages.page', { conversationId: conv.id, limit: 50 });
    expect(page.messages.find((m) => m.id === queued.id)?.state).toBe('queued');
    await t2.call('accounts.update', { id: account.id, enabled: true });
    await t2.waitEvent('messages.updated', (m) => m.id === queued.id && m.state === 'sent', { timeoutMs: 30_000 });

    // the peer's server archive holds each message exactly once
    const p = await peer(v);
    const hist = await p.adapter.history!.fetchHistory({ kind: 'direct', id: u.jid }, { limit: 100 });
    const got = hist.messages.filter((m) => m.direction === 'in').map((m) => m.body);
    expect(count(got, 'outbox-live')).toBe(1);
    expect(count(got, 'outbox-during-restart')).toBe(1);
    expect(count(got, 'outbox-across-engine-restart')).toBe(1);
    // and our own history has each once too
    const own = await bodiesIn(t2, conv.id);
    for (const b of ['outbox-live', 'outbox-during-restart', 'outbox-across-engine-restart']) expect(count(own, b)).toBe(1);
  });

  it('a message to an online peer goes sent → delivered (receipts); typing both ways', async () => {
    const u = await server.createUser(`rc${Date.now() % 100000}`);
    const v = await server.createUser(`rcpeer${Date.now() % 100000}`);
    const { t, account } = await engineFor(u);
    await peer(v);
    const conv = await conversationWith(t, account.id, v.jid);
    const m = await t.call('messages.send', { conversationId: conv.id, body: 'please confirm' });
    await t.waitEvent('messages.updated', (x) => x.id === m.id && x.state === 'delivered');
    const page = await t.call('messages.page', { conversationId: conv.id, limit: 10 });
    expect(page.messages.find((x) => x.id === m.id)?.state).toBe('delivered');
    // typing both ways
    const p2 = await peer(v);
    const pm = p2.events.length;
    await t.call('typing.set', { conversationId: conv.id, state: 'composing' });
    await p2.waitFor('typing', (e) => e.from === u.jid && e.state === 'composing', { since: pm });
    const mark = t.events.length;
    p2.adapter.typing!.sendTyping({ kind: 'direct', id: u.jid }, 'composing');
    const typing = await t.waitEvent('typing', (e) => e.conversationId === conv.id, { since: mark });
    expect(typing.state).toBe('composing');
  });

  it('catch-up after being offline fills exactly the missed messages (MAM)', async () => {
    const u = await server.createUser(`cu${Date.now() % 100000}`);
    const v = await server.createUser(`cupeer${Date.now() % 100000}`);
    const { t, account } = await engineFor(u);
    const p = await peer(v);
    const firstSeen = t.events.length;
    await p.adapter.send({ kind: 'direct', id: u.jid }, { body: 'catchup-0', clientId: 'cu-0' });
    const added = await t.waitEvent('messages.added', (e) => e.messages.some((m) => m.body === 'catchup-0'), { since: firstSeen });
    const convId = added.messages.find((m) => m.body === 'catchup-0')!.conversationId;

    await t.call('accounts.update', { id: account.id, enabled: false });
    await until(async () => (await t.call('accounts.list', {})).find((a) => a.id === account.id)?.state === 'offline', 'account offline');
    for (let i = 1; i <= 3; i++) await p.adapter.send({ kind: 'direct', id: u.jid }, { body: `catchup-${i}`, clientId: `cu-${i}` });
    await sleep(300);
    await t.call('accounts.update', { id: account.id, enabled: true });
    const bodies = await until(async () => {
      const b = await bodiesIn(t, convId);
      return ['catchup-1', 'catchup-2', 'catchup-3'].every((x) => b.includes(x)) ? b : null;
    }, 'missed messages caught up');
    await sleep(500); // let any late duplicate (offline delivery + MAM) land
    const final = await bodiesIn(t, convId);
    for (let i = 0; i <= 3; i++) expect(count(final, `catchup-${i}`)).toBe(1);
    expect(bodies.length).toBeGreaterThanOrEqual(4);
    const conv = (await t.call('conversations.list', {})).find((c) => c.id === convId)!;
    expect(conv.unread).toBe(4);
  });

  it('DND: the peer sees dnd, no notifications, a VIP breaks through, the digest at the end, then the previous status', async () => {
    const u = await server.createUser(`dnd${Date.now() % 100000}`);
    const v = await server.createUser(`dndbob${Date.now() % 100000}`);
    const w = await server.createUser(`dndvip${Date.now() % 100000}`);
    const { t, account } = await engineFor(u);
    const bob = await peer(v);
    const vip = await peer(w);
    await befriend(t, account.id, u, bob, v);
    await befriend(t, account.id, u, vip, w);
    const people = await t.call('contacts.list', {});
    const vipPerson = people.find((p) => p.identities.some((i) => i.address === w.jid))!;
    await t.call('people.setVip', { personId: vipPerson.id, vip: true });

    const mark = t.events.length;
    const peerMark = bob.events.length;
    const st = await t.call('status.dnd', { durationMs: 6000, message: 'focus time' });
    expect(st.dnd).toBe(true);
    await bob.waitFor('presence', (e) => e.contactId === u.jid && e.presence.show === 'dnd' && e.presence.status === 'focus time', { since: peerMark });

    await bob.adapter.send({ kind: 'direct', id: u.jid }, { body: 'are you there?', clientId: 'dnd-1' });
    await t.waitEvent('messages.added', (e) => e.messages.some((m) => m.body === 'are you there?'), { since: mark });
    await vip.adapter.send({ kind: 'direct', id: u.jid }, { body: 'the server is on fire', clientId: 'dnd-2' });
    const n = await t.waitEvent('notify', () => true, { since: mark });
    expect(n.reason).toBe('vip');
    expect(n.body).toBe('the server is on fire');
    const notifies = t.events.slice(mark).filter((e) => e.type === 'notify');
    expect(notifies).toHaveLength(1);

    const digest = await t.waitEvent('digest', () => true, { since: mark, timeoutMs: 20_000 });
    expect(digest.messages).toBe(2);
    expect(digest.from.map((f) => f.name).sort()).toEqual([v.name, w.name].sort());
    const back = await t.call('status.get', {});
    expect(back).toMatchObject({ show: 'available', dnd: false });
    await bob.waitFor('presence', (e) => e.contactId === u.jid && e.presence.show === 'available', { since: peerMark });
    // after DND, a plain message notifies again
    const after = t.events.length;
    await bob.adapter.send({ kind: 'direct', id: u.jid }, { body: 'back?', clientId: 'dnd-3' });
    expect((await t.waitEvent('notify', () => true, { since: after })).reason).toBe('direct');
  });

  it('auto-reply goes out once per contact while away', async () => {
    const u = await server.createUser(`ar${Date.now() % 100000}`);
    const v = await server.createUser(`arpeer${Date.now() % 100000}`);
    const { t } = await engineFor(u);
    const bob = await peer(v);
    await t.call('settings.set', { autoReply: { enabled: true, message: 'back at three', periodMs: 3_600_000 } });
    await t.call('status.set', { show: 'away', message: 'lunch' });
    const pm = bob.events.length;
    await bob.adapter.send({ kind: 'direct', id: u.jid }, { body: 'ping 1', clientId: 'ar-1' });
    const reply = await bob.waitFor('message', (e) => e.message.direction === 'in' && e.message.from === u.jid, { since: pm });
    expect(reply.message.body).toContain('back at three');
    const mark = t.events.length;
    await bob.adapter.send({ kind: 'direct', id: u.jid }, { body: 'ping 2', clientId: 'ar-2' });
    await t.waitEvent('messages.added', (e) => e.messages.some((m) => m.body === 'ping 2'), { since: mark });
    await sleep(1000);
    const replies = bob.events.slice(pm).filter((e) => e.type === 'message' && e.message.direction === 'in' && e.message.from === u.jid);
    expect(replies).toHaveLength(1);
  });

  it('a per-account status override wins over the global status; "offline" keeps just that account off', async () => {
    const u = await server.createUser(`ov${Date.now() % 100000}`);
    const v = await server.createUser(`ovpeer${Date.now() % 100000}`);
    const { t, account } = await engineFor(u);
    const bob = await peer(v);
    await befriend(t, account.id, u, bob, v);
    const pm = bob.events.length;
    const dto = await t.call('status.setAccountOverride', { accountId: account.id, show: 'away' });
    expect(dto.statusOverride).toBe('away');
    await bob.waitFor('presence', (e) => e.contactId === u.jid && e.presence.show === 'away', { since: pm });
    await t.call('status.set', { show: 'available', message: 'here' });
    await t.call('status.setAccountOverride', { accountId: account.id, show: null });
    await bob.waitFor('presence', (e) => e.contactId === u.jid && e.presence.show === 'available' && e.presence.status === 'here', { since: pm });
    const mark = t.events.length;
    await t.call('status.setAccountOverride', { accountId: account.id, show: 'offline' });
    await t.waitEvent('accounts.changed', (a) => a.id === account.id && a.state === 'offline', { since: mark });
    await bob.waitFor('presence', (e) => e.contactId === u.jid && e.presence.show === 'offline', { since: pm });
    await sleep(500);
    expect(t.events.slice(mark).some((e) => e.type === 'accounts.changed' && e.payload.id === account.id && e.payload.state === 'connecting')).toBe(false);
    await t.call('status.setAccountOverride', { accountId: account.id, show: null });
    await t.waitEvent('accounts.changed', (a) => a.id === account.id && a.state === 'online', { since: mark });
  });

  it('instant meeting: a members-only room with every invitee in it', async () => {
    const u = await server.createUser(`mt${Date.now() % 100000}`);
    const v = await server.createUser(`mtbob${Date.now() % 100000}`);
    const w = await server.createUser(`mtcarol${Date.now() % 100000}`);
    const { t, account } = await engineFor(u);
    const bob = await peer(v);
    const carol = await peer(w);
    const conv = await t.call('rooms.startMeeting', { accountId: account.id, addresses: [v.jid, w.jid], name: 'Standup' });
    expect(conv.kind).toBe('room');
    for (const [p, nick] of [[bob, 'bob'], [carol, 'carol']] as const) {
      const inv = await p.waitFor('invite', (e) => e.roomId === conv.address);
      await p.adapter.rooms!.join({ room: inv.roomId, nick });
    }
    const members = await until(async () => {
      const m = await t.call('rooms.members', { conversationId: conv.id });
      return m.length >= 3 ? m : null;
    }, 'all three in the room');
    expect(members.map((m) => m.address).filter(Boolean).sort()).toEqual([u.jid, v.jid, w.jid].sort());
  });
});

/** mutual presence subscription between the engine's account and a peer */
async function befriend(t: TestEngine, accountId: string, self: XmppTestUser, p: Peer, other: XmppTestUser) {
  const mark = t.events.length;
  const pm = p.events.length;
  await t.call('contacts.add', { accountId, address: other.jid, name: other.name });
  await p.waitFor('subscription-request', (e) => e.from === self.jid, { since: pm });
  await p.adapter.contacts!.approve(self.jid);
  await t.waitEvent('contacts.subscriptionRequest', (e) => e.address === other.jid, { since: mark });
  await t.call('contacts.approve', { accountId, address: other.jid });
  await p.adapter.setPresence({ show: 'available' });
  await t.waitEvent('contacts.changed', (x) => x.identities.some((i) => i.address === other.jid && i.presence.show !== 'offline'), { since: mark });
}
