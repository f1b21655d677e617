/**
 * Behind a real ZNC 1.8 (in front of ngircd): the buffer replay (znc.in/playback batch with server
 * time) is imported as replayed messages with server time, and a second replay of the same buffer
 * carries the same ids, so nothing is stored twice (no msgid there: id from sender + time + text).
 */
import { afterAll, beforeAll, expect, it } from 'vitest';
import { startNgircd, type IrcServer } from '../harness/ngircd';
import { startZnc, type ZncServer } from '../harness/znc';
import { nick, online, type TestAccount } from './adapter-helpers';

let up: IrcServer;
let z: ZncServer;
let bob: TestAccount;
const chan = `#znc-${process.pid}`;
const accounts: TestAccount[] = [];

beforeAll(async () => {
  up = await startNgircd();
  z = await startZnc({ upstream: up, channels: [chan], nick: nick('zed') });
  bob = await online({ server: up.host, port: up.port, tls: false, nick: nick('bob') });
  accounts.push(bob);
  await bob.adapter.rooms!.join({ channel: chan });
  // wait until ZNC sits in the channel upstream
  await bob.waitFor('occupants', (e) => e.occupants.some((o) => o.nick !== bob.nick), 20_000);
});
afterAll(async () => {
  await Promise.all(accounts.map((a) => a.stop()));
  await z?.stop();
  await up?.stop();
});

const viaZnc = () => ({ server: z.host, port: z.port, tls: false, nick: 'zuser', serverPassword: z.serverPassword });

it('imports the buffer replay with server time, marked as replay, twice with the same ids', async () => {
  const zncNick = (await bob.waitFor('occupants', (e) => e.occupants.some((o) => o.nick !== bob.nick))).occupants.find((o) => o.nick !== bob.nick)!.nick;
  await bob.adapter.send({ kind: 'room', id: chan }, { body: 'while you were out', clientId: 'b1' });
  await bob.adapter.send({ kind: 'direct', id: zncNick.toLowerCase() }, { body: 'a private word', clientId: 'b2' });
  await new Promise((r) => setTimeout(r, 300)); // let ZNC buffer them (nothing observable to wait on: no client attached)

  const first = await online(viaZnc());
  accounts.push(first);
  const inRoom = await first.waitFor('message', (e) => e.message.body === 'while you were out');
  const inQuery = await first.waitFor('message', (e) => e.message.body === 'a private word');
  for (const m of [inRoom.message, inQuery.message]) {
    expect(m.replay).toBe(true);
    expect(m.serverTimeTrusted).toBe(true);
    expect(m.serverId).toMatch(/^th:/);
  }
  expect(inRoom.message.conversation).toEqual({ kind: 'room', id: chan });
  expect(inQuery.message.conversation).toEqual({ kind: 'direct', id: bob.nick.toLowerCase() });
  await first.stop();

  const second = await online(viaZnc());
  accounts.push(second);
  const again = await second.waitFor('message', (e) => e.message.body === 'while you were out');
  expect(again.message.serverId).toBe(inRoom.message.serverId);
  expect(again.message.serverTime).toBe(inRoom.message.serverTime);

  // live traffic while attached is not a replay, and own sends are confirmed by ZNC's echo
  await bob.adapter.send({ kind: 'room', id: chan }, { body: 'live now', clientId: 'b3' });
  const live = await second.waitFor('message', (e) => e.message.body === 'live now');
  expect(live.message.replay).toBeUndefined();
  await second.adapter.send({ kind: 'room', id: chan }, { body: 'from behind the bouncer', clientId: 'z1' });
  // ngircd applies its command penalties (WHO after the join) before relaying: allow for that
  await bob.waitFor('message', (e) => e.message.body === 'from behind the bouncer', 30_000);
  expect((await second.waitFor('receipt', (e) => e.clientId === 'z1')).status).toMatch(/sent|unconfirmed/);
});
