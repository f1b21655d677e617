/**
 * What the user sends: messages (split by our splitter, one label per part, confirmed by echo),
 * +typing TAGMSGs, and AWAY for the presence the user chose.
 */
import { AdapterError, type ConversationRef, type OutgoingMessage, type Presence } from '../../core/protocol/types';
import type { IrcAccount } from './account';
import type { PendingSend } from './context';
import { validateChannel, validateNick } from './names';
import { joinLine } from './parse';
import { splitMessage } from './split';

const AWAY_TEXT: Record<string, string> = { away: 'Away', xa: 'Extended away', dnd: 'Do not disturb' };

/** IRC has only "away": away, xa and dnd all become AWAY with a message; null for "here" */
export function awayLine(p: Presence): string | null {
  if (p.show === 'available' || p.show === 'chat' || p.show === 'invisible' || p.show === 'offline') return null;
  return joinLine({ verb: 'AWAY', params: [p.status || AWAY_TEXT[p.show] || 'Away'] });
}

export function sendMessage(account: IrcAccount, channelName: (roomId: string) => string, conv: ConversationRef, message: OutgoingMessage): void {
  const ctx = account.requireOnline();
  const target = conv.kind === 'room' ? channelName(conv.id) : conv.id;
  const check = conv.kind === 'room' ? validateChannel(target, ctx.rules) : validateNick(target, ctx.rules);
  if (!check.ok) throw new AdapterError({ kind: 'config', fatal: true, message: check.error });
  const command = message.kind === 'notice' ? 'NOTICE' : 'PRIVMSG';
  const sp = ctx.selfPrefix;
  const prefix = sp.user && sp.host ? `${sp.nick}!${sp.user}@${sp.host}` : sp.nick;
  const texts = splitMessage(message.body, { command, target, prefix, action: message.kind === 'action' });
  if (texts.length === 0) throw new AdapterError({ kind: 'config', fatal: true, message: 'empty message' });
  const echo = ctx.capEnabled('echo-message');
  const labels = echo && ctx.capEnabled('labeled-response') && ctx.capEnabled('message-tags');
  const pending: PendingSend = { clientId: message.clientId, conv, waiting: new Set(), parts: texts.length, texts: [...texts], target };
  texts.forEach((text, i) => {
    const tags: Record<string, string> = {};
    if (labels) {
      const label = ctx.nextLabel();
      tags.label = label;
      pending.waiting.add(label);
      ctx.pendingByLabel.set(label, pending);
    } else if (echo) {
      pending.waiting.add(`${i}:${text}`);
    }
    const line = joinLine({ tags, verb: command, params: [target, text] });
    const last = i === texts.length - 1;
    ctx.send(line, last && !echo ? () => account.emit({ type: 'receipt', conversation: conv, clientId: message.clientId, status: 'unconfirmed' }) : undefined, tags.label);
  });
  if (echo && !labels) ctx.pendingNoLabel.push(pending);
}

export function sendTyping(account: IrcAccount, channelName: (roomId: string) => string, conv: ConversationRef, state: 'active' | 'composing' | 'paused'): number {
  const ctx = account.ctx;
  if (!ctx?.registered || !ctx.capEnabled('message-tags')) return 0;
  const target = conv.kind === 'room' ? channelName(conv.id) : conv.id;
  const value = state === 'composing' ? 'active' : state === 'paused' ? 'paused' : 'done';
  ctx.send(joinLine({ tags: { '+typing': value }, verb: 'TAGMSG', params: [target] }));
  // the spec: repeat "active" at most every 3 s while typing; receivers expire it after 6 s
  return state === 'composing' ? 3000 : 0;
}
