/** XEP-0045 multi-user chat (pure builders/parsers). */
import type { Occupant } from '../../core/protocol/types';
import { bareOf, parseJid } from './jid';
import { NS } from './ns';
import { xml, type XmlElement } from './xml';

export function joinPresence(room: string, nick: string, password?: string, historyMax = 20): XmlElement {
  return xml('presence', { to: `${room}/${nick}` },
    xml('x', { xmlns: NS.muc }, password ? xml('password', {}, password) : undefined, xml('history', { maxstanzas: String(historyMax) })));
}

export const leavePresence = (room: string, nick: string, reason?: string) =>
  xml('presence', { to: `${room}/${nick}`, type: 'unavailable' }, reason ? xml('status', {}, reason) : undefined);

export const nickPresence = (room: string, nick: string) => xml('presence', { to: `${room}/${nick}` });

export const subjectMessage = (room: string, topic: string) => xml('message', { to: room, type: 'groupchat' }, xml('subject', {}, topic));

export interface MucPresence {
  room: string;
  nick: string;
  unavailable: boolean;
  occupant: Occupant;
  codes: Set<string>;
  /** 303: the occupant changes nick to this */
  newNick?: string;
  reason?: string;
  actor?: string;
  error?: { condition: string; text?: string };
  status?: string;
}

/** presence from a room occupant (has muc#user x or is an error from the room); null otherwise */
export function parseMucPresence(p: XmlElement): MucPresence | null {
  const from = parseJid(p.attrs.from ?? '');
  if (!from.ok || !from.jid.local || !from.jid.resource) return null;
  const x = p.getChild('x', NS.mucUser);
  const room = `${from.jid.local}@${from.jid.domain}`;
  const nick = from.jid.resource;
  if (p.attrs.type === 'error') {
    const err = p.getChild('error');
    const cond = err?.getChildElements().find((c) => c.attrs.xmlns === NS.stanzas && c.name !== 'text')?.name ?? 'undefined-condition';
    const text = err?.getChildText('text', NS.stanzas) ?? undefined;
    return { room, nick, unavailable: true, occupant: { nick }, codes: new Set(), error: { condition: cond, ...(text ? { text } : {}) } };
  }
  if (!x) return null;
  const item = x.getChild('item');
  const codes = new Set(x.getChildren('status').map((s) => s.attrs.code ?? '').filter(Boolean));
  const realJid = bareOf(item?.attrs.jid);
  const show = p.getChildText('show');
  const occupant: Occupant = {
    nick,
    ...(realJid ? { id: realJid } : {}),
    ...(item?.attrs.role ? { role: item.attrs.role } : {}),
    ...(item?.attrs.affiliation ? { affiliation: item.attrs.affiliation } : {}),
    ...(show === 'away' || show === 'xa' ? { away: true } : {}),
  };
  const reason = item?.getChildText('reason') ?? undefined;
  const actor = item?.getChild('actor')?.attrs.nick ?? undefined;
  const status = p.getChildText('status') ?? undefined;
  return {
    room, nick, unavailable: p.attrs.type === 'unavailable', occupant, codes,
    ...(item?.attrs.nick ? { newNick: item.attrs.nick } : {}),
    ...(reason ? { reason } : {}), ...(actor ? { actor } : {}), ...(status ? { status } : {}),
  };
}

/** mediated invitation (XEP-0045 §7.8.2) */
export const mediatedInvite = (room: string, to: string, reason?: string) =>
  xml('message', { to: room }, xml('x', { xmlns: NS.mucUser }, xml('invite', { to }, reason ? xml('reason', {}, reason) : undefined)));

/** direct invitation (XEP-0249) */
export const directInvite = (room: string, to: string, reason?: string, password?: string) =>
  xml('message', { to }, xml('x', { xmlns: NS.conference, jid: room, reason, password }));

export function roomConfigSubmit(fields: Record<string, string | string[]>): XmlElement {
  return xml('iq', { type: 'set' }, xml('query', { xmlns: NS.mucOwner }, xml('x', { xmlns: NS.data, type: 'submit' },
    xml('field', { var: 'FORM_TYPE' }, xml('value', {}, 'http://jabber.org/protocol/muc#roomconfig')),
    ...Object.entries(fields).map(([k, v]) => xml('field', { var: k }, ...(Array.isArray(v) ? v : [v]).map((s) => xml('value', {}, s)))))));
}

export const setAffiliation = (room: string, jid: string, affiliation: string) =>
  xml('iq', { type: 'set', to: room }, xml('query', { xmlns: NS.mucAdmin }, xml('item', { jid, affiliation })));

export const kickOccupant = (room: string, nick: string, reason?: string) =>
  xml('iq', { type: 'set', to: room }, xml('query', { xmlns: NS.mucAdmin }, xml('item', { nick, role: 'none' }, reason ? xml('reason', {}, reason) : undefined)));
