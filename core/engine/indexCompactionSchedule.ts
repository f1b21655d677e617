// Compacts the archive's full-text index in the background (core/history/indexCompaction.ts): a
// check after unlock, after an import, after retention deleted messages, and every 10 minutes;
// when the index has more than COMPACT_ABOVE_SEGMENTS segments, bounded merge steps run while the
// engine is otherwise quiet (no message stored for QUIET_MS), one step per timer turn. Searches get
// faster (fewer segments to open); nothing is added to the cost of storing a message.
import { COMPACT_ABOVE_SEGMENTS } from '../history/index';
import type { EngineContext } from './context';

const CHECK_EVERY_MS = 10 * 60_000;
/** a message stored more recently than this postpones the next step */
const QUIET_MS = 2_000;
/** pages written per step (one transaction; ~10–40 ms here) */
const STEP_PAGES = 64;

export class IndexCompactionSchedule {
  private timer: unknown = null;
  private stepTimer: unknown = null;
  private running = false;
  private lastActivity = 0;
  /** steps run and segments before/after, for logs and tests */
  lastRun: { steps: number; before: number; after: number } | null = null;

  constructor(private readonly ctx: EngineContext) {}

  /** messages were stored: compaction waits for a quiet moment */
  activity(): void {
    this.lastActivity = this.ctx.now();
  }

  /** after unlock: check now and every CHECK_EVERY_MS (idempotent) */
  start(): void {
    if (this.timer) return;
    this.check();
    const again = () => {
      this.timer = this.ctx.timers.set(() => {
        if (!this.ctx.live) {
          this.timer = null;
          return;
        }
        this.check();
        again();
      }, CHECK_EVERY_MS);
    };
    again();
  }

  /** compacts when the index has too many segments (a run already going just continues) */
  check(): void {
    const ctx = this.ctx;
    if (this.running || !ctx.live || ctx.store.readOnly) return;
    let before: number;
    try {
      before = ctx.store.indexSegments();
    } catch (err) {
      ctx.log.warn('index compaction: could not count segments', { err: err instanceof Error ? err.message : String(err) });
      return;
    }
    if (before <= COMPACT_ABOVE_SEGMENTS) return;
    this.running = true;
    this.lastRun = { steps: 0, before, after: before };
    this.next();
  }

  private next(): void {
    const ctx = this.ctx;
    const wait = this.lastActivity + QUIET_MS - ctx.now();
    this.stepTimer = ctx.timers.set(() => {
      this.stepTimer = null;
      if (!ctx.live) return this.finish();
      if (ctx.now() < this.lastActivity + QUIET_MS) return this.next();
      let more: boolean;
      try {
        more = ctx.store.compactIndexStep(STEP_PAGES);
      } catch (err) {
        ctx.log.warn('index compaction step failed', { err: err instanceof Error ? err.message : String(err) });
        return this.finish();
      }
      this.lastRun!.steps++;
      if (more) this.next();
      else this.finish();
    }, Math.max(0, wait));
  }

  private finish(): void {
    this.running = false;
    if (this.lastRun && this.ctx.live) {
      try {
        this.lastRun.after = this.ctx.store.indexSegments();
      } catch {
        /* closed meanwhile */
      }
      this.ctx.log.info('full-text index compacted', { ...this.lastRun });
    }
  }

  stop(): void {
    if (this.timer) this.ctx.timers.clear(this.timer);
    if (this.stepTimer) this.ctx.timers.clear(this.stepTimer);
    this.timer = this.stepTimer = null;
    this.running = false;
  }
}
