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

import { RoundRobinTurns } from '../../core/util/turns';

/** a connection's queue of received text, as the scheduler sees it */
export interface InputQueue {
  /** hands on ONE piece of text; returns true when text is left */
  step(): boolean;
}

/** largest piece handed to the parser at once (a few stanzas of a flood) */
export const PIECE_CHARS = 2048;

/**
 * One scheduler per process for every XMPP connection: one piece per connection per turn, never
 * more. xmpp.js finishes handling a stanza in promise continuations (stream management counts
 * stanzas there, and resets its count when <enabled/> was handled), which run only when the turn's
 * callback has returned. Two pieces of one connection in one callback reordered that work (the
 * server saw acknowledgements of stanzas it never counted).
 */
export const inputScheduler = new RoundRobinTurns<InputQueue>({ serve: (q) => q.step() });

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
