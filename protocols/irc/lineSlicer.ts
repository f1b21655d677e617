/**
 * Hands incoming IRC lines on in slices, so that a flood never holds the event loop for long.
 *
 * irc-framework parses and dispatches every line synchronously, and the adapter's handlers (and the
 * engine behind them) run inside that call: one socket read of 64 KiB is about a thousand lines,
 * which was tens to hundreds of milliseconds in one step while the engine answered nothing else.
 * Lines of every IRC connection in this process therefore wait in their connection's queue and one
 * shared scheduler hands them on: at most SLICE_MS and MAX_LINES_PER_TURN per turn of the event
 * loop, at most QUANTUM lines of one connection before the next one gets its turn (round robin, so
 * one flooded account does not starve the others), and a setImmediate between turns (timers, socket
 * reads and the host's commands are served in between). Lines of one connection keep their order.
 */

/** a connection's queue of lines, as the scheduler sees it */
export interface LineQueue {
  /**
   * hands on queued lines, one per `take()` that returns true, until it returns false or the queue
   * is empty; returns true when lines are left
   */
  drain(take: () => boolean): boolean;
}

/** longest stretch of line handling (all connections together) before the event loop gets a turn */
export const SLICE_MS = 4;
/** most lines handled in one turn, however cheap they are */
export const MAX_LINES_PER_TURN = 200;
/** lines of one connection before the next connection with lines waiting gets its turn */
const QUANTUM = 50;

class LineScheduler {
  /** connections with lines waiting; insertion order is the round-robin order */
  private readonly ready = new Set<LineQueue>();
  private scheduled = false;

  /** the queue has new lines: it gets a turn (soon, never synchronously) */
  wake(q: LineQueue): void {
    this.ready.add(q);
    this.schedule();
  }

  /** the connection is gone: its lines are not handed on any more */
  forget(q: LineQueue): void {
    this.ready.delete(q);
  }

  private schedule(): void {
    if (this.scheduled) return;
    this.scheduled = true;
    setImmediate(() => this.turn());
  }

  private turn(): void {
    this.scheduled = false;
    const end = performance.now() + SLICE_MS;
    let lines = 0;
    const budgetLeft = () => lines < MAX_LINES_PER_TURN && performance.now() < end;
    let failure: { err: unknown } | null = null;
    while (this.ready.size && budgetLeft() && !failure) {
      for (const q of [...this.ready]) {
        let quantum = 0;
        const take = () => {
          if (quantum >= QUANTUM || !budgetLeft()) return false;
          quantum++;
          lines++;
          return true;
        };
        let left = false;
        try {
          left = q.drain(take);
        } catch (err) {
          // a listener threw (lines themselves are guarded in the transport): the scheduler stays
          // consistent, the error surfaces as before (uncaught), after this turn
          failure = { err };
          left = true;
        }
        this.ready.delete(q);
        if (left) this.ready.add(q);
        if (!budgetLeft() || failure) break;
      }
    }
    if (this.ready.size) this.schedule();
    if (failure) {
      const { err } = failure;
      process.nextTick(() => {
        throw err;
      });
    }
  }
}

/** one scheduler per process: the budget is shared by every IRC connection */
export const lineScheduler = new LineScheduler();
