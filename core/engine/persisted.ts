// Small engine memory that must survive a restart: mention counts per conversation (since the read
// marker) and when an auto-reply last went to each contact (so a restart never answers twice
// within the period). Kept in memory, written to the encrypted store's settings when changed:
// mentions once per ingest batch, auto-replies at once (they are rare).
import { K } from './keys';
import type { EngineContext } from './context';

export class PersistedCounters {
  /** conversation id → mentions since the read marker */
  readonly mentions = new Map<number, number>();
  /** "accountId address" → when the last auto-reply went there */
  private readonly autoReplied = new Map<string, number>();
  private mentionsDirty = false;

  constructor(private readonly ctx: EngineContext) {}

  load() {
    const s = this.ctx.store;
    this.mentions.clear();
    for (const [id, n] of Object.entries(s.getSetting<Record<string, number>>(K.mentions) ?? {})) if (Number.isSafeInteger(n) && n > 0) this.mentions.set(Number(id), n);
    this.autoReplied.clear();
    for (const [key, at] of Object.entries(s.getSetting<Record<string, number>>(K.autoReplied) ?? {})) if (Number.isFinite(at)) this.autoReplied.set(key, at);
  }

  addMention(conversationId: number) {
    this.mentions.set(conversationId, (this.mentions.get(conversationId) ?? 0) + 1);
    this.mentionsDirty = true;
  }

  clearMentions(conversationId: number) {
    if (this.mentions.delete(conversationId)) {
      this.mentionsDirty = true;
      this.save();
    }
  }

  /** writes the mention counts if they changed (called at the end of an ingest batch) */
  save() {
    if (!this.mentionsDirty || !this.ctx.archive.store) return;
    this.mentionsDirty = false;
    const out: Record<string, number> = {};
    for (const [id, n] of this.mentions) if (n > 0) out[id] = n;
    this.ctx.store.setSetting(K.mentions, out);
  }

  autoRepliedAt(key: string): number | undefined {
    return this.autoReplied.get(key);
  }

  noteAutoReply(key: string, at: number) {
    this.autoReplied.set(key, at);
    // entries older than the period cannot suppress anything any more
    const horizon = at - this.ctx.settings.autoReply.periodMs;
    for (const [k, t] of this.autoReplied) if (t < horizon) this.autoReplied.delete(k);
    this.ctx.store.setSetting(K.autoReplied, Object.fromEntries(this.autoReplied));
  }
}
