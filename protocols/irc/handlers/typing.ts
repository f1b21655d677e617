/** Typing: the +typing client tag on TAGMSG (IRCv3 typing spec), where the server relays client tags. */
import type { Handler } from './hooks';

interface TagmsgEvent { nick: string; target: string; tags: Record<string, string | true> }

export const typingHandler: Handler = (ctx, hooks) => {
  hooks.on<TagmsgEvent>('tagmsg', (e) => {
    const t = e.tags?.['+typing'] ?? e.tags?.['+draft/typing'];
    if (typeof t !== 'string' || !e.nick) return;
    if (ctx.norm(e.nick) === ctx.norm(ctx.selfPrefix.nick)) return;
    const state = t === 'active' ? 'composing' : t === 'paused' ? 'paused' : 'active';
    ctx.emit({ type: 'typing', conversation: ctx.conversationFor(e.target, e.nick), from: ctx.norm(e.nick), state });
  });
};
