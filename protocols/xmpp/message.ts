/**
 * Incoming message stanzas → adapter events (pure). Handles 1:1 and group chat bodies, /me,
 * XEP-0359 ids, XEP-0203 delay, XEP-0184 receipts, XEP-0085 chat states, XEP-0066 OOB, subjects,
 * invitations (XEP-0045 mediated and XEP-0249 direct) and message errors.
 * Carbons and MAM results are unwrapped by their own modules before they come here.
 */
import type { AdapterEvent, IncomingMessage } from '../../core/protocol/types';
import { chatState } from './chatStates';
import { bareOf, normalizeJid, parseJid } from './jid';
import { NS } from './ns';
import { receivedId } from './receipts';
import { delayStamp, originId, trustedStanzaId } from './stanzaId';
import type { XmlElement } from './xml-types';

export interface MessageContext {
  ownBare: string;
  now: number;
  /** joined rooms: bare room JID → our nick there */
  roomNick(room: string): string | undefined;
  /** carbons: 'sent' means the inner message was sent by another client of ours */
  carbon?: 'sent' | 'received';
  /** from a MAM result: the archive's id and time */
  mam?: { id: string; stamp?: number; archive: string };
}

export function stanzaErrorText(el: XmlElement | undefined): { condition: string; text?: string } {
  const err = el?.getChild('error');
  const cond = err?.getChildElements().find((c) => c.attrs.xmlns === NS.stanzas && c.name !== 'text')?.name ?? 'undefined-condition';
  const text = err?.getChildText('text', NS.stanzas) ?? undefined;
  return { condition: cond, ...(text ? { text } : {}) };
}

const ME = /^\/me(?:\s|$)/;

