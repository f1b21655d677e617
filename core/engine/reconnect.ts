// ONE reconnect policy for every account: exponential backoff with jitter and a cap, no retry after
// a fatal error (the user must change something), immediate retry when the network comes back.
import type { AdapterErrorInfo } from '../protocol/types';

export interface BackoffPolicy {
  /** first delay (ms) */
  baseMs: number;
  /** cap (ms) */
  maxMs: number;
  factor: number;
  /** 0..1: share of the delay that is random (0.5 = "equal jitter") */
  jitter: number;
}

export const defaultBackoff: BackoffPolicy = { baseMs: 1000, maxMs: 5 * 60_000, factor: 2, jitter: 0.5 };

/** delay before attempt number `attempt` (0 = first retry) */
export function backoffDelay(attempt: number, policy: BackoffPolicy = defaultBackoff, random: () => number = Math.random): number {
  const capped = Math.min(policy.maxMs, policy.baseMs * Math.pow(policy.factor, Math.max(0, attempt)));
  const fixed = capped * (1 - policy.jitter);
  return Math.round(fixed + random() * capped * policy.jitter);
}

export type RetryDecision = { retry: false; reason: string } | { retry: true; delayMs: number };

export function decideRetry(error: AdapterErrorInfo | undefined, attempt: number, policy: BackoffPolicy = defaultBackoff, random?: () => number): RetryDecision {
  if (error?.fatal) return { retry: false, reason: error.message };
  return { retry: true, delayMs: backoffDelay(attempt, policy, random) };
}

export interface TimerApi {
  set(fn: () => void, ms: number): unknown;
  clear(h: unknown): void;
}
export const realTimers: TimerApi = {
  set: (fn, ms) => {
    const t = setTimeout(fn, ms);
    t.unref?.();
    return t;
  },
  clear: (h) => clearTimeout(h as NodeJS.Timeout),
};

/** Per-account retry scheduling on top of the pure policy. */
export class Reconnector {
  private attempt = 0;
  private timer: unknown = null;
  /** when the pending retry fires (ms epoch), null when none */
  nextAt: number | null = null;

  constructor(
    private readonly fire: () => void,
    private readonly opts: { policy?: BackoffPolicy; timers?: TimerApi; now?: () => number; random?: () => number } = {},
  ) {}

  /** a connection attempt failed or the connection dropped; returns what was decided */
  failed(error: AdapterErrorInfo | undefined): RetryDecision {
    this.cancel();
    const d = decideRetry(error, this.attempt, this.opts.policy ?? defaultBackoff, this.opts.random);
    if (!d.retry) return d;
    this.attempt++;
    const timers = this.opts.timers ?? realTimers;
    this.nextAt = (this.opts.now ?? Date.now)() + d.delayMs;
    this.timer = timers.set(() => {
      this.timer = null;
      this.nextAt = null;
      this.fire();
    }, d.delayMs);
    return d;
  }

  /** connected: the next failure starts from the base delay again */
  succeeded(): void {
    this.attempt = 0;
    this.cancel();
  }

  /** the network came back: a waiting retry happens now */
  networkUp(): boolean {
    if (this.timer === null) return false;
    this.cancel();
    this.fire();
    return true;
  }

  get waiting(): boolean {
    return this.timer !== null;
  }

  cancel(): void {
    if (this.timer !== null) (this.opts.timers ?? realTimers).clear(this.timer);
    this.timer = null;
    this.nextAt = null;
  }
}
