/**
 * Incoming stanzas: the message pipeline (MAM result? → carbon? → groupchat/chat parse, receipts
 * answered, chat states, stanza-id trust, delay) and the presence pipeline (MUC occupant? →
 * contact presence per resource / subscription request).
 */
import { AdapterError, type RoomInfo } from '../../core/protocol/types';
import { MAX_INCOMING_BODY_BYTES } from './account';
import { unwrapCarbon } from './carbons';
import { classifyError } from './errors';
import { bareOf, parseJid } from './jid';
import { parseMamResult } from './mam';
import { parseMessage } from './message';
import { parseMucPresence, roomConfigSubmit } from './muc';
import { NS } from './ns';
import { aggregate, parsePresence } from './presence';
import { receiptFor, wantsReceipt } from './receipts';
import type { XmppState } from './state';
import type { XmlElement } from './xml';

export class XmppInbound {
  constructor(private readonly s: XmppState) {}

  onMessage(st: XmlElement): void {
    // MAM results belong to a running query, never to the live stream
    const mamResult = st.getChild('result', NS.mam);
    if (mamResult) {
      const q = this.s.mamQueries.get(mamResult.attrs.queryid ?? '');
      if (!q) return this.s.report('protocol', 'archive result for an unknown query dropped', 'mam-unknown');
      const r = parseMamResult(st, mamResult.attrs.queryid!, q.archive);
      if (r === 'forged' || r === null) return this.s.report('protocol', 'forged archive result rejected', 'forged-mam');
      const events = parseMessage(r.message, { ownBare: this.s.ownBare, now: this.s.deps.now(), roomNick: (room) => this.s.roomState.get(room)?.nick, mam: { id: r.id, ...(r.stamp !== undefined ? { stamp: r.stamp } : {}), archive: q.archive } });
      for (const ev of events) {
        if (ev.type === 'message') q.messages.push(ev.message);
        else if (ev.type === 'receipt') this.s.emit(ev);
      }
      return;
    }
    let msg = st;
    const carbon = unwrapCarbon(st, this.s.ownBare);
    if (carbon?.kind === 'forged') return this.s.report('protocol', `forged carbon rejected: ${carbon.reason}`, 'forged-carbon');
    if (carbon) msg = carbon.inner;
    const body = msg.getChildText('body');
    if (msg.attrs.type === 'groupchat' && !this.s.roomState.has(bareOf(msg.attrs.from) ?? '')) {
      return this.s.report('protocol', 'a group chat message from a room we are not in was dropped', 'not-joined');
    }
    if (body !== null && Buffer.byteLength(body) > MAX_INCOMING_BODY_BYTES) {
      return this.s.report('protocol', `an incoming message of ${Buffer.byteLength(body)} bytes was dropped (limit ${MAX_INCOMING_BODY_BYTES})`, 'body-too-large');
    }
    const events = parseMessage(msg, { ownBare: this.s.ownBare, now: this.s.deps.now(), roomNick: (room) => this.s.roomState.get(room)?.nick, ...(carbon ? { carbon: carbon.kind } : {}) });
    // XEP-0184: confirm what a peer asked us to confirm (not for carbons of our own sends, not in rooms)
    if (wantsReceipt(msg) && msg.attrs.type !== 'groupchat' && msg.attrs.type !== 'error' && carbon?.kind !== 'sent' && body !== null && msg.attrs.id && msg.attrs.from && !carbon) {
      void this.s.client?.send(receiptFor(msg.attrs.from, msg.attrs.id)).catch(() => {});
    }
    for (const ev of events) {
      if (ev.type === 'message' && ev.message.conversation.kind === 'direct' && ev.message.direction === 'in' && ev.message.serverId && msg.attrs.id) {
        this.s.incomingIds.set(ev.message.serverId, msg.attrs.id);
        if (this.s.incomingIds.size > 2000) this.s.incomingIds.delete(this.s.incomingIds.keys().next().value!);
      }
      if (ev.type === 'topic') {
        const r = this.s.roomState.get(ev.roomId);
        if (r) r.topic = ev.topic;
      }
      this.s.emit(ev);
    }
  }

