/**
 * RFC 6121 roster: parse items, validate pushes, build add/update/remove requests (pure).
 * A roster push is accepted only without `from` or from the own bare JID (RFC 6121 §2.1.6).
 */
import type { RosterItem } from '../../core/protocol/types';
import { bareOf, normalizeJid } from './jid';
import { NS } from './ns';
import { xml, type XmlElement } from './xml';

const SUBS = new Set(['none', 'to', 'from', 'both']);

export function parseRosterItem(el: XmlElement): RosterItem | { remove: string } | null {
  const id = bareOf(el.attrs.jid);
  if (!id) return null;
  if (el.attrs.subscription === 'remove') return { remove: id };
  const sub = SUBS.has(el.attrs.subscription ?? '') ? (el.attrs.subscription as RosterItem['subscription']) : 'none';
  const groups = [...new Set(el.getChildren('group').map((g) => g.text().trim()).filter(Boolean))];
  return {
    id,
    ...(el.attrs.name ? { name: el.attrs.name } : {}),
    groups,
    subscription: sub,
    ...(el.attrs.ask === 'subscribe' ? { pendingOut: true } : {}),
  };
}

export interface RosterParse {
  items: RosterItem[];
  removed: string[];
  ver?: string;
}

function addItem(out: RosterParse, el: XmlElement): void {
  const r = parseRosterItem(el);
  if (!r) return;
  if ('remove' in r) out.removed.push(r.remove);
  else out.items.push(r);
}

export function parseRosterQuery(query: XmlElement | undefined): RosterParse {
  const out: RosterParse = { items: [], removed: [] };
  if (!query) return out;
  for (const el of query.getChildren('item')) addItem(out, el);
  if (query.attrs.ver) out.ver = query.attrs.ver;
  return out;
}

/** roster items parsed between two turns of the event loop (a login roster may have 50,000) */
const ITEMS_PER_TURN = 500;

/**
 * parseRosterQuery for a roster result of any size: the same answer, parsed in steps of
 * ITEMS_PER_TURN items with a turn of the event loop between them (50,000 items were ~0.65 s in one step).
 */
export async function parseRosterQuerySliced(query: XmlElement | undefined): Promise<RosterParse> {
  const out: RosterParse = { items: [], removed: [] };
  if (!query) return out;
  const items = query.getChildren('item');
  for (let i = 0; i < items.length; i++) {
    if (i > 0 && i % ITEMS_PER_TURN === 0) await new Promise<void>((r) => setImmediate(r));
    addItem(out, items[i]!);
  }
  if (query.attrs.ver) out.ver = query.attrs.ver;
  return out;
}

/** true when a roster push (iq set) may be trusted */
export function isTrustedPush(iq: XmlElement, ownBare: string): boolean {
  const from = iq.attrs.from;
  if (from === undefined || from === '') return true;
  const n = normalizeJid(from);
  return n === ownBare;
}

export const rosterGet = () => xml('iq', { type: 'get' }, xml('query', { xmlns: NS.roster }));

export function rosterSet(id: string, opts: { name?: string; groups?: string[] }): XmlElement {
  return xml('iq', { type: 'set' }, xml('query', { xmlns: NS.roster },
    xml('item', { jid: id, name: opts.name }, ...(opts.groups ?? []).map((g) => xml('group', {}, g)))));
}

export const rosterRemove = (id: string) => xml('iq', { type: 'set' }, xml('query', { xmlns: NS.roster }, xml('item', { jid: id, subscription: 'remove' })));
