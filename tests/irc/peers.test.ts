/**
 * Who people are, on InspIRCd 3 + atheme: services accounts (extended-join, account-notify, WHOX),
 * real names (extended-join, SETNAME, WHO) and hosts (CHGHOST) in member lists, and for a buddy on
 * the contact list as 'peer-info' events. Four clients: alice (observer), bob (SASL account),
 * carol (raw client that identifies later and renames herself), erin (joins late), plus an oper.
 */
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { AdapterEvent, Occupant } from '../../core/protocol/types';
import { startInspircd, type InspircdServer } from '../harness/inspircd';
import { needsHarness, nick, online, type TestAccount } from './adapter-helpers';
import { wireClient, type WireClient } from './wire-clients';

const BOB = { name: `bobacct${process.pid % 10000}`, password: 'bob-secret-1' };
const CAROL = { name: `carolacct${process.pid % 10000}`, password: 'carol-secret-1' };
const OPER = { name: 'testoper', password: 'oper-secret-1' };
const chan = `#peers-${process.pid}`;

let s: InspircdServer;
let alice: TestAccount;
let bob: TestAccount;
const accounts: TestAccount[] = [];
const wires: WireClient[] = [];
const track = (a: TestAccount) => { accounts.push(a); return a; };

beforeAll(async () => {
  s = await startInspircd({
    services: true, accounts: [BOB, CAROL],
    extraConfig: `<class name="HostChange" commands="CHGHOST CHGIDENT">
<type name="HostOper" classes="HostChange">
<oper name="${OPER.name}" password="${OPER.password}" host="*@*" type="HostOper">`,
  });
  if (s.external) return;
  const base = { server: s.host, port: s.port, tls: false };
  alice = track(await online({ ...base, nick: nick('alice') }));
  await alice.adapter.rooms!.join({ channel: chan });
  bob = track(await online({ ...base, nick: nick('bob'), auth: 'sasl', account: BOB.name, password: BOB.password, realname: 'Bob Builder' }));
});
afterAll(async () => {
  for (const w of wires) w.close();
  await Promise.all(accounts.map((a) => a.stop()));
  await s?.stop();
});

/** the latest state of `who` in alice's member list of the channel */
function member(a: TestAccount, who: string): Occupant | undefined {
  let found: Occupant | undefined;
  for (const e of a.events) {
    if (e.type === 'occupants' && e.roomId === chan) found = e.occupants.find((o) => o.nick === who) ?? (e.replace ? undefined : found);
  }
  return found;
}

const peerInfo = (a: TestAccount, id: string) => a.events.filter((e): e is Extract<AdapterEvent, { type: 'peer-info' }> => e.type === 'peer-info' && e.contactId === id).at(-1)?.info;

it('extended-join: a member joining shows their account and real name', async () => {
  if (needsHarness(s, 'atheme services with registered accounts')) return;
  await bob.adapter.rooms!.join({ channel: chan });
  await expect.poll(() => member(alice, bob.nick), { timeout: 10_000 }).toMatchObject({ account: BOB.name, realName: 'Bob Builder' });
  expect(member(alice, bob.nick)?.userHost).toMatch(/@/);
});

it('account-notify and SETNAME: someone identifying later, and renaming themselves, is updated in the member list and on the buddy list', async () => {
  if (needsHarness(s, 'atheme services with registered accounts')) return;
  const carol = await wireClient({ host: s.host, port: s.port, tls: false, nick: nick('carol'), caps: ['setname'] });
  wires.push(carol);
  const id = carol.nick.toLowerCase();
  await alice.adapter.contacts!.add(carol.nick);
  carol.client.join(chan);
  // not logged in yet: extended-join says '*'
  await expect.poll(() => member(alice, carol.nick), { timeout: 10_000 }).toMatchObject({ account: '', realName: 'confab test' });
  carol.client.say('NickServ', `IDENTIFY ${CAROL.name} ${CAROL.password}`);
  await expect.poll(() => member(alice, carol.nick)?.account, { timeout: 10_000 }).toBe(CAROL.name);
  expect(peerInfo(alice, id)).toMatchObject({ account: CAROL.name });

  carol.client.raw('SETNAME', 'Carol Singer');
  await expect.poll(() => member(alice, carol.nick)?.realName, { timeout: 10_000 }).toBe('Carol Singer');
  expect(peerInfo(alice, id)).toMatchObject({ account: CAROL.name, realName: 'Carol Singer' });
});

it('WHOX: joining a channel shows the accounts and real names of those already in it', async () => {
  if (needsHarness(s, 'atheme services with registered accounts')) return;
  const erin = track(await online({ server: s.host, port: s.port, tls: false, nick: nick('erin') }));
  await erin.adapter.rooms!.join({ channel: chan });
  await expect.poll(() => member(erin, bob.nick), { timeout: 10_000 }).toMatchObject({ account: BOB.name, realName: 'Bob Builder' });
  await expect.poll(() => member(erin, alice.nick), { timeout: 10_000 }).toMatchObject({ account: '', realName: alice.nick });
});

it('CHGHOST: a changed host is shown in the member list', async () => {
  if (needsHarness(s, 'an oper account on the server')) return;
  const oper = await wireClient({ host: s.host, port: s.port, tls: false, nick: nick('oper') });
  wires.push(oper);
  oper.client.raw('OPER', OPER.name, OPER.password);
  const host = `staff-${process.pid}.example.test`;
  // repeated until the OPER has been applied (its answer is not awaited here)
  await expect.poll(() => {
    if (member(alice, bob.nick)?.userHost?.endsWith(`@${host}`)) return true;
    oper.client.raw('CHGHOST', bob.nick, host);
    return false;
  }, { timeout: 10_000, interval: 500 }).toBe(true);
});
