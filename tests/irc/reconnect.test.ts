/**
 * A dropped connection: the adapter reports it (the engine owns the retry), sends without their echo
 * become 'unacked' / 'unconfirmed', and connect() again rejoins channels with their keys and restores AWAY.
 */
import { afterAll, beforeAll, expect, it } from 'vitest';
import { startInspircd, type InspircdServer } from '../harness/inspircd';
import { nick, online, type TestAccount } from './adapter-helpers';
import { startCutProxy, type CutProxy } from './cut-proxy';
import { wireClient, type WireClient } from './wire-clients';

let s: InspircdServer;
let link: CutProxy;
let alice: TestAccount;
let bob: TestAccount;
let op: WireClient;
const chan = `#rejoin-${process.pid}`;

beforeAll(async () => {
  s = await startInspircd();
  link = await startCutProxy({ host: s.host, port: s.port });
  op = await wireClient({ host: s.host, port: s.port, tls: false, nick: nick('op') });
  op.client.join(chan);
  await new Promise((r) => op.client.once('join', r));
  const keyed = new Promise((r) => op.client.once('mode', r));
  op.client.raw(`MODE ${chan} +k door`);
  await keyed;
  alice = await online({ server: '127.0.0.1', port: link.port, tls: false, nick: nick('alice') });
  bob = await online({ server: s.host, port: s.port, tls: false, nick: nick('bob') });
  await alice.adapter.rooms!.join({ channel: chan, key: 'door' });
  await bob.adapter.rooms!.join({ channel: chan, key: 'door' });
});
afterAll(async () => {
  op?.close();
  await Promise.all([alice?.stop(), bob?.stop()]);
  await link?.stop();
  await s?.stop();
});

it('a send whose echo never comes is reported unacked when the link dies', async () => {
  await alice.adapter.setPresence({ show: 'dnd', status: 'focus time' });
  await bob.waitFor('presence', (e) => e.contactId === alice.nick.toLowerCase() && e.presence.status === 'focus time');
  link.freeze();
  await alice.adapter.send({ kind: 'room', id: chan }, { body: 'lost in transit', clientId: 'lost-1' });
  link.cutAll();
  const state = await alice.waitFor('state', (e) => e.state === 'offline');
  expect(state.error).toMatchObject({ kind: 'network', fatal: false });
  expect((await alice.waitFor('unacked')).clientIds).toContain('lost-1');
  expect((await alice.waitFor('receipt', (e) => e.clientId === 'lost-1')).status).toBe('unconfirmed');
});

it('connect() again rejoins the keyed channel and restores away', async () => {
  bob.clear();
  await alice.adapter.connect(new AbortController().signal);
  await alice.waitFor('room-joined', (e) => e.room.id === chan);
  await bob.waitFor('occupants', (e) => e.occupants.some((o) => o.nick === alice.nick));
  // bob's WHO after the rejoin or away-notify tells him alice is still away
  await alice.adapter.send({ kind: 'room', id: chan }, { body: 'back again', clientId: 'again-1' });
  await bob.waitFor('message', (e) => e.message.body === 'back again');
  expect((await alice.waitFor('receipt', (e) => e.clientId === 'again-1')).status).toBe('sent');
  const whois = await new Promise<string>((resolve) => {
    op.client.on('raw', (e: { line: string; from_server: boolean }) => { if (e.from_server && / 301 /.test(e.line)) resolve(e.line); });
    op.client.raw(`WHOIS ${alice.nick}`);
  });
  expect(whois).toContain('focus time');
});

it('a channel we were kicked from is not rejoined on the next connect', async () => {
  const other = `#kicked-${process.pid}`;
  const opJoined = new Promise((r) => op.client.once('join', r));
  op.client.join(other);
  await opJoined;
  await alice.adapter.rooms!.join({ channel: other });
  op.client.raw(`KICK ${other} ${alice.nick} :out`);
  await alice.waitFor('room-left', (e) => e.roomId === other);
  alice.clear();
  link.cutAll();
  await alice.waitFor('state', (e) => e.state === 'offline');
  await alice.adapter.connect(new AbortController().signal);
  await alice.waitFor('room-joined', (e) => e.room.id === chan);
  // the keyed channel came back; the one we were kicked from did not
  await alice.adapter.send({ kind: 'room', id: chan }, { body: 'sync point', clientId: 'sync-1' });
  await alice.waitFor('receipt', (e) => e.clientId === 'sync-1');
  expect(alice.events.some((e) => e.type === 'room-joined' && e.room.id === other)).toBe(false);
});