/** Returns the events this message stanza carries (possibly none). Never throws on bad input. */
export function parseMessage(msg: XmlElement, ctx: MessageContext): AdapterEvent[] {
  const events: AdapterEvent[] = [];
  const type = msg.attrs.type ?? 'normal';
  const fromRaw = msg.attrs.from ?? ctx.ownBare;
  const from = parseJid(fromRaw);
  if (!from.ok) return [{ type: 'error', error: { kind: 'protocol', fatal: false, message: `message with an invalid sender address dropped`, code: 'bad-from' } }];
  const fromBare = `${from.jid.local ? `${from.jid.local}@` : ''}${from.jid.domain}`;
  const toBare = bareOf(msg.attrs.to) ?? ctx.ownBare;
  const outgoing = ctx.carbon === 'sent' || (ctx.mam !== undefined && fromBare === ctx.ownBare && type !== 'groupchat');
  // a private message from a room occupant is a conversation with room/nick, not with the room
  const fromOccupant = type !== 'groupchat' && from.jid.resource !== '' && ctx.roomNick(fromBare) !== undefined;
  const peer = outgoing ? toBare : fromOccupant ? `${fromBare}/${from.jid.resource}` : fromBare;

  if (type === 'error') {
    const id = originId(msg) ?? msg.attrs.id;
    const e = stanzaErrorText(msg);
    if (id) {
      const room = ctx.roomNick(fromBare) !== undefined;
      events.push({ type: 'receipt', conversation: { kind: room ? 'room' : 'direct', id: fromBare }, clientId: id, status: 'failed',
        error: { kind: 'protocol', fatal: true, message: e.text ?? e.condition, code: e.condition } });
    }
    return events;
  }

  // invitations
  const mucUser = msg.getChild('x', NS.mucUser);
  const invite = mucUser?.getChild('invite');
  if (invite && type !== 'groupchat') {
    // in a semi-anonymous room the inviter is named by its occupant JID (room/nick): keep the nick then
    const inviterBare = bareOf(invite.attrs.from);
    const inviter = inviterBare === fromBare ? normalizeJid(invite.attrs.from) : inviterBare;
    events.push({ type: 'invite', roomId: fromBare, from: inviter ?? fromBare,
      ...(invite.getChildText('reason') ? { reason: invite.getChildText('reason')! } : {}),
      ...(mucUser?.getChildText('password') ? { password: mucUser.getChildText('password')! } : {}) });
    return events;
  }
  const direct = msg.getChild('x', NS.conference);
  if (direct && type !== 'groupchat') {
    const room = bareOf(direct.attrs.jid);
    if (room) events.push({ type: 'invite', roomId: room, from: fromBare, ...(direct.attrs.reason ? { reason: direct.attrs.reason } : {}), ...(direct.attrs.password ? { password: direct.attrs.password } : {}) });
    return events;
  }

  const delayed = delayStamp(msg);
  const serverTime = ctx.mam?.stamp ?? delayed ?? ctx.now;
  const serverTimeTrusted = ctx.mam?.stamp !== undefined || delayed !== undefined;
  const bodyRaw = msg.getChildText('body');
  const oobUrl = msg.getChild('x', NS.oob)?.getChildText('url') ?? undefined;

  if (type === 'groupchat') {
    const ourNick = ctx.roomNick(fromBare);
    const nick = from.jid.resource;
    const subject = msg.getChild('subject');
    if (subject && bodyRaw === null) {
      events.push({ type: 'topic', roomId: fromBare, topic: subject.text(), ...(nick ? { by: nick } : {}) });
      return events;
    }
    if (bodyRaw !== null && nick) {
      const serverId = ctx.mam?.id ?? trustedStanzaId(msg, fromBare);
      const isMe = ME.test(bodyRaw);
      const m: IncomingMessage = {
        conversation: { kind: 'room', id: fromBare },
        from: `${fromBare}/${nick}`,
        fromName: nick,
        body: isMe ? bodyRaw.replace(ME, '') : bodyRaw,
        kind: isMe ? 'action' : 'chat',
        serverTime,
        serverTimeTrusted,
        direction: ourNick !== undefined && nick === ourNick ? 'out' : 'in',
        ...(serverId ? { serverId } : {}),
        ...(originId(msg) ? { clientId: originId(msg)! } : {}),
        ...(ctx.mam || delayed !== undefined ? { replay: true } : {}),
        ...(oobUrl ? { oobUrl } : {}),
      };
      events.push({ type: 'message', message: m });
    }
    return events;
  }

  // chat / normal / headline
  const conv = { kind: 'direct' as const, id: peer };
  const rid = receivedId(msg);
  if (rid && !outgoing) events.push({ type: 'receipt', conversation: conv, clientId: rid, status: 'delivered' });
  // XEP-0333: the peer displayed our message (the id is the message id = our clientId)
  const displayed = msg.getChild('displayed', NS.markers)?.attrs.id;
  if (displayed && !outgoing) events.push({ type: 'receipt', conversation: conv, clientId: displayed, status: 'read' });
  const state = chatState(msg);
  if (state && bodyRaw === null && !outgoing && !ctx.mam) events.push({ type: 'typing', conversation: conv, from: fromBare, state });
  if (bodyRaw !== null) {
    const serverId = ctx.mam?.id ?? (ctx.carbon === 'sent' ? undefined : trustedStanzaId(msg, ctx.ownBare));
    const isMe = ME.test(bodyRaw);
    const cid = originId(msg) ?? (outgoing ? msg.attrs.id : undefined);
    events.push({
      type: 'message',
      message: {
        conversation: conv,
        from: outgoing ? ctx.ownBare : peer,
        body: isMe ? bodyRaw.replace(ME, '') : bodyRaw,
        kind: type === 'headline' ? 'notice' : isMe ? 'action' : 'chat',
        serverTime,
        serverTimeTrusted,
        direction: outgoing ? 'out' : 'in',
        ...(serverId ? { serverId } : {}),
        ...(cid ? { clientId: cid } : {}),
        ...(ctx.mam ? { replay: true } : {}),
        ...(oobUrl ? { oobUrl } : {}),
      },
    });
    if (state && state !== 'active' && !outgoing && !ctx.mam) events.push({ type: 'typing', conversation: conv, from: fromBare, state });
  }
  return events;
}
