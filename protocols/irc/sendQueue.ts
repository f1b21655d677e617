/**
 * A rate-limited line queue (token bucket): a burst of `burst` lines goes out at once, then one
 * line every `intervalMs`, so a paste never gets the user kicked for flooding (ngircd penalties,
 * InspIRCd fakelag / Excess Flood). PONG and QUIT skip the queue (see adapter).
 */
export interface QueueOptions {
  burst: number;
  intervalMs: number;
}

export class SendQueue {
  private tokens: number;
  private last: number;
  private readonly lines: { line: string; onSent?: () => void }[] = [];
  private timer: NodeJS.Timeout | null = null;

  constructor(private readonly write: (line: string) => void, private readonly opts: QueueOptions, private readonly now: () => number = Date.now) {
    this.tokens = opts.burst;
    this.last = now();
  }

  get pending(): number {
    return this.lines.length;
  }

  push(line: string, onSent?: () => void): void {
    this.lines.push(onSent ? { line, onSent } : { line });
    this.drain();
  }

  /** drops everything not yet written (connection gone) */
  clear(): string[] {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    return this.lines.splice(0).map((l) => l.line);
  }

  reset(): void {
    this.clear();
    this.tokens = this.opts.burst;
    this.last = this.now();
  }

  private refill(): void {
    const t = this.now();
    const gained = Math.floor((t - this.last) / this.opts.intervalMs);
    if (gained > 0) {
      this.tokens = Math.min(this.opts.burst, this.tokens + gained);
      this.last += gained * this.opts.intervalMs;
    }
    if (this.tokens >= this.opts.burst) this.last = t;
  }

  private drain(): void {
    if (this.timer) return;
    this.refill();
    while (this.lines.length && this.tokens > 0) {
      const l = this.lines.shift()!;
      this.tokens--;
      this.write(l.line);
      l.onSent?.();
    }
    if (this.lines.length) {
      const wait = Math.max(1, this.last + this.opts.intervalMs - this.now());
      this.timer = setTimeout(() => { this.timer = null; this.drain(); }, wait);
      this.timer.unref?.();
    }
  }
}
