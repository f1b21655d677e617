/** RFC 6121 presence and XEP-0319 idle (pure): parse, build, aggregate per contact. */
import type { Presence, PresenceShow } from '../../core/protocol/types';
import { NS } from './ns';
import { xml, type XmlElement } from './xml';

const SHOWS = new Set(['chat', 'away', 'xa', 'dnd']);

export type PresenceKind =
  | { kind: 'available' | 'unavailable'; presence: Presence }
  | { kind: 'subscribe' | 'subscribed' | 'unsubscribe' | 'unsubscribed'; status?: string }
  | { kind: 'error' | 'probe' | 'unknown' };

export function parsePresence(p: XmlElement): PresenceKind {
  const type = p.attrs.type;
  const status = p.getChildText('status') ?? undefined;
  if (type === undefined || type === '') {
    const showText = p.getChildText('show')?.trim() ?? '';
    const show: PresenceShow = SHOWS.has(showText) ? (showText as PresenceShow) : 'available';
    const prioText = p.getChildText('priority');
    const prio = prioText !== null ? Number.parseInt(prioText, 10) : 0;
    const idle = p.getChild('idle', NS.idle)?.attrs.since;
    const idleSince = idle ? Date.parse(idle) : NaN;
    return {
      kind: 'available',
      presence: {
        show,
        ...(status ? { status } : {}),
        priority: Number.isFinite(prio) ? Math.max(-128, Math.min(127, prio)) : 0,
        ...(Number.isFinite(idleSince) ? { idleSince } : {}),
      },
    };
  }
  if (type === 'unavailable') return { kind: 'unavailable', presence: { show: 'offline', ...(status ? { status } : {}) } };
  if (type === 'subscribe' || type === 'subscribed' || type === 'unsubscribe' || type === 'unsubscribed') return { kind: type, ...(status ? { status } : {}) };
  if (type === 'error' || type === 'probe') return { kind: type };
  return { kind: 'unknown' };
}

/** our own presence; 'invisible' is never sent (the server has no invisibility: see caps) */
export function buildPresence(p: Presence, caps?: XmlElement): XmlElement {
  if (p.show === 'offline') return xml('presence', { type: 'unavailable' }, p.status ? xml('status', {}, p.status) : undefined);
  const show = p.show === 'available' || p.show === 'invisible' ? undefined : p.show;
  return xml('presence', {},
    show ? xml('show', {}, show) : undefined,
    p.status ? xml('status', {}, p.status) : undefined,
    p.priority !== undefined ? xml('priority', {}, String(Math.max(-128, Math.min(127, Math.trunc(p.priority))))) : undefined,
    p.idleSince !== undefined ? xml('idle', { xmlns: NS.idle, since: new Date(p.idleSince).toISOString() }) : undefined,
    caps);
}

const RANK: Record<PresenceShow, number> = { chat: 6, available: 5, away: 4, xa: 3, dnd: 2, invisible: 1, offline: 0 };

/** the contact's presence as the list shows it: highest priority resource, then the most available */
export function aggregate(resources: Iterable<Presence>): Presence {
  let best: Presence | undefined;
  for (const p of resources) {
    if (p.show === 'offline') continue;
    if (!best) { best = p; continue; }
    const bp = best.priority ?? 0, pp = p.priority ?? 0;
    if (pp > bp || (pp === bp && RANK[p.show] > RANK[best.show])) best = p;
  }
  return best ?? { show: 'offline' };
}
