// Incoming messages into the archive: queued per tick and written in one transaction, a bad row
// isolated (retried row by row), re-sends of the same message deduped per sender, then the
// events (messages.added, conversations.changed) and the per-message policy (afterIncoming).
import type { MessageDTO } from '../../contract/index';
import type { Conversation, InsertResult, Message, MessageInput } from '../history/index';
import type { IncomingMessage } from '../protocol/types';
import type { AccountRuntime } from './accounts';
import { K } from './keys';
import type { EngineContext } from './context';
import { messageDTO, toErrorInfo } from './dto';
import { afterIncoming } from './incoming';
import { isMention } from './notify';

type Incoming = { rt: AccountRuntime; m: IncomingMessage };

/** incoming client ids remembered per conversation for dedup, and conversations kept in memory */
const RECENT_IN = 500;
const RECENT_CONVS = 2000;
/** most messages per transaction when the ingest runs on its own (a flood is written in slices, so
 *  commands and other accounts get turns in between; sync flushes write everything) */
const SLICE = 250;
/** a live slice should take about this long: its size follows the measured cost per message
 *  (250 messages were up to ~30 ms CPU during a flood, more on a loaded machine or an FTS merge) */
const SLICE_TARGET_MS = 8;
/** fewest messages per live slice (fewer, larger transactions keep the full-text index cheap) */
const MIN_SLICE = 20;
/** a server time later than this ahead of our clock is not believed */
const MAX_FUTURE_MS = 86_400_000;

/** a server time outside a sane range (hostile or broken server) becomes the receive time */
export function saneTime(t: number, now: number): number {
  return Number.isSafeInteger(t) && t >= 0 && t <= now + MAX_FUTURE_MS ? t : now;
}

export class Ingest {
  private queue: Incoming[] = [];
  private scheduled = false;
  /** per conversation: "sender NUL clientId" of recent incoming messages (seeded from the archive) */
  private recentIn = new Map<number, Set<string>>();
  /** measured ms per message of live slices (moving average), sizes the next slice */
  private msPerMessage = SLICE_TARGET_MS / SLICE;

  constructor(private readonly ctx: EngineContext) {}

  /** live messages wait for the end of the tick; a replay (catch-up page) is written at once */
  push(rt: AccountRuntime, msgs: IncomingMessage[]) {
    for (const m of msgs) this.queue.push({ rt, m });
    if (msgs.some((m) => m.replay)) {
      this.flush();
      return;
    }
    this.schedule();
  }

  private schedule() {
    if (this.scheduled) return;
    this.scheduled = true;
    setImmediate(() => {
      this.scheduled = false;
      const max = Math.max(MIN_SLICE, Math.min(SLICE, Math.floor(SLICE_TARGET_MS / this.msPerMessage)));
      const n = Math.min(max, this.queue.length);
      const t0 = performance.now();
      this.flush(max);
      // the cost of this slice (writing, events, notifications) sizes the next one
      if (n) this.msPerMessage = 0.7 * this.msPerMessage + 0.3 * ((performance.now() - t0) / n);
    });
  }

  /** messages waiting to be written (tests, diagnostics) */
  get waiting(): number {
    return this.queue.length;
  }

