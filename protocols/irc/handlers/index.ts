/**
 * The composition: which handler files an account runs, in this order. Connection first (name rules
 * and our prefix must be current before anything else reads them), then channels (member lists before
 * presence changes them), peers (accounts, real names, hosts of members and buddies), presence, messages (needs conversations and our nick), CTCP, typing, history.
 */
import type { IrcContext } from '../context';
import { parseLine, type ParsedLine } from '../parse';
import { channelsHandler } from './channels';
import { connectionHandler } from './connection';
import { ctcpHandler } from './ctcp';
import { historyHandler } from './history';
import type { Handler, Hooks } from './hooks';
import { messagesHandler } from './messages';
import { peersHandler } from './peers';
import { presenceHandler } from './presence';
import { typingHandler } from './typing';

export const HANDLERS: readonly Handler[] = [connectionHandler, channelsHandler, peersHandler, presenceHandler, messagesHandler, ctcpHandler, typingHandler, historyHandler];

/** Attaches every handler to ctx.client; a throwing handler reports an error instead of killing the connection. */
export function installHandlers(ctx: IrcContext): void {
  const raw = new Map<string, ((l: ParsedLine) => void)[]>();
  const guard = <T>(what: string, fn: (e: T) => void) => (e: T) => {
    try {
      fn(e);
    } catch (err) {
      ctx.deps.log.warn('IRC handler failed', { what, err: (err as Error)?.message });
      ctx.error({ kind: 'protocol', fatal: false, message: `could not process a server message (${what})` });
    }
  };
  const hooks: Hooks = {
    on: (event, fn) => { ctx.client.on(event, guard(event, fn)); },
    raw: (verb, fn) => {
      const list = raw.get(verb) ?? [];
      list.push(guard(verb, fn));
      raw.set(verb, list);
    },
  };
  for (const h of HANDLERS) h(ctx, hooks);
  ctx.client.on('raw', (e: { line: string; from_server: boolean }) => {
    if (!e.from_server) return;
    let line: ParsedLine | null = null;
    try {
      line = parseLine(e.line);
    } catch {
      line = null;
    }
    if (!line) return;
    for (const fn of raw.get(line.verb.toUpperCase()) ?? []) fn(line);
    for (const fn of raw.get('*') ?? []) fn(line);
  });
}