  onPresence(st: XmlElement): void {
    const fromBare = bareOf(st.attrs.from);
    if (fromBare && this.s.roomState.has(fromBare)) return this.onRoomPresence(st);
    // occupant presence of a room we are not in (left, or never joined): not a contact's presence
    if (st.getChild('x', NS.mucUser)) return;
    if (!st.attrs.from) return;
    const full = parseJid(st.attrs.from);
    if (!full.ok || !fromBare) return;
    const p = parsePresence(st);
    switch (p.kind) {
      case 'available':
      case 'unavailable': {
        let byRes = this.s.resources.get(fromBare);
        if (!byRes) this.s.resources.set(fromBare, (byRes = new Map()));
        const res = full.jid.resource;
        if (p.kind === 'unavailable') {
          if (res) byRes.delete(res);
          else byRes.clear();
        } else {
          byRes.set(res, p.presence);
        }
        if (res) this.s.emit({ type: 'presence', contactId: fromBare, resource: res, presence: p.presence });
        this.s.emit({ type: 'presence', contactId: fromBare, presence: aggregate(byRes.values()) });
        return;
      }
      case 'subscribe':
        this.s.emit({ type: 'subscription-request', from: fromBare, ...(p.status ? { message: p.status } : {}) });
        return;
      default:
        return; // subscribed/unsubscribed are followed by roster pushes
    }
  }

  private onRoomPresence(st: XmlElement): void {
    const m = parseMucPresence(st);
    if (!m) return;
    const room = this.s.roomState.get(m.room);
    if (!room) return;
    if (m.error) {
      const e = new AdapterError({ kind: m.error.condition === 'conflict' ? 'name-in-use' : m.error.condition === 'not-authorized' ? 'auth' : 'protocol', fatal: true, message: `cannot join ${m.room}: ${m.error.text ?? m.error.condition}`, code: m.error.condition });
      if (room.waiter) {
        room.waiter.reject(e);
        room.waiter = undefined;
        if (!room.joined) this.s.roomState.delete(m.room);
      } else {
        this.s.emit({ type: 'error', error: e.toJSON() });
      }
      return;
    }
    const self = m.codes.has('110') || (room.waiter !== undefined && m.nick === room.waiter.nick && !room.joined);
    if (m.unavailable) {
      if (m.codes.has('303') && m.newNick) {
        room.occupants.delete(m.nick);
        if (self) room.nick = m.newNick;
        this.s.emit({ type: 'nick-changed', roomId: m.room, oldNick: m.nick, newNick: m.newNick });
        return;
      }
      room.occupants.delete(m.nick);
      if (self) {
        const kicked = m.codes.has('307') || m.codes.has('301') || m.codes.has('321') || m.codes.has('322');
        this.s.roomState.delete(m.room);
        this.s.emit({ type: 'room-left', roomId: m.room, ...(m.reason ?? m.status ? { reason: m.reason ?? m.status } : {}), ...(kicked ? { kickedBy: m.actor ?? '' } : {}) });
        return;
      }
      const why = m.codes.has('307') ? `kicked${m.actor ? ` by ${m.actor}` : ''}${m.reason ? `: ${m.reason}` : ''}` : m.codes.has('301') ? 'banned' : m.status;
      this.s.emit({ type: 'occupant-left', roomId: m.room, nick: m.nick, ...(why ? { reason: why } : {}) });
      return;
    }
    room.occupants.set(m.nick, m.occupant);
    this.s.emit({ type: 'occupants', roomId: m.room, occupants: [m.occupant], replace: false });
    if (self && !room.joined) {
      room.joined = true;
      room.nick = m.nick;
      const info: RoomInfo = { id: m.room, nick: m.nick, ...(room.topic ? { topic: room.topic } : {}) };
      const waiter = room.waiter;
      room.waiter = undefined;
      const joined = () => {
        this.s.emit({ type: 'room-joined', room: info });
        waiter?.resolve(info);
      };
      // 201: we created the room and the server keeps it locked until configured. A plain join
      // accepts the default configuration ("instant room", XEP-0045 §10.1.2); createPrivate configures it itself.
      if (m.codes.has('201') && !room.configureLater && this.s.client) {
        const form = roomConfigSubmit({});
        form.attrs.to = m.room;
        this.s.client.iq.request(form, this.s.cfg.timeoutMs)
          .catch((e: unknown) => this.s.report('protocol', `could not unlock the new room: ${classifyError(e).message}`, 'instant-room'))
          .finally(joined);
      } else {
        joined();
      }
    }
  }
}
