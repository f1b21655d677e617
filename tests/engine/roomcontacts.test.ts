// Room members in the unified contact list (issue #6 §3), against a real InspIRCd: people in a
// joined channel appear as room contacts (source "room", the channel as their group, presence from
// the room), leave the list when they part, are never stored as contacts, and a stored contact who
// is in the room is that same person (not listed twice). The size bound (rooms of thousands add
// nobody) is checked with a stub protocol, since a real server would need thousands of clients.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AnyEvent } from '../../contract/index';
import type { Engine } from '../../core/engine/index';
import { ROOM_LISTED_MAX } from '../../core/engine/roomContacts';
import type { AdapterListener } from '../../core/protocol/types';
import { ircProtocol } from '../../protocols/irc/index';
import { startInspircd, type InspircdServer } from '../harness/inspircd';
import { tempDir } from '../harness/util';
import { startInProcessEngine, stubProtocol, type InProcessEngine } from '../reliability/lib';
import { startPeer, startTestEngine, until, type Peer, type TestEngine } from './helpers';

const dirs: { remove(): void }[] = [];
afterAll(() => {
  for (const d of dirs) d.remove();
});

describe('room members in the contact list (InspIRCd)', () => {
  let irc: InspircdServer;
  let t: TestEngine;
  let bob: Peer;
  let carol: Peer;
  const tag = (process.pid % 1000).toString(36);
  const me = `rcme${tag}`;
  const chan = `#rc-${tag}`;
  const base = () => ({ server: irc.host, port: irc.port, tls: false });

  beforeAll(async () => {
    irc = await startInspircd();
    const d = tempDir('confab-roomcontacts-');
    dirs.push(d);
    t = await startTestEngine(d.path);
  }, 60_000);
  afterAll(async () => {
    await bob?.close();
    await carol?.close();
    await t?.close();
    await irc?.stop();
  });

  it('a channel member appears as a room contact with presence, and leaves the list when they part', async () => {
    const a = await t.call('accounts.add', { protocol: 'irc', config: { ...base(), nick: me } });
    await t.waitEvent('accounts.changed', (x) => x.id === a.id && x.state === 'online');
    // carol is a stored contact (MONITOR list); bob is only met in the channel
    await t.call('contacts.add', { accountId: a.id, address: `rccarol${tag}`, name: 'Carol' });
    const conv = await t.call('rooms.join', { accountId: a.id, values: { channel: chan } });
    bob = await startPeer(ircProtocol, { ...base(), nick: `rcbob${tag}`, realname: 'Bob Builder' });
    carol = await startPeer(ircProtocol, { ...base(), nick: `rccarol${tag}` });
    await bob.adapter.rooms!.join({ channel: chan });
    await carol.adapter.rooms!.join({ channel: chan });

    const bobPerson = await until(async () => (await t.call('contacts.list', {})).find((p) => p.identities.some((i) => i.address === `rcbob${tag}`)), 'bob listed');
    expect(bobPerson.identities).toHaveLength(1);
    expect(bobPerson.identities[0]).toMatchObject({ accountId: a.id, source: 'room', presence: { show: 'available' } });
    expect(bobPerson.groups).toEqual([chan]);
    // what the server says about them (extended-join / WHO) reaches the member list and the contact
    await until(async () => (await t.call('rooms.members', { conversationId: conv.id })).find((m) => m.nick === `rcbob${tag}` && m.realName === 'Bob Builder' && m.account === ''), 'bob\'s real name in the member list');
    expect((await t.call('contacts.list', {})).find((p) => p.id === bobPerson.id)?.identities[0]).toMatchObject({ realName: 'Bob Builder', account: '' });
    // the stored contact is one person, not two, and is there
    await until(async () => {
      const carols = (await t.call('contacts.list', {})).filter((p) => p.identities.some((i) => i.address === `rccarol${tag}`));
      return carols.length === 1 && carols[0]!.identities[0]!.source !== 'room' && carols[0]!.presence.show === 'available';
    }, 'carol is one person, shown present');
    // the room member can be written to like anyone (replies go to the identity)
    const dm = await t.call('conversations.open', { personId: bobPerson.id });
    expect(dm).toMatchObject({ kind: 'direct', address: `rcbob${tag}` });
    // never suggested or merged: nothing about them is stored
    expect((await t.call('people.suggestions', {})).flatMap((s) => s.personIds)).not.toContain(bobPerson.id);
    expect(await t.raw('people.merge', { personIds: [bobPerson.id, (await t.call('contacts.list', {})).find((p) => p.name === 'Carol')!.id] })).toMatchObject({ ok: false, error: { code: 'invalid' } });

    const mark = t.events.length;
    await bob.adapter.rooms!.part(chan);
    await t.waitEvent('contacts.removed', (r) => r.personId === bobPerson.id, { since: mark });
    expect((await t.call('contacts.list', {})).some((p) => p.id === bobPerson.id)).toBe(false);
    // members of the room are unchanged for the room view
    expect((await t.call('rooms.members', { conversationId: conv.id })).map((m) => m.nick.toLowerCase())).not.toContain(`rcbob${tag}`);
  });
});

