/**
 * Applying roster pushes to the account's roster and reporting them. A login roster is parsed in
 * steps (roster.ts parseRosterQuerySliced) and pushes may arrive meanwhile: they are held and
 * applied after the full roster, in arrival order, so a newer push is never overwritten by it.
 */
import type { RosterParse } from './roster';
import type { XmppState } from './state';

export function applyRosterPush(s: XmppState, r: RosterParse): void {
  if (s.heldRosterPushes) {
    s.heldRosterPushes.push(r);
    return;
  }
  for (const it of r.items) s.roster.set(it.id, it);
  for (const id of r.removed) s.roster.delete(id);
  if (r.items.length) s.emit({ type: 'roster', items: r.items, replace: false });
  if (r.removed.length) s.emit({ type: 'roster-remove', ids: r.removed });
}

/** from now on pushes wait (the full roster is being parsed) */
export function holdRosterPushes(s: XmppState): void {
  s.heldRosterPushes ??= [];
}

/** the full roster was reported (or could not be): held pushes are applied, in order */
export function releaseRosterPushes(s: XmppState): void {
  const held = s.heldRosterPushes ?? [];
  s.heldRosterPushes = null;
  for (const r of held) applyRosterPush(s, r);
}
