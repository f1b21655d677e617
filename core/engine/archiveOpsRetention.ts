// Retention in the app: applied after unlock, every hour and right after a policy change, one run
// at a time, a batch of deletions per event-loop turn. While a legal hold is on, the automatic runs
// do not try (nothing to delete; a manual run still tries and the blocked attempt is audited).
import type { RetentionDTO, RetentionRunDTO } from '../../contract/index';
import { retentionDTO } from '../archive/dto';
import { getLegalHold, getPolicy, retentionSteps, type RetentionRun } from '../archive/retention';
import { drainAsync } from '../archive/steps';
import type { EngineContext } from './context';
import { REMOVED } from './keys';

const HOUR = 3_600_000;
/** messages per retention transaction in the app (FTS5 secure-delete makes each row costly: ~0.3 ms) */
const DELETE_BATCH = 500;

export function runDTO(r: RetentionRun): RetentionRunDTO {
  return { blocked: r.blocked, accounts: r.accounts.map((a) => ({ ...a, accountId: String(a.accountId) })) };
}

export class RetentionSchedule {
  private lastRunAt: number | null = null;
  private timer: unknown = null;
  private running: Promise<RetentionRun | null> | null = null;
  /** asked again during a run: by whom */
  private again: string | null = null;

  constructor(
    private readonly ctx: EngineContext,
    private readonly turn: () => Promise<void>,
  ) {}

  dto(): RetentionDTO {
    const store = this.ctx.store;
    return retentionDTO(store.listAccounts(), getPolicy(store), this.lastRunAt, (a) => a.config[REMOVED] === true);
  }

  emit(): void {
    this.ctx.emit({ type: 'archive.retention', payload: this.dto() });
  }

  /** after unlock: run now, then every hour (idempotent) */
  start(): void {
    if (this.timer) return;
    void this.automatic('schedule');
    this.hourly();
  }

  /** applies the policy now unless a hold is on; during a run, once more after it (the policy may have changed) */
  automatic(by: string): Promise<RetentionRun | null> {
    const ctx = this.ctx;
    if (!ctx.live) return Promise.resolve(null);
    if (this.running) {
      this.again = by;
      return this.running;
    }
    if (getLegalHold(ctx.store).on) return Promise.resolve(null);
    this.running = this.run({ by })
      .catch((err) => {
        ctx.log.warn('retention run failed', { err: err instanceof Error ? err.message : String(err) });
        return null;
      })
      .finally(() => {
        this.running = null;
        const again = this.again;
        this.again = null;
        if (again) void this.automatic(again);
      });
    return this.running;
  }

  /** a run asked for by the user (waits for an automatic one first) */
  async manual(by: string, dryRun: boolean): Promise<RetentionRun> {
    await this.running;
    return this.run({ by, dryRun });
  }

  private async run(opts: { by: string; dryRun?: boolean }): Promise<RetentionRun> {
    const ctx = this.ctx;
    const r = await drainAsync(retentionSteps(ctx.store, { ...opts, now: ctx.now(), batch: DELETE_BATCH }), this.turn);
    if (!opts.dryRun) {
      this.lastRunAt = ctx.now();
      if (r.blocked || r.accounts.some((a) => a.deleted > 0)) this.emit();
    }
    return r;
  }

  private hourly(): void {
    if (this.timer) this.ctx.timers.clear(this.timer);
    this.timer = this.ctx.timers.set(() => {
      this.timer = null;
      if (!this.ctx.live) return;
      void this.automatic('schedule').finally(() => this.hourly());
    }, HOUR);
  }
}
