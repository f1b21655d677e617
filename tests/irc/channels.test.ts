/**
 * Channels on InspIRCd with several clients: JOIN with key, wrong key, NAMES prefixes (multi-prefix),
 * MODE changes, TOPIC, NICK, KICK, PART, QUIT in member lists, and an invite-only "instant meeting".
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startInspircd, type InspircdServer } from '../harness/inspircd';
import { nick, online, type TestAccount } from './adapter-helpers';
import { wireClient, type WireClient } from './wire-clients';

let s: InspircdServer;
let alice: TestAccount;
let bob: TestAccount;
let carol: TestAccount;
let op: WireClient;
const chan = `#keyed-${process.pid}`;

beforeAll(async () => {
  s = await startInspircd();
  const base = { server: s.host, port: s.port, tls: false };
  [alice, bob, carol] = await Promise.all([online({ ...base, nick: nick('alice') }), online({ ...base, nick: nick('bob') }), online({ ...base, nick: nick('carol') })]);
  op = await wireClient({ host: s.host, port: s.port, tls: false, nick: nick('op') });
  op.client.join(chan);
  await new Promise((r) => op.client.once('join', r));
  const keyed = new Promise((r) => op.client.once('mode', r));
  op.client.raw(`MODE ${chan} +k sesame`);
  await keyed;
  const topic = new Promise((r) => op.client.once('topic', r));
  op.client.raw(`TOPIC ${chan} :the first topic`);
  await topic;
});
afterAll(async () => {
  op?.close();
  await Promise.all([alice, bob, carol].map((a) => a?.stop()));
  await s?.stop();
});

const room = (a: TestAccount, name = chan) => ({ kind: 'room' as const, id: name.toLowerCase(), a });

describe('a keyed channel', () => {
  it('a wrong key is refused with a clear error', async () => {
    await expect(carol.adapter.rooms!.join({ channel: chan, key: 'wrong' })).rejects.toMatchObject({ kind: 'protocol', code: '475' });
  });

  it('joins with the key; the member list shows the operator prefix and the topic', async () => {
    const info = await alice.adapter.rooms!.join({ channel: chan, key: 'sesame' });
    expect(info).toMatchObject({ id: chan.toLowerCase(), nick: alice.nick });
    const names = await alice.waitFor('occupants', (e) => e.replace && e.roomId === chan.toLowerCase());
    expect(names.occupants).toEqual(expect.arrayContaining([expect.objectContaining({ nick: op.client.user.nick, modes: '@' }), expect.objectContaining({ nick: alice.nick })]));
    expect((await alice.waitFor('topic', (e) => e.roomId === chan.toLowerCase())).topic).toBe('the first topic');
  });

  it('others joining, mode changes (multi-prefix) and topic changes are reflected', async () => {
    await bob.adapter.rooms!.join({ channel: chan, key: 'sesame' });
    await alice.waitFor('occupants', (e) => !e.replace && e.occupants.some((o) => o.nick === bob.nick));
    op.client.raw(`MODE ${chan} +ov ${bob.nick} ${bob.nick}`);
    await alice.waitFor('occupants', (e) => e.occupants.some((o) => o.nick === bob.nick && o.modes === '@+'));
    op.client.raw(`TOPIC ${chan} :a new topic`);
    expect(await alice.waitFor('topic', (e) => e.topic === 'a new topic')).toMatchObject({ by: op.client.user.nick });
    await bob.adapter.rooms!.setTopic(chan.toLowerCase(), 'set by bob');
    await alice.waitFor('topic', (e) => e.topic === 'set by bob');
  });

  it('messages in the channel reach every member, with the room as conversation', async () => {
    await alice.adapter.send(room(alice), { body: 'hello channel', clientId: 'ch-1' });
    const got = await bob.waitFor('message', (e) => e.message.body === 'hello channel');
    expect(got.message.conversation).toEqual({ kind: 'room', id: chan.toLowerCase() });
    expect(got.message.from).toBe(alice.nick.toLowerCase());
    expect((await alice.waitFor('receipt', (e) => e.clientId === 'ch-1')).status).toBe('sent');
  });

  it('a nick change shows in the member list', async () => {
    const old = op.client.user.nick;
    const renamed = nick('opx');
    const opSawIt = new Promise((r) => op.client.once('nick', r));
    op.client.changeNick(renamed);
    expect(await alice.waitFor('nick-changed', (e) => e.newNick === renamed)).toMatchObject({ roomId: chan.toLowerCase(), oldNick: old });
    await opSawIt; // the raw client's own idea of its nick is current before the next test uses it
  });

  it('a kick removes the member, and the kicked one hears who did it', async () => {
    op.client.raw(`KICK ${chan} ${bob.nick} :behave`);
    expect(await bob.waitFor('room-left', (e) => e.roomId === chan.toLowerCase())).toMatchObject({ kickedBy: op.client.user.nick, reason: 'behave' });
    expect(await alice.waitFor('occupant-left', (e) => e.nick === bob.nick)).toMatchObject({ reason: 'behave' });
  });

  it('a quit removes the member from every channel', async () => {
    const opNick = op.client.user.nick;
    op.client.quit('gone fishing');
    const left = await alice.waitFor('occupant-left', (e) => e.nick === opNick);
    expect(left.reason).toMatch(/gone fishing/);
  });

  it('part leaves the channel', async () => {
    await alice.adapter.rooms!.part(chan.toLowerCase(), 'bye');
    await alice.waitFor('room-left', (e) => e.roomId === chan.toLowerCase());
  });
});

describe('instant meeting', () => {
  it('creates an invite-only channel: the invitee is invited and can join, others cannot', async () => {
    const info = await alice.adapter.rooms!.createPrivate([bob.nick], { name: 'Standup' });
    expect(info.id).toMatch(/^#standup-/);
    const inv = await bob.waitFor('invite', (e) => e.roomId === info.id);
    expect(inv.from).toBe(alice.nick.toLowerCase());
    await bob.adapter.rooms!.join({ channel: info.name ?? info.id });
    await expect(carol.adapter.rooms!.join({ channel: info.name ?? info.id })).rejects.toMatchObject({ code: '473' });
  });

  it('invite() invites someone to a channel', async () => {
    const c = `#inv-${process.pid}`;
    await alice.adapter.rooms!.join({ channel: c });
    await alice.adapter.rooms!.invite(c, carol.nick);
    expect(await carol.waitFor('invite', (e) => e.roomId === c)).toMatchObject({ from: alice.nick.toLowerCase() });
  });
});
