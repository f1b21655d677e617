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

import { RoundRobinTurns } from '../../core/util/turns';

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

/** lines handed on in the current turn, and when its time budget ends */
let lines = 0;
let end = 0;
const budgetLeft = () => lines < MAX_LINES_PER_TURN && performance.now() < end;

/** one scheduler per process: the budget is shared by every IRC connection */
export const lineScheduler = new RoundRobinTurns<LineQueue>({
  begin: () => {
    lines = 0;
    end = performance.now() + SLICE_MS;
  },
  serve: (q) => {
    let quantum = 0;
    return q.drain(() => {
      if (quantum >= QUANTUM || !budgetLeft()) return false;
      quantum++;
      lines++;
      return true;
    });
  },
  more: budgetLeft,
  again: true,
});