describe('rooms of thousands (stub protocol)', () => {
  const listeners = new Map<string, AdapterListener>();
  const stub = stubProtocol(listeners, {
    rooms: {
      joinFields: [{ key: 'room', label: 'Room', type: 'text', required: true }],
      join: async (v) => ({ id: String(v['room']), nick: 'me' }),
      part: async () => {},
      invite: async () => {},
      setTopic: async () => {},
      createPrivate: async () => ({ id: 'private', nick: 'me' }),
    },
  });
  let events: AnyEvent[];
  let engine: Engine;
  let call: InProcessEngine['call'];
  beforeAll(async () => {
    const d = tempDir('confab-roomcontacts-stub-');
    dirs.push(d);
    ({ engine, events, call } = await startInProcessEngine(d.path, [stub]));
  });
  afterAll(async () => {
    await engine?.shutdown();
  });

  it('a room over the bound lists nobody; a small room lists its members; nothing is stored', async () => {
    const a = await call('accounts.add', { protocol: 'stub', config: { name: 'a' } });
    await until(async () => (await call('accounts.list', {}))[0]?.state === 'online', 'online');
    await call('rooms.join', { accountId: a.id, values: { room: 'big' } });
    await call('rooms.join', { accountId: a.id, values: { room: 'small' } });
    const emit = listeners.get('a')!;
    const big = Array.from({ length: 5000 }, (_, i) => ({ nick: `u${i}`, id: `u${i}` }));
    const before = events.length;
    emit({ type: 'occupants', roomId: 'big', occupants: big, replace: true });
    emit({ type: 'occupants', roomId: 'small', occupants: [{ nick: 'u1', id: 'u1' }, { nick: 'x', id: 'x' }], replace: true });
    const people = await call('contacts.list', {});
    expect(people.map((p) => p.identities[0]!.address).sort()).toEqual(['u1', 'x']);
    expect(people.find((p) => p.identities[0]!.address === 'u1')!.groups).toEqual(['small']);
    // at most the small room's members were announced, not thousands
    expect(events.slice(before).filter((e) => e.type === 'contacts.changed').length).toBeLessThanOrEqual(2);
    expect(ROOM_LISTED_MAX).toBeLessThan(big.length);
    // shrinking the big room under the bound lists its members
    emit({ type: 'occupants', roomId: 'big', occupants: big.slice(0, 3), replace: true });
    expect((await call('contacts.list', {})).map((p) => p.identities[0]!.address).sort()).toEqual(['u0', 'u1', 'u2', 'x']);
    // the lost link removes them all; none was ever stored
    emit({ type: 'state', state: 'offline' });
    expect(await call('contacts.list', {})).toEqual([]);
    expect(events.filter((e) => e.type === 'contacts.removed').length).toBeGreaterThanOrEqual(4);
  });
});
