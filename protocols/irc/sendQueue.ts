/**
 * A rate-limited line queue (token bucket): a burst of `burst` lines goes out at once, then one
 * line every `intervalMs`, so a paste never gets the user kicked for flooding (ngircd penalties,
 * InspIRCd fakelag / Excess Flood). PONG and QUIT skip the queue (see session.ts).
 *
 * Where lines carry a label (labeled-response), at most `window` of them wait for the server's
 * answer at a time: a server that is slow to read (a loaded machine, a lagging link) never has more
 * than that many of our lines unprocessed, so its flood counter cannot be overrun by lines that
 * piled up while it was not reading, whatever the clocks do. A window that gets no answer for
 * `ackTimeoutMs` is released (a server that stops answering labels must not stop the queue).
 */
export interface QueueOptions {
  burst: number;
  intervalMs: number;
  /** labeled lines awaiting an answer at once (default: burst) */
  window?: number;
  ackTimeoutMs?: number;
}

interface Queued { line: string; onSent?: () => void; label?: string }

export class SendQueue {
  private tokens: number;
  private last: number;
  private readonly lines: Queued[] = [];
  private timer: NodeJS.Timeout | null = null;
  /** labels written and not answered yet */
  private readonly inFlight = new Set<string>();
  private ackTimer: NodeJS.Timeout | null = null;

  constructor(private readonly write: (line: string) => void, private readonly opts: QueueOptions, private readonly now: () => number = Date.now) {
    this.tokens = opts.burst;
    this.last = now();
  }

  get pending(): number {
    return this.lines.length;
  }

  private get window(): number {
    return Math.max(1, this.opts.window ?? this.opts.burst);
  }

  /** `label`: the line carries this label and the server will answer it (echo, error, ACK) */
  push(line: string, onSent?: () => void, label?: string): void {
    this.lines.push({ line, ...(onSent ? { onSent } : {}), ...(label ? { label } : {}) });
    this.drain();
  }

  /** the server answered a labeled line: room for the next one */
  ack(label: string): void {
    if (!this.inFlight.delete(label)) return;
    if (this.ackTimer) { clearTimeout(this.ackTimer); this.ackTimer = null; }
    this.drain();
  }

  /** drops everything not yet written (connection gone) */
  clear(): string[] {
    if (this.timer) clearTimeout(this.timer);
    if (this.ackTimer) clearTimeout(this.ackTimer);
    this.timer = null;
    this.ackTimer = null;
    this.inFlight.clear();
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
    while (this.lines.length && this.tokens > 0 && this.inFlight.size < this.window) {
      const l = this.lines.shift()!;
      this.tokens--;
      if (l.label) this.inFlight.add(l.label);
      this.write(l.line);
      l.onSent?.();
    }
    if (!this.lines.length) return;
    if (this.inFlight.size >= this.window) {
      // waiting for answers (ack() drains again); released if none comes
      if (!this.ackTimer) {
        this.ackTimer = setTimeout(() => { this.ackTimer = null; this.inFlight.clear(); this.drain(); }, this.opts.ackTimeoutMs ?? 15_000);
        this.ackTimer.unref?.();
      }
      return;
    }
    const wait = Math.max(1, this.last + this.opts.intervalMs - this.now());
    this.timer = setTimeout(() => { this.timer = null; this.drain(); }, wait);
    this.timer.unref?.();
  }
}
