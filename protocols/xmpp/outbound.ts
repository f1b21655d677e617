/**
 * What we send: messages (origin-id, receipt request, OOB; size limits learnt from the server),
 * our presence (XEP-0186 invisibility where offered) to the server and joined rooms, chat states,
 * read markers (XEP-0333).
 */
import { AdapterError, type ConversationRef, type OutgoingMessage, type Presence } from '../../core/protocol/types';
import { MAX_MESSAGE_BYTES, NS_INVISIBLE, SMALLEST_SERVER_LIMIT } from './account';
import { chatStateElement, chatStateMessage, COMPOSING_REFRESH_MS } from './chatStates';
import type { XmppClient } from './xmppStream';
import { classifyError } from './errors';
import { bareOf, normalizeJid } from './jid';
import { NS } from './ns';
import { buildPresence } from './presence';
import { requestElement } from './receipts';
import type { XmppState } from './state';
import { xml } from './xml';

export class XmppOutbound {
  /** `disconnect`: presence "offline" ends the session */
  constructor(private readonly s: XmppState, private readonly disconnect: () => Promise<void>) {}

  /**
   * The server closed the stream with policy-violation: it refused a stanza as too large (Prosody:
   * "stanza too large"). The unacknowledged messages above the smallest limit any server may use
   * (10 000 bytes) are failed permanently instead of being re-sent after the reconnect (which would
   * loop), and later sends of that size are refused before they reach the wire.
   */
  refuseOversized(c: XmppClient): void {
    const refusedNow = new Set<string>();
    for (const [id, m] of this.s.largeInflight) {
      refusedNow.add(id);
      this.s.refused.add(id);
      this.s.sentConv.delete(id);
      this.s.maxStanzaChars = Math.min(this.s.maxStanzaChars, m.size - 1);
      this.s.emit({ type: 'receipt', conversation: m.conv, clientId: id, status: 'failed',
        error: { kind: 'protocol', fatal: true, message: `the server refused a message of ${m.size} bytes as too large`, code: 'too-large' } });
    }
    this.s.largeInflight.clear();
    // never re-sent by a resumption either
    c.sm.outbound_q = c.sm.outbound_q.filter((item) => !(item.stanza.name === 'message' && refusedNow.has(item.stanza.attrs.id ?? '')));
  }


  async setPresence(p: Presence): Promise<void> {
    if (p.show === 'invisible' && this.s.online && !this.s.caps.presenceShows.includes('invisible')) {
      throw new AdapterError({ kind: 'protocol', fatal: false, message: 'this server does not support invisibility', code: 'unsupported' });
    }
    this.s.presence = { ...p };
    if (!this.s.online || !this.s.client) return;
    if (p.show === 'offline') return this.disconnect();
    await this.sendOwnPresence(this.s.client);
  }

  /** XEP-0186 invisibility when asked for and offered, then presence to the server and the joined rooms */
  async sendOwnPresence(c: XmppClient): Promise<void> {
    const wantInvisible = this.s.presence.show === 'invisible' && this.s.caps.presenceShows.includes('invisible');
    if (wantInvisible !== this.s.invisibleActive) {
      await c.iq.request(xml('iq', { type: 'set' }, xml(wantInvisible ? 'invisible' : 'visible', { xmlns: NS_INVISIBLE })), this.s.cfg.timeoutMs)
        .catch((e: unknown) => { throw classifyError(e); });
      this.s.invisibleActive = wantInvisible;
    }
    const shown: Presence = this.s.presence.show === 'invisible' ? { ...this.s.presence, show: 'available' } : this.s.presence;
    await c.send(buildPresence(shown));
    for (const [room, s] of this.s.roomState) {
      if (!s.joined) continue;
      const el = buildPresence(shown);
      el.attrs.to = `${room}/${s.nick}`;
      await c.send(el);
    }
  }

  async send(conv: ConversationRef, message: OutgoingMessage): Promise<void> {
    // direct: a bare JID, or room/nick for a private message to a room occupant
    const to = conv.kind === 'direct' ? normalizeJid(conv.id) : bareOf(conv.id);
    if (!to) throw new AdapterError({ kind: 'config', fatal: true, message: 'invalid address', code: 'invalid-jid' });
    const body = message.kind === 'action' ? `/me ${message.body}` : message.body;
    const bytes = Buffer.byteLength(body);
    if (bytes > MAX_MESSAGE_BYTES) throw new AdapterError({ kind: 'protocol', fatal: true, message: `message too large (${bytes} bytes; the limit is ${MAX_MESSAGE_BYTES})`, code: 'too-large' });
    const c = this.s.requireOnline();
    if (conv.kind === 'room' && !this.s.roomState.get(to)?.joined) throw new AdapterError({ kind: 'protocol', fatal: false, message: 'not in this room', code: 'not-joined' });
    const el = xml('message', { to, type: conv.kind === 'room' ? 'groupchat' : 'chat', id: message.clientId },
      xml('body', {}, body),
      xml('origin-id', { xmlns: NS.sid, id: message.clientId }),
      conv.kind === 'direct' ? requestElement() : undefined,
      conv.kind === 'direct' ? chatStateElement('active') : undefined,
      message.oobUrl ? xml('x', { xmlns: NS.oob }, xml('url', {}, message.oobUrl)) : undefined);
    const size = Buffer.byteLength(el.toString());
    if (size > this.s.maxStanzaChars || this.s.refused.has(message.clientId)) throw new AdapterError({ kind: 'protocol', fatal: true, message: `message too large for this server (${size} bytes encoded)`, code: 'too-large' });
    this.s.sentConv.set(message.clientId, { kind: conv.kind, id: to });
    if (size > SMALLEST_SERVER_LIMIT) {
      this.s.largeInflight.set(message.clientId, { conv: { kind: conv.kind, id: to }, size });
      if (this.s.largeInflight.size > 50) this.s.largeInflight.delete(this.s.largeInflight.keys().next().value!);
    }
    try {
      await c.send(el);
    } catch (err) {
      this.s.sentConv.delete(message.clientId);
      if (this.s.refused.has(message.clientId)) throw new AdapterError({ kind: 'protocol', fatal: true, message: 'the server refused the message as too large', code: 'too-large' });
      this.s.largeInflight.delete(message.clientId);
      throw classifyError(err);
    }
    if (!c.sm.enabled) {
      this.s.sentConv.delete(message.clientId);
      this.s.emit({ type: 'receipt', conversation: { kind: conv.kind, id: to }, clientId: message.clientId, status: 'sent' });
    }
  }

  readonly typing = {
    sendTyping: (conv: ConversationRef, state: 'active' | 'composing' | 'paused'): number => {
      const to = bareOf(conv.id);
      if (!to || !this.s.online || !this.s.client) return 0;
      void this.s.client.send(chatStateMessage(to, conv.kind === 'room' ? 'groupchat' : 'chat', state)).catch(() => {});
      return state === 'composing' ? COMPOSING_REFRESH_MS : 0;
    },
  };


  readonly receipts = {
    markRead: async (conv: ConversationRef, serverId: string) => {
      const to = this.s.requireBare(conv.id);
      // 1:1: the marker carries the peer's message id; group chat: the room's stanza-id
      const id = conv.kind === 'direct' ? this.s.incomingIds.get(serverId) ?? serverId : serverId;
      await this.s.requireOnline().send(xml('message', { to, type: conv.kind === 'room' ? 'groupchat' : 'chat' }, xml('displayed', { xmlns: NS.markers, id })));
    },
  };
}
