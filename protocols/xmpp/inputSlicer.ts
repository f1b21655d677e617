/**
 * Hands incoming XMPP text to the stream parser in slices, so that a flood never holds the event
 * loop for long (the XMPP side of protocols/irc/lineSlicer.ts).
 *
 * xmpp.js parses a socket read and dispatches every stanza it completes synchronously: the stanza
 * guard, the middleware, the adapter's handlers, the engine behind them and the replies (a roster
 * push is answered, and stream management stamps every reply). One 64 KiB read is hundreds of
 * roster pushes, which was 0.2–0.8 s in one step under load; a 5 MiB roster at login was parsed in
 * one go. Text of every XMPP connection in this process therefore waits in its connection's queue
 * and one shared scheduler hands it to the parser in pieces of at most PIECE_CHARS: one piece per
 * connection per turn of the event loop (round robin), a setImmediate between turns (timers,
 * socket reads and the host's commands are served in between). The text of one connection keeps
 * its order; where a piece ends is invisible to the parser (it is a streaming parser; pieces end
 * after a '>' where one is near, and never inside a UTF-16 surrogate pair — UTF-8 was decoded
 * with a streaming decoder before).
 */

/** a connection's queue of received text, as the scheduler sees it */
export interface InputQueue {
  /** hands on ONE piece of text; returns true when text is left */
  step(): boolean;
}

/** largest piece handed to the parser at once (a few stanzas of a flood) */
export const PIECE_CHARS = 2048;

class InputScheduler {
  /** connections with text waiting; insertion order is the round-robin order */
  private readonly ready = new Set<InputQueue>();
  private scheduled = false;

  /** the queue has new text: it gets a turn (soon, never synchronously) */
  wake(q: InputQueue): void {
    this.ready.add(q);
    this.schedule();
  }

  /** the connection is gone: its text is not handed on any more */
  forget(q: InputQueue): void {
    this.ready.delete(q);
  }

  private schedule(): void {
    if (this.scheduled) return;
    this.scheduled = true;
    setImmediate(() => this.turn());
  }

  /**
   * One piece per connection per turn. Never more: xmpp.js finishes handling a stanza in promise
   * continuations (stream management counts stanzas there, and resets its count when <enabled/>
   * was handled), which run only when this callback has returned. Two pieces of one connection in
   * one callback reordered that work (the server saw acknowledgements of stanzas it never counted).
   */
  private turn(): void {
    this.scheduled = false;
    let failure: { err: unknown } | null = null;
    for (const q of [...this.ready]) {
      let left = false;
      try {
        left = q.step();
      } catch (err) {
        // a listener threw (xmpp.js's data handler is guarded in xmppStream.ts): the scheduler
        // stays consistent, the error surfaces as before (uncaught), after this turn
        failure ??= { err };
        left = true;
      }
      this.ready.delete(q);
      if (left) this.ready.add(q);
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

/** one scheduler per process for every XMPP connection */
export const inputScheduler = new InputScheduler();

/**
 * Where the next piece of `s` (from `start`) ends: the whole rest when it is short, else just after
 * the last '>' within PIECE_CHARS, else PIECE_CHARS on (one less if that would split a surrogate pair).
 */
export function pieceEnd(s: string, start: number): number {
  if (s.length - start <= PIECE_CHARS) return s.length;
  const limit = start + PIECE_CHARS;
  const gt = s.lastIndexOf('>', limit - 1);
  if (gt >= start) return gt + 1;
  const c = s.charCodeAt(limit - 1);
  return c >= 0xd800 && c <= 0xdbff ? limit - 1 : limit;
}
