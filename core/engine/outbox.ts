// The outbox: a message is stored (queued) before it is sent, and moves queued → sent → delivered |
// failed (or unconfirmed where nothing confirms it). Re-sent with the same client id after a
// reconnect; a message that drops the connection every time fails instead of looping.
import { randomUUID } from 'node:crypto';
import type { Conversation, Message } from '../history/index';
import type { AccountRuntime } from './accounts';
import type { EngineContext } from './context';
import { messageDTO, toErrorInfo, utf8Bytes } from './dto';

const MAX_SEND_ATTEMPTS = 3;
const RANK: Record<string, number> = { queued: 0, unconfirmed: 1, sent: 2, delivered: 3, read: 4 };

export class Outbox {
  /** account id → clientIds on the wire when its link last dropped, in the order they were sent */
  private readonly suspects = new Map<string, string[]>();

  constructor(private readonly ctx: EngineContext) {}

  /** stored first (queued), then handed to the wire when the account is online */
  queue(rt: AccountRuntime, conv: Conversation, body: string, kind: 'chat' | 'action' | 'notice' = 'chat', extra: { oobUrl?: string } = {}): Message {
    const ctx = this.ctx;
    ctx.ingest.flush();
    const clientId = randomUUID();
    const now = ctx.now();
    const r = ctx.store.insertMessage({
      accountId: rt.account.id,
      conversationId: conv.id,
      sender: rt.self?.split('/')[0] ?? rt.nick ?? 'me',
      body,
      kind,
      direction: 'out',
      serverTime: now,
      clientId,
      state: 'queued',
      ...(extra.oobUrl ? { oobUrl: extra.oobUrl } : {}),
    });
    const m = ctx.store.getMessage(r.id)!;
    ctx.emit({ type: 'messages.added', payload: { messages: [messageDTO(m, { sending: rt.online })] } });
    ctx.views.emitConversation(conv.id);
    if (rt.online) void this.send(rt, conv, m);
    return m;
  }

  async send(rt: AccountRuntime, conv: Conversation, m: Message) {
    const adapter = rt.adapter;
    if (!adapter || !rt.online || !m.clientId) return;
    if (utf8Bytes(m.body) > adapter.caps.maxMessageBytes) {
      this.setState(m, 'failed', undefined, `too long for this network (${utf8Bytes(m.body)} of at most ${adapter.caps.maxMessageBytes} bytes)`);
      return;
    }
    // already on the wire on this connection (a send racing the outbox flush after connect)
    if (rt.sending.has(m.clientId)) return;
    rt.sending.add(m.clientId);
    try {
      await adapter.send({ kind: conv.kind, id: conv.address }, { body: m.body, clientId: m.clientId, kind: m.kind === 'system' ? 'chat' : m.kind, ...(m.oobUrl ? { oobUrl: m.oobUrl } : {}) });
    } catch (err) {
      const info = toErrorInfo(err);
      rt.sending.delete(m.clientId);
      // a network error leaves it queued (re-sent after reconnect); anything else is final
      if (info.kind !== 'network' || info.fatal) this.setState(this.ctx.store.getMessage(m.id) ?? m, 'failed', undefined, info.message);
      return;
    }
    if (!adapter.caps.serverAck) {
      // nothing will confirm it (IRC without echo-message)
      rt.sending.delete(m.clientId);
      const cur = this.ctx.store.getMessage(m.id);
      if (cur && cur.state === 'queued') this.setState(cur, 'unconfirmed');
    }
  }

  /** after (re)connect: everything still queued goes out again, with its ids */
  flush(rt: AccountRuntime) {
    const adapter = rt.adapter;
    if (!adapter) return;
    this.blameAfterReconnect(rt);
    const resendUnconfirmed = adapter.caps.serverAck && adapter.caps.stableClientIds;
    for (const m of this.ctx.store.listOutbox(rt.account.id)) {
      if (m.state === 'unconfirmed' && !resendUnconfirmed) continue;
      const conv = this.ctx.store.getConversation(m.conversationId);
      if (conv) void this.send(rt, conv, m);
    }
  }

  /**
   * The link dropped. What was on the wire and not confirmed becomes a suspect, in the order it was
   * sent; which one is blamed is decided after the reconnect (blameAfterReconnect), once the
   * adapter has said what the server handled after all (XMPP: `<failed h>`; MAM and carbons of our
   * own messages during the catch-up).
   */
  connectionLost(rt: AccountRuntime) {
    const earlier = this.suspects.get(rt.id) ?? [];
    this.suspects.set(rt.id, [...new Set([...earlier, ...rt.sending])]);
    rt.sending.clear();
  }

  /** the adapter knows these were merely in flight when the link dropped (the server ended the session itself) */
  inFlightOnly(rt: AccountRuntime, clientIds: string[]) {
    const suspects = this.suspects.get(rt.id);
    if (!suspects) return;
    const cleared = new Set(clientIds);
    this.suspects.set(rt.id, suspects.filter((id) => !cleared.has(id)));
  }

  /**
   * A server handles what it receives in order, so only the first message it did not confirm can
   * have made it close the connection: that one is counted, the messages behind it are not (they
   * were merely in flight, e.g. while the server restarted). A message the connection drops on
   * MAX_SEND_ATTEMPTS reconnects in a row (too large for the server, say) fails instead of looping.
   */
  private blameAfterReconnect(rt: AccountRuntime) {
    const suspects = this.suspects.get(rt.id);
    this.suspects.delete(rt.id);
    if (!suspects) return;
    for (const clientId of suspects) {
      const m = this.ctx.store.findByClientId(rt.account.id, clientId);
      if (!m || (m.state !== 'queued' && m.state !== 'unconfirmed')) {
        rt.drops.delete(clientId);
        continue;
      }
      const n = (rt.drops.get(clientId) ?? 0) + 1;
      if (n < MAX_SEND_ATTEMPTS) rt.drops.set(clientId, n);
      else {
        rt.drops.delete(clientId);
        this.setState(m, 'failed', undefined, 'the server closed the connection every time this message was sent');
      }
      return;
    }
  }

  /** outbox transitions: forward only; 'failed' only before delivery; a failed message the server confirms after all is sent */
  setState(m: Message, state: Message['state'] & string, serverId?: string, error?: string) {
    const cur = m.state ?? 'sent';
    let apply: boolean;
    if (state === 'failed') apply = cur === 'queued' || cur === 'unconfirmed' || cur === 'sent';
    else if (cur === 'failed') apply = state === 'sent' || state === 'delivered' || state === 'read';
    else apply = RANK[state]! > RANK[cur]!;
    if (!apply) {
      if (serverId && !m.serverId) this.ctx.store.setState(m.id, cur, serverId);
      return;
    }
    this.ctx.store.setState(m.id, state, serverId ?? null);
    this.ctx.emit({ type: 'messages.updated', payload: { id: String(m.id), conversationId: String(m.conversationId), state, ...(error ? { error } : {}), ...(serverId ? { serverId } : {}) } });
  }
}
