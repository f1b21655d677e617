// When was each account last known online with the engine running? Written every minute and at
// shutdown; read at start, so the time the engine itself was down can be caught up (MAM) or
// recorded as a gap (networks without history). After a crash the gap starts at most one beat early.
import type { EngineContext } from './context';
import { K } from './keys';

const BEAT_MS = 60_000;

export class Heartbeat {
  /** account id → last beat before this start (read once, at start) */
  private previous: Record<string, number> = {};
  private readonly seen = new Map<string, number>();
  private timer: unknown = null;

  constructor(private readonly ctx: EngineContext) {}

  start() {
    this.previous = this.ctx.store.getSetting<Record<string, number>>(K.heartbeat) ?? {};
    this.seen.clear();
    for (const [id, t] of Object.entries(this.previous)) if (Number.isFinite(t)) this.seen.set(id, t);
    this.schedule();
  }

  /** the last time this account was known online before the engine started; null if never */
  downSince(accountId: string): number | null {
    const t = this.previous[accountId];
    return Number.isFinite(t) ? t! : null;
  }

  /** now, for every online account (also when one loses its link, and at shutdown) */
  beat() {
    if (!this.ctx.archive.store) return;
    const now = this.ctx.now();
    for (const rt of this.ctx.runtimes.values()) if (rt.online) this.seen.set(rt.id, now);
    for (const id of [...this.seen.keys()]) if (!this.ctx.runtimes.has(id)) this.seen.delete(id);
    this.ctx.store.setSetting(K.heartbeat, Object.fromEntries(this.seen));
  }

  /** the account was caught up after the engine's down time: its old beat means nothing now */
  consumed(accountId: string) {
    delete this.previous[accountId];
  }

  stop() {
    if (this.timer) this.ctx.timers.clear(this.timer);
    this.timer = null;
    this.beat();
  }

  private schedule() {
    this.timer = this.ctx.timers.set(() => {
      this.timer = null;
      if (!this.ctx.live) return;
      this.beat();
      this.schedule();
    }, BEAT_MS);
  }
}
