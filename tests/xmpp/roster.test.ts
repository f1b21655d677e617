// Roster (RFC 6121) and presence between real accounts on Prosody.
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { XmppAdapter } from '../../protocols/xmpp/index';
import { startProsody, type ProsodyServer } from '../harness/prosody';
import { closeAll, online } from './helpers';

let srv: ProsodyServer;
const bag: XmppAdapter[] = [];
beforeAll(async () => { srv = await startProsody(); });
afterEach(async () => { await closeAll(bag); });
afterAll(async () => { await srv?.stop(); });

describe('XMPP roster and presence', () => {
  it('subscription request out, approve in, both see each other: roster state, names, groups, presence', async () => {
    if (srv.external) return console.log('skipped: changes the rosters of the external test accounts');
    const { alice, bob } = srv.users;
    const a = await online(srv, alice, {}, bag);
    const b = await online(srv, bob, {}, bag);
    await a.rec.waitFor('roster', (e) => e.replace);
    await a.a.contacts.add(bob.jid, { name: 'Bob', groups: ['Friends'], message: 'hi, add me' });
    const pushed = await a.rec.waitFor('roster', (e) => e.items.some((i) => i.id === bob.jid && i.name === 'Bob'));
    expect(pushed.items.find((i) => i.id === bob.jid)).toMatchObject({ groups: ['Friends'], subscription: 'none' });
    const req = await b.rec.waitFor('subscription-request', (e) => e.from === alice.jid);
    expect(req.message).toBe('hi, add me');
    await b.a.contacts.approve(alice.jid);
    // alice now sees bob's presence; bob asked back and alice approves
    await a.rec.waitFor('roster', (e) => e.items.some((i) => i.id === bob.jid && (i.subscription === 'to' || i.subscription === 'both')));
    await a.rec.waitFor('subscription-request', (e) => e.from === bob.jid);
    await a.a.contacts.approve(bob.jid);
    await a.rec.waitFor('roster', (e) => e.items.some((i) => i.id === bob.jid && i.subscription === 'both'));
    const p = a.rec.next('presence', (e) => e.contactId === bob.jid && e.resource === undefined && e.presence.show === 'away');
    await b.a.setPresence({ show: 'away', status: 'lunch', priority: 5, idleSince: Date.parse('2026-01-01T10:00:00Z') });
    const seen = await p;
    expect(seen.presence).toMatchObject({ show: 'away', status: 'lunch', priority: 5, idleSince: Date.parse('2026-01-01T10:00:00Z') });

    // rename + regroup → a roster push
    await a.a.contacts.update(bob.jid, { name: 'Robert', groups: ['Work', 'Friends'] });
    const upd = await a.rec.waitFor('roster', (e) => e.items.some((i) => i.id === bob.jid && i.name === 'Robert'));
    expect(upd.items.find((i) => i.id === bob.jid)?.groups.sort()).toEqual(['Friends', 'Work']);

    // per-resource presence, aggregated per contact (highest priority wins)
    const b2 = await online(srv, bob, { resource: 'phone' }, bag);
    await b2.a.setPresence({ show: 'dnd', status: 'driving', priority: 10 });
    const agg = await a.rec.waitFor('presence', (e) => e.contactId === bob.jid && e.resource === undefined && e.presence.show === 'dnd');
    expect(agg.presence.status).toBe('driving');
    const perRes = a.rec.of('presence').filter((e) => e.contactId === bob.jid && e.resource === 'phone');
    expect(perRes.at(-1)?.presence.show).toBe('dnd');
    await b2.a.disconnect();
    const back = await a.rec.waitFor('presence', (e) => e.contactId === bob.jid && e.resource === undefined && e.presence.show === 'away');
    expect(back.presence.status).toBe('lunch');

    // offline when the last resource leaves
    await b.a.disconnect();
    await a.rec.waitFor('presence', (e) => e.contactId === bob.jid && e.resource === undefined && e.presence.show === 'offline');

    // remove → roster-remove
    await a.a.contacts.remove(bob.jid);
    await a.rec.waitFor('roster-remove', (e) => e.ids.includes(bob.jid));
  });

  it('deny: the requester stays without subscription', async () => {
    if (srv.external) return console.log('skipped: changes the rosters of the external test accounts');
    const { carol, alice } = srv.users;
    const c = await online(srv, carol, {}, bag);
    const a = await online(srv, alice, {}, bag);
    await c.a.contacts.add(alice.jid);
    await c.rec.waitFor('roster', (e) => e.items.some((i) => i.id === alice.jid && i.pendingOut === true));
    await a.rec.waitFor('subscription-request', (e) => e.from === carol.jid);
    const denied = c.rec.next('roster', (e) => e.items.some((i) => i.id === alice.jid && !i.pendingOut));
    await a.a.contacts.deny(carol.jid);
    const r = await denied;
    expect(r.items.find((i) => i.id === alice.jid)?.subscription).toBe('none');
  });

  it('does not declare invisibility (Prosody 0.12 has no invisibility module)', async () => {
    const a = await online(srv, srv.users.carol, {}, bag);
    expect(a.a.caps.presenceShows).not.toContain('invisible');
    await expect(a.a.setPresence({ show: 'invisible' })).rejects.toMatchObject({ code: 'unsupported' });
    expect(a.a.caps.presenceShows).toEqual(expect.arrayContaining(['available', 'chat', 'away', 'xa', 'dnd']));
  });
});
