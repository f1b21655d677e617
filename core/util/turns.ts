/**
 * Round-robin turns over queues of incoming work (IRC lines, XMPP text), so that a flood never
 * holds the event loop for long: queues with work wait in a ready set, one callback per turn of the
 * event loop (setImmediate) serves them in order, and what is left gets the next turn — timers,
 * socket reads and the host's commands are served in between. The protocol decides how much one
 * queue gets (`serve`) and whether a turn goes round more than once (`again`).
 */
export interface TurnPolicy<Q> {
  /** serves some of q's work; returns true when work is left */
  serve(q: Q): boolean;
  /** called at the start of each turn (e.g. to start a time budget) */
  begin?(): void;
  /** checked after each queue: false ends the turn early (a budget is spent); default: go on */
  more?(): boolean;
  /** go round the ready queues again within the same turn while `more()` allows it; default false */
  again?: boolean;
}

export class RoundRobinTurns<Q> {
  /** queues with work waiting; insertion order is the round-robin order */
  private readonly ready = new Set<Q>();
  private scheduled = false;

  constructor(private readonly policy: TurnPolicy<Q>) {}

  /** the queue has new work: it gets a turn (soon, never synchronously) */
  wake(q: Q): void {
    this.ready.add(q);
    this.schedule();
  }

  /** the queue is gone: its work is not served any more */
  forget(q: Q): void {
    this.ready.delete(q);
  }

  private schedule(): void {
    if (this.scheduled) return;
    this.scheduled = true;
    setImmediate(() => this.turn());
  }

  private turn(): void {
    this.scheduled = false;
    const p = this.policy;
    const more = () => p.more?.() ?? true;
    p.begin?.();
    let failure: { err: unknown } | null = null;
    do {
      for (const q of [...this.ready]) {
        let left = false;
        try {
          left = p.serve(q);
        } catch (err) {
          // a listener threw: the queues stay consistent, the error surfaces as it would have
          // without the scheduler (uncaught), after this turn
          failure ??= { err };
          left = true;
        }
        this.ready.delete(q);
        if (left) this.ready.add(q);
        if (failure || !more()) break;
      }
    } while (p.again && this.ready.size > 0 && !failure && more());
    if (this.ready.size) this.schedule();
    if (failure) {
      const { err } = failure;
      process.nextTick(() => {
        throw err;
      });
    }
  }
}
