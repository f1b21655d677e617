// After every (re)connect: fetch what was missed from the server's archive (MAM, CHATHISTORY) from
// the last id we saw, and record a gap where the server cannot fill it (the UI shows gaps).
import type { ConversationRef } from '../protocol/types';
import type { AccountRuntime } from './accounts';
import { K } from './keys';
import type { EngineContext } from './context';
import { toErrorInfo } from './dto';

const CATCHUP_PAGE = 200;
const CATCHUP_MAX_PAGES = 50;
/** reading back by time (no id known yet) starts this much earlier: server and local clocks differ */
const CLOCK_MARGIN_MS = 5 * 60_000;
export const NO_HISTORY = 'the server keeps no history; messages sent while offline are missing';

export class CatchUp {
  constructor(private readonly ctx: EngineContext) {}

  /** `missedFrom`: when messages may have started to be missed (connection lost, engine down); null: nothing known missed */
  async run(rt: AccountRuntime, missedFrom: number | null) {
    const ctx = this.ctx;
    const adapter = rt.adapter;
    if (!adapter) return;
    // direct messages: the account's archive from the last id we saw
    const cursor = ctx.store.getSetting<{ lastId: string; time: number }>(K.catchup(rt.id));
    if (adapter.history && cursor) {
      const r = await this.one(rt, null, cursor.lastId, cursor.time);
      if (r) ctx.store.setSetting(K.catchup(rt.id), r);
    } else if (adapter.history) {
      // no id seen yet (a new account, or no direct message so far): read back from the newest
      // entry to when missing started, and start the cursor there
      const r = await this.back(rt, missedFrom);
      if (r) ctx.store.setSetting(K.catchup(rt.id), r);
    } else if (missedFrom !== null) this.gap(rt, null, missedFrom, ctx.now(), NO_HISTORY);
    // rooms: each room's archive from its last id
    for (const r of rt.rooms.values()) {
      const conv = ctx.store.findConversation(rt.account.id, 'room', r.info.id);
      if (!conv) continue;
      const last = ctx.store.lastServerId(rt.account.id, conv.id);
      if (adapter.history && last) await this.one(rt, { kind: 'room', id: r.info.id }, last, ctx.store.lastMessageTime(rt.account.id, conv.id) ?? undefined, conv.id);
      else if (missedFrom !== null) this.gap(rt, conv.id, missedFrom, ctx.now(), NO_HISTORY);
    }
  }

  /** pages forward from `after`; returns the new cursor; a failure is recorded as a gap */
  private async one(rt: AccountRuntime, conv: ConversationRef | null, after: string, afterTime: number | undefined, convId?: number): Promise<{ lastId: string; time: number } | null> {
    const ctx = this.ctx;
    const h = rt.adapter?.history;
    if (!h) return null;
    let cursor = after;
    let time = afterTime ?? ctx.now();
    for (let page = 0; page < CATCHUP_MAX_PAGES; page++) {
      let res;
      try {
        res = await h.fetchHistory(conv, { after: cursor, limit: CATCHUP_PAGE });
      } catch (err) {
        this.gap(rt, convId ?? null, time, ctx.now(), `the server could not fill the history: ${toErrorInfo(err).message}`);
        return { lastId: cursor, time };
      }
      if (res.messages.length) {
        ctx.ingest.push(
          rt,
          res.messages.map((m) => ({ ...m, replay: true })),
        );
        for (const m of res.messages) time = Math.max(time, m.serverTime);
      }
      if (res.last) cursor = res.last;
      if (res.complete || !res.messages.length) return { lastId: cursor, time };
    }
    this.gap(rt, convId ?? null, time, ctx.now(), 'too much history to catch up at once');
    return { lastId: cursor, time };
  }

  /**
   * The account's archive read newest first, back to `missedFrom` (minus a margin for clocks; what
   * is stored already is deduplicated), stored; returns the cursor at the newest entry. With
   * nothing known missed (null) it only finds the newest entry.
   */
  private async back(rt: AccountRuntime, missedFrom: number | null): Promise<{ lastId: string; time: number } | null> {
    const ctx = this.ctx;
    const h = rt.adapter?.history;
    if (!h) return null;
    const since = missedFrom === null ? null : missedFrom - CLOCK_MARGIN_MS;
    let newest: { lastId: string; time: number } | null = null;
    let before = '';
    for (let page = 0; page < CATCHUP_MAX_PAGES; page++) {
      let res;
      try {
        res = await h.fetchHistory(null, { before, limit: since === null ? 1 : CATCHUP_PAGE });
      } catch (err) {
        if (since !== null) this.gap(rt, null, since, ctx.now(), `the server could not fill the history: ${toErrorInfo(err).message}`);
        return newest;
      }
      if (!newest && res.last) newest = { lastId: res.last, time: res.messages.at(-1)?.serverTime ?? ctx.now() };
      if (since === null) return newest;
      const wanted = res.messages.filter((m) => m.serverTime >= since);
      if (wanted.length) ctx.ingest.push(rt, wanted.map((m) => ({ ...m, replay: true })));
      if (res.complete || !res.first || wanted.length < res.messages.length || !res.messages.length) return newest;
      before = res.first;
    }
    this.gap(rt, null, since ?? ctx.now(), ctx.now(), 'too much history to catch up at once');
    return newest;
  }

  gap(rt: AccountRuntime, conversationId: number | null, from: number, to: number, reason: string) {
    if (to <= from) return;
    const g = this.ctx.store.recordGap({ accountId: rt.account.id, conversationId, fromTime: from, toTime: to, reason });
    if (conversationId !== null) this.ctx.emit({ type: 'messages.gap', payload: { conversationId: String(conversationId), from: g.fromTime, to: g.toTime, reason } });
  }
}
