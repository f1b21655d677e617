/**
 * The advertised MONITOR=N limit (InspIRCd configured with a list of 3): the first three buddies are
 * MONITORed, the rest polled by ISON without waiting for ERR_MONLISTFULL, and the user is told the
 * list is full (a non-fatal account error, code MONLISTFULL). Presence works for both kinds of buddy.
 */
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { AdapterEvent } from '../../core/protocol/types';
import { startInspircd, type InspircdServer } from '../harness/inspircd';
import { needsHarness, nick, online, type TestAccount } from './adapter-helpers';
import { startCutProxy, type CutProxy } from './cut-proxy';

let s: InspircdServer;
let relay: CutProxy | undefined;
const accounts: TestAccount[] = [];
const track = (a: TestAccount) => { accounts.push(a); return a; };
beforeAll(async () => { s = await startInspircd({ monitorLimit: 3 }); });
afterAll(async () => {
  await Promise.all(accounts.map((a) => a.stop()));
  await relay?.stop();
  await s?.stop();
});

type ErrorEvent = Extract<AdapterEvent, { type: 'error' }>;
const fullNotices = (a: TestAccount) => a.events.filter((e): e is ErrorEvent => e.type === 'error' && e.error.code === 'MONLISTFULL');

it('buddies beyond MONITOR=3 are polled by ISON, the user is told once, and both kinds show presence', async () => {
  if (needsHarness(s, 'a server with a MONITOR list of 3')) return;
  const base = { server: s.host, port: s.port, tls: false, isonIntervalMs: 300 };
  // through a relay that records what we write, to see the MONITOR lines themselves
  relay = await startCutProxy({ host: s.host, port: s.port });
  const me = track(await online({ ...base, port: relay.port, nick: nick('mon') }));
  const buddies = Array.from({ length: 5 }, (_, i) => nick(`bud${i}`));
  const monitored = () => relay!.clientBytes().split('\r\n').filter((l) => l.startsWith('MONITOR +')).flatMap((l) => l.slice(10).split(','));
  for (const b of buddies) await me.adapter.contacts!.add(b);
  await expect.poll(() => fullNotices(me).length, { timeout: 10_000 }).toBe(1);
  const notice = fullNotices(me)[0]!.error;
  expect(notice).toMatchObject({ kind: 'protocol', fatal: false });
  expect(notice.message).toMatch(/full at 3 nicks: 2 buddies/);
  // capped ahead: only three nicks were ever asked for (the server had nothing to refuse with 734)
  await expect.poll(monitored, { timeout: 10_000 }).toEqual(buddies.slice(0, 3));

  // the first (MONITOR) and the last (ISON) buddy come online and go again
  const first = track(await online({ ...base, nick: buddies[0]! }));
  const last = track(await online({ ...base, nick: buddies[4]! }));
  for (const b of [buddies[0]!, buddies[4]!]) await me.waitFor('presence', (e) => e.contactId === b.toLowerCase() && e.presence.show === 'available');
  await first.stop();
  await last.stop();
  for (const b of [buddies[0]!, buddies[4]!]) await me.waitFor('presence', (e) => e.contactId === b.toLowerCase() && e.presence.show === 'offline');

  // after a reconnect the same split applies ahead, and the user is told again
  me.clear();
  await me.adapter.disconnect();
  await me.adapter.connect(new AbortController().signal);
  await expect.poll(() => fullNotices(me).length, { timeout: 10_000 }).toBe(1);
  await expect.poll(monitored, { timeout: 10_000 }).toEqual([...buddies.slice(0, 3), ...buddies.slice(0, 3)]);
  expect(me.events.filter((e) => e.type === 'error' && e.error.code !== 'MONLISTFULL')).toEqual([]);
});
