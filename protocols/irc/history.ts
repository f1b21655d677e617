/** CHATHISTORY pages: the lines of a chathistory batch turned into replayed IncomingMessages. Pure. */
import type { ConversationRef, HistoryPage, IncomingMessage } from '../../core/protocol/types';
import type { IrcContext } from './context';
import { stripFormatting } from './format';
import { parseServerTime } from './servertime';
import { syntheticServerId } from './handlers/messages';
import type { ParsedLine } from './parse';

export function parseHistoryPage(ctx: IrcContext, conv: ConversationRef, lines: ParsedLine[], limit: number, _dir: 'before' | 'after' | 'latest'): HistoryPage {
  const messages: IncomingMessage[] = [];
  for (const l of lines) {
    if (l.verb !== 'PRIVMSG' && l.verb !== 'NOTICE') continue;
    const nick = (l.source ?? '').split('!')[0] ?? '';
    if (!nick) continue;
    let text = l.params[1] ?? '';
    let kind: IncomingMessage['kind'] = l.verb === 'NOTICE' ? 'notice' : 'chat';
    if (text.startsWith('\x01ACTION ')) { kind = 'action'; text = text.endsWith('\x01') ? text.slice(8, -1) : text.slice(8); }
    else if (text.startsWith('\x01')) continue;
    const now = ctx.deps.now();
    const t = parseServerTime(l.tags.time, now);
    const trusted = t !== undefined;
    const serverTime = t ?? now;
    const body = stripFormatting(text);
    const own = ctx.norm(nick) === ctx.norm(ctx.selfPrefix.nick);
    const serverId = l.tags.msgid || (trusted ? syntheticServerId(ctx.norm(nick), serverTime, body) : undefined);
    messages.push({
      conversation: conv, from: ctx.norm(nick), fromName: nick, body, kind, serverTime, serverTimeTrusted: trusted,
      ...(serverId ? { serverId } : {}), direction: own ? 'out' : 'in', replay: true,
    });
  }
  messages.sort((a, b) => a.serverTime - b.serverTime);
  const first = messages[0];
  const last = messages[messages.length - 1];
  return {
    messages,
    complete: messages.length < limit,
    ...(first?.serverId ? { first: first.serverId.startsWith('th:') ? new Date(first.serverTime).toISOString() : first.serverId } : {}),
    ...(last?.serverId ? { last: last.serverId.startsWith('th:') ? new Date(last.serverTime).toISOString() : last.serverId } : {}),
  };
}
