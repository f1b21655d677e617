// Issue 9: a login roster of any size is parsed in steps with turns of the event loop between them,
// giving the same result as the one-step parser; pushes arriving meanwhile are applied after the
// full roster, in order (a newer push is never overwritten by the roster). Proven by order, not time.
import { describe, expect, it } from 'vitest';
import type { AdapterEvent } from '../../core/protocol/types';
import { silentLogger } from '../../core/util/logger';
import { parseRosterQuery, parseRosterQuerySliced } from '../../protocols/xmpp/roster';
import { applyRosterPush, holdRosterPushes, releaseRosterPushes } from '../../protocols/xmpp/rosterPush';
import { XmppState } from '../../protocols/xmpp/state';
import { parseXml } from '../../protocols/xmpp/xml';

describe('login roster in steps', () => {
  it('5,000 items (some invalid, some removals): same result as in one step, the event loop turns while parsing', async () => {
    let items = '';
    for (let i = 0; i < 5000; i++) {
      if (i % 97 === 0) items += `<item jid='bad@@x${i}'/>`;
      else if (i % 89 === 0) items += `<item jid='gone${i}@example.com' subscription='remove'/>`;
      else items += `<item jid='c${i}@d${i % 7}.example' name='C ${i}' subscription='both'><group>G${i % 5}</group></item>`;
    }
    const q = parseXml(`<query xmlns='jabber:iq:roster' ver='v9'>${items}</query>`);
    let turns = 0;
    let on = true;
    const tick = () => { if (on) { turns++; setImmediate(tick); } };
    setImmediate(tick);
    const sliced = await parseRosterQuerySliced(q);
    on = false;
    expect(sliced).toEqual(parseRosterQuery(q));
    expect(sliced.items.length).toBeGreaterThan(4800);
    expect(turns).toBeGreaterThan(5);
  });

  it('pushes held while the roster is parsed are applied after it, in arrival order', () => {
    const s = new XmppState({} as never, { log: silentLogger, now: Date.now });
    const seen: AdapterEvent[] = [];
    s.subscribe((e) => seen.push(e));
    holdRosterPushes(s);
    applyRosterPush(s, { items: [{ id: 'a@x.example', name: 'newer', groups: [], subscription: 'both' }], removed: [] });
    applyRosterPush(s, { items: [], removed: ['b@x.example'] });
    expect(seen).toEqual([]);
    // the full roster (older than the pushes) is reported first
    s.emit({ type: 'roster', items: [{ id: 'a@x.example', name: 'older', groups: [], subscription: 'both' }, { id: 'b@x.example', groups: [], subscription: 'both' }], replace: true });
    releaseRosterPushes(s);
    expect(seen.map((e) => (e.type === 'roster' ? `${e.replace ? 'full' : 'push'}:${e.items.map((i) => i.name ?? i.id).join(',')}` : e.type === 'roster-remove' ? `remove:${e.ids.join(',')}` : e.type))).toEqual(['full:older,b@x.example', 'push:newer', 'remove:b@x.example']);
    expect(s.roster.get('a@x.example')?.name).toBe('newer');
    // no longer holding: a push is applied at once
    applyRosterPush(s, { items: [{ id: 'c@x.example', groups: [], subscription: 'to' }], removed: [] });
    expect(seen.at(-1)).toMatchObject({ type: 'roster', replace: false });
  });
});
