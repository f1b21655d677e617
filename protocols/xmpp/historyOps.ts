/** History (XEP-0313 MAM) pages for 1:1 and rooms, filled across archive pages that also hold receipts. */
import { randomUUID } from 'node:crypto';
import type { ConversationRef, HistoryGroup, HistoryPage, IncomingMessage } from '../../core/protocol/types';
import { classifyError } from './errors';
import { buildMamQuery, parseMamFin } from './mam';
import type { XmppState } from './state';

export class XmppHistory {
  constructor(private readonly s: XmppState) {}

  readonly group: HistoryGroup = {
    /**
     * One page of up to `limit` messages. Archives also hold receipts and markers (Prosody stores
     * them), so several MAM pages may be read to fill one; receipts found on the way are emitted
     * as 'receipt' events (catch-up). `first`/`last` are the archive ids bounding what was read.
     */
    fetchHistory: async (conv: ConversationRef | null, opts: { before?: string; after?: string; limit: number }): Promise<HistoryPage> => {
      const limit = Math.max(1, Math.min(opts.limit, 250));
      const forward = opts.after !== undefined;
      let cursor = forward ? opts.after : opts.before;
      let messages: IncomingMessage[] = [];
      let first: string | undefined, last: string | undefined, complete = false;
      for (let round = 0; round < 10 && messages.length < limit; round++) {
        const page = await this.mamPage(conv, forward ? { after: cursor! } : cursor !== undefined ? { before: cursor } : {}, limit - messages.length);
        if (forward) {
          messages = messages.concat(page.messages);
          first ??= page.first;
          last = page.last ?? last;
          cursor = page.last;
        } else {
          messages = page.messages.concat(messages);
          last ??= page.last;
          first = page.first ?? first;
          cursor = page.first;
        }
        complete = page.complete;
        if (complete || cursor === undefined) break;
      }
      return { messages, complete, ...(first ? { first } : {}), ...(last ? { last } : {}) };
    },
  };

  private async mamPage(conv: ConversationRef | null, dir: { before?: string; after?: string }, max: number): Promise<HistoryPage> {
    const c = this.s.requireOnline();
    const archive = conv?.kind === 'room' ? this.s.requireBare(conv.id) : this.s.ownBare;
    const queryId = randomUUID();
    const q = { archive, messages: [] as IncomingMessage[] };
    this.s.mamQueries.set(queryId, q);
    try {
      const iq = buildMamQuery({
        queryId, max,
        ...(conv?.kind === 'room' ? { archive } : {}),
        ...(conv?.kind === 'direct' ? { with: this.s.requireBare(conv.id) } : {}),
        ...dir,
      });
      const res = await c.iq.request(iq, this.s.cfg.timeoutMs * 3).catch((e: unknown) => { throw classifyError(e); });
      const fin = parseMamFin(res);
      return { messages: q.messages, complete: fin.complete, ...(fin.first ? { first: fin.first } : {}), ...(fin.last ? { last: fin.last } : {}) };
    } finally {
      this.s.mamQueries.delete(queryId);
    }
  }
}