  /** one transaction for what arrived (at most `max` messages; the rest waits for the next turn) */
  flush(max = Infinity) {
    const ctx = this.ctx;
    if (!this.queue.length || !ctx.archive.store) return;
    let queued = this.queue;
    if (queued.length > max) {
      this.queue = queued.slice(max);
      queued = queued.slice(0, max);
      this.schedule();
    } else this.queue = [];
    const store = ctx.store;
    const convs = new Map<string, Conversation>();
    const convById = new Map<number, Conversation>();
    const batchKeys = new Set<string>();
    const batch: Incoming[] = [];
    const rows: MessageInput[] = [];
    const now = ctx.now();
    for (const item of queued) {
      const { rt, m } = item;
      try {
        const key = `${rt.id}|${m.conversation.kind}|${m.conversation.id}`;
        let conv = convs.get(key);
        if (!conv) {
          conv = store.ensureConversation(rt.account.id, m.conversation.kind, m.conversation.id, m.conversation.kind === 'direct' ? (store.findContact(rt.account.id, m.conversation.id)?.name ?? null) : null);
          convs.set(key, conv);
          convById.set(conv.id, conv);
        }
        // an incoming message seen again under a new server id (the sender re-sent it after a
        // reconnect, same origin-id): same sender + same client id within the conversation. The
        // sender is part of the key, so nobody can suppress another sender's messages.
        if (m.direction === 'in' && m.clientId) {
          const k = `${m.from}\u0000${m.clientId}`;
          if (batchKeys.has(`${conv.id}\u0000${k}`) || this.recentIncoming(conv.id).has(k)) continue;
          batchKeys.add(`${conv.id}\u0000${k}`);
        }
        batch.push(item);
        rows.push({
          accountId: rt.account.id,
          conversationId: conv.id,
          sender: m.from,
          senderName: m.fromName ?? null,
          body: m.body,
          kind: m.kind,
          direction: m.direction,
          serverTime: saneTime(m.serverTime, now),
          serverId: m.serverId ?? null,
          clientId: m.clientId ?? null,
          state: m.direction === 'out' ? 'sent' : null,
          oobUrl: m.oobUrl ?? null,
        });
      } catch (err) {
        this.failed(rt, err);
      }
    }
    if (!rows.length) return;
    let results: (InsertResult | null)[];
    try {
      results = store.insertMessages(rows);
    } catch {
      // one bad row must not cost the others (nor other accounts' rows of the same tick): row by row
      results = rows.map((row, i) => {
        try {
          return store.insertMessages([row])[0]!;
        } catch (err) {
          this.failed(batch[i]!.rt, err);
          return null;
        }
      });
    }
    const added: MessageDTO[] = [];
    const touched = new Map<number, number>();
    const cursors = new Map<AccountRuntime, { lastId: string; time: number }>();
    results.forEach((r, i) => {
      if (!r) return;
      const { rt, m } = batch[i]!;
      const row = rows[i]!;
      if (m.direction === 'in' && m.clientId) this.rememberIncoming(row.conversationId, `${m.from}\u0000${m.clientId}`);
      if (rt.caughtUp && m.serverId && m.conversation.kind === 'direct' && !m.replay) cursors.set(rt, { lastId: m.serverId, time: m.serverTime });
      if (r.status === 'duplicate') {
        // our own message coming back (carbon, echo, MAM): confirms it
        if (m.direction === 'out' && m.clientId) {
          const own = store.getMessage(r.id);
          if (own && (own.state === 'queued' || own.state === 'unconfirmed')) {
            rt.sending.delete(m.clientId);
            rt.drops.delete(m.clientId);
            ctx.outbox.setState(own, 'sent', m.serverId);
          }
        }
        return;
      }
      const stored: Message = {
        id: r.id,
        accountId: row.accountId,
        conversationId: row.conversationId,
        sender: row.sender,
        senderName: row.senderName ?? null,
        body: row.body,
        kind: row.kind ?? 'chat',
        direction: row.direction,
        serverTime: row.serverTime,
        receivedTime: ctx.now(),
        serverId: row.serverId ?? null,
        clientId: row.clientId ?? null,
        state: row.state ?? null,
        editedAt: null,
        retractedAt: null,
        source: null,
        oobUrl: row.oobUrl ?? null,
      };
      const conv = convById.get(row.conversationId)!;
      const mention = m.direction === 'in' && isMention(m.body, ctx.views.selfNames(rt, conv));
      if (mention) ctx.counters.addMention(conv.id);
      added.push(messageDTO(stored, { mention }));
      touched.set(conv.id, Math.max(row.serverTime, touched.get(conv.id) ?? 0));
      if (m.direction === 'in' && !m.replay) afterIncoming(ctx, rt, conv, stored, mention);
    });
    for (const [rt, c] of cursors) store.setSetting(K.catchup(rt.id), c);
    ctx.counters.save();
    if (added.length) ctx.emit({ type: 'messages.added', payload: { messages: added } });
    // unread counts etc.: coalesced, a flood does not rebuild a conversation for every slice
    for (const [id, lastAt] of touched) ctx.views.touchConversation(id, lastAt);
  }

  private recentIncoming(conversationId: number): Set<string> {
    let set = this.recentIn.get(conversationId);
    if (set) {
      // most recently used last
      this.recentIn.delete(conversationId);
      this.recentIn.set(conversationId, set);
      return set;
    }
    set = new Set();
    for (const m of this.ctx.store.latest(conversationId, RECENT_IN)) if (m.direction === 'in' && m.clientId) set.add(`${m.sender}\u0000${m.clientId}`);
    this.recentIn.set(conversationId, set);
    if (this.recentIn.size > RECENT_CONVS) this.recentIn.delete(this.recentIn.keys().next().value!);
    return set;
  }

  private rememberIncoming(conversationId: number, key: string) {
    const set = this.recentIncoming(conversationId);
    set.add(key);
    if (set.size > RECENT_IN) set.delete(set.values().next().value!);
  }

  /** a message the archive refused: an error on that account, nothing else lost (message text never logged) */
  private failed(rt: AccountRuntime, err: unknown) {
    const message = toErrorInfo(err).message;
    this.ctx.log.warn('incoming message not stored', { account: rt.id, err: message });
    this.ctx.emit({ type: 'error', payload: { code: 'protocol', message: `a message from the server could not be stored: ${message}`, accountId: rt.id } });
  }
}
