/** How a handler file attaches itself: irc-framework events and raw lines (parsed once, by verb). */
import type { ParsedLine } from '../parse';
import type { IrcContext } from '../context';

export interface Hooks {
  /** an irc-framework event (payload typed by the handler that uses it) */
  on<T>(event: string, fn: (e: T) => void): void;
  /** a raw line from the server, by verb ('*' for all) */
  raw(verb: string, fn: (line: ParsedLine) => void): void;
}

export type Handler = (ctx: IrcContext, hooks: Hooks) => void;
