/**
 * Presence and typing: AWAY for away / xa / dnd and back, seen by others through away-notify and WHO;
 * the buddy list through MONITOR (InspIRCd) and ISON polling (ngircd has no MONITOR); +typing TAGMSG.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startInspircd, type InspircdServer } from '../harness/inspircd';
import { startNgircd, type IrcServer } from '../harness/ngircd';
import { needsHarness, nick, online, type TestAccount } from './adapter-helpers';

const accounts: TestAccount[] = [];
const track = (a: TestAccount) => { accounts.push(a); return a; };
afterAll(async () => { await Promise.all(accounts.map((a) => a.stop())); });

describe('on InspIRCd', () => {
  let s: InspircdServer;
  let alice: TestAccount;
  let bob: TestAccount;
  const chan = `#presence-${process.pid}`;
  beforeAll(async () => {
    s = await startInspircd();
    const base = { server: s.host, port: s.port, tls: false };
    [alice, bob] = await Promise.all([online({ ...base, nick: nick('alice') }).then(track), online({ ...base, nick: nick('bob') }).then(track)]);
    await alice.adapter.rooms!.join({ channel: chan });
    await bob.adapter.rooms!.join({ channel: chan });
  });
  afterAll(async () => { await s?.stop(); });

  it.each([['away', 'out for lunch'], ['xa', undefined], ['dnd', 'in a meeting']] as const)('%s is AWAY with a message others see (away-notify)', async (show, status) => {
    alice.clear();
    await bob.adapter.setPresence({ show, ...(status ? { status } : {}) });
    const p = await alice.waitFor('presence', (e) => e.contactId === bob.nick.toLowerCase() && e.presence.show === 'away');
    expect(p.presence.status).toBe(status ?? (show === 'xa' ? 'Extended away' : 'Away'));
    await alice.waitFor('occupants', (e) => e.occupants.some((o) => o.nick === bob.nick && o.away === true));
    await bob.adapter.setPresence({ show: 'available' });
    await alice.waitFor('presence', (e) => e.contactId === bob.nick.toLowerCase() && e.presence.show === 'available');
  });

  it('someone already away when we join shows as away (WHO)', async () => {
    const carol = track(await online({ server: s.host, port: s.port, tls: false, nick: nick('carol') }));
    await bob.adapter.setPresence({ show: 'away', status: 'brb' });
    await alice.waitFor('presence', (e) => e.contactId === bob.nick.toLowerCase() && e.presence.status === 'brb');
    await carol.adapter.rooms!.join({ channel: chan });
    await carol.waitFor('occupants', (e) => e.occupants.some((o) => o.nick === bob.nick && o.away === true));
    await bob.adapter.setPresence({ show: 'available' });
  });

  it('MONITOR: a buddy coming online and going offline', async () => {
    const dave = nick('dave');
    await alice.adapter.contacts!.add(dave);
    const d = track(await online({ server: s.host, port: s.port, tls: false, nick: dave }));
    await alice.waitFor('presence', (e) => e.contactId === dave.toLowerCase() && e.presence.show === 'available');
    await d.stop();
    await alice.waitFor('presence', (e) => e.contactId === dave.toLowerCase() && e.presence.show === 'offline');
  });

  it('MONITOR list full (734, InspIRCd allows 100): the buddies that did not fit are polled by ISON', async () => {
    const base = { server: s.host, port: s.port, tls: false, isonIntervalMs: 300 };
    const m = track(await online({ ...base, nick: nick('full') }));
    // long nicks: the MONITOR + lines must also be split by bytes, not by count
    const absent = Array.from({ length: 105 }, (_, i) => `absentbuddy${String(i).padStart(3, '0')}x${process.pid % 100000}`);
    for (const n of absent) await m.adapter.contacts!.add(n);
    await m.adapter.disconnect();
    await m.adapter.connect(new AbortController().signal); // the whole list in MONITOR + lines at once
    m.clear();
    const late = nick('zlate');
    await m.adapter.contacts!.add(late); // no room on the server's list any more
    const l = track(await online({ ...base, nick: late }));
    await m.waitFor('presence', (e) => e.contactId === late.toLowerCase() && e.presence.show === 'available');
    await l.stop();
    await m.waitFor('presence', (e) => e.contactId === late.toLowerCase() && e.presence.show === 'offline');
    expect(m.events.filter((e) => e.type === 'state' && e.state !== 'online')).toEqual([]);
  });

  it('typing: +typing TAGMSG, refreshed every 3 s while composing', async () => {
    const conv = { kind: 'direct' as const, id: bob.nick.toLowerCase() };
    expect(alice.adapter.typing!.sendTyping(conv, 'composing')).toBe(3000);
    expect(await bob.waitFor('typing', (e) => e.from === alice.nick.toLowerCase())).toMatchObject({ state: 'composing', conversation: { kind: 'direct', id: alice.nick.toLowerCase() } });
    expect(alice.adapter.typing!.sendTyping(conv, 'paused')).toBe(0);
    await bob.waitFor('typing', (e) => e.from === alice.nick.toLowerCase() && e.state === 'paused');
    alice.adapter.typing!.sendTyping({ kind: 'room', id: chan }, 'composing');
    expect(await bob.waitFor('typing', (e) => e.conversation.kind === 'room')).toMatchObject({ conversation: { id: chan } });
  });
});

describe('on ngircd (no MONITOR, no message-tags)', () => {
  let s: IrcServer;
  beforeAll(async () => { s = await startNgircd(); });
  afterAll(async () => { await s?.stop(); });

  it('the buddy list falls back to ISON polling', async () => {
    const base = { server: s.host, port: s.port, tls: false, isonIntervalMs: 300 };
    const erin = nick('erin');
    const a = track(await online({ ...base, nick: nick('ann') }));
    await a.adapter.contacts!.add(erin);
    const e = track(await online({ ...base, nick: erin }));
    await a.waitFor('presence', (x) => x.contactId === erin.toLowerCase() && x.presence.show === 'available');
    await e.stop();
    await a.waitFor('presence', (x) => x.contactId === erin.toLowerCase() && x.presence.show === 'offline');
  });

  it('a long buddy list is polled in several ISON lines, each answer applied to its own nicks', async () => {
    const base = { server: s.host, port: s.port, tls: false, isonIntervalMs: 300 };
    const a = track(await online({ ...base, nick: nick('many') }));
    const absent = Array.from({ length: 60 }, (_, i) => `absent${String(i).padStart(3, '0')}x${process.pid % 1000}`);
    for (const n of absent) await a.adapter.contacts!.add(n);
    const last = nick('zlast');
    await a.adapter.contacts!.add(last); // in the second ISON line
    track(await online({ ...base, nick: last }));
    await a.waitFor('presence', (x) => x.contactId === last.toLowerCase() && x.presence.show === 'available');
    // a few more polls: the buddy stays online (no flapping between the two answers)
    await new Promise((r) => setTimeout(r, 1000));
    const flips = a.events.filter((x) => x.type === 'presence' && x.contactId === last.toLowerCase());
    expect(flips.map((x) => (x as { presence: { show: string } }).presence.show)).toEqual(['available']);
  });

  it('typing is not offered without message-tags', async () => {
    if (needsHarness(s, 'a server without message-tags (ngircd)')) return;
    const a = track(await online({ server: s.host, port: s.port, tls: false, nick: nick('nt') }));
    expect(a.adapter.typing!.sendTyping({ kind: 'direct', id: 'x' }, 'composing')).toBe(0);
  });
});
