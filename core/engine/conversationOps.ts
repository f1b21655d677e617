// conversations.*, messages.* and typing.set: opening, read markers, muting, timelines, sending
// (through the outbox) and re-sending.
import { ContractError } from '../../contract/index';
import type { Conversation } from '../history/index';
import type { EngineContext } from './context';
import { messageDTO } from './dto';
import type { HandlerFamily } from './handlers';
import { messagePage } from './messagePage';

export const conversationOps: HandlerFamily = (ctx: EngineContext) => ({
  'conversations.list': () =>
    ctx.store
      .listConversations()
      .map((c) => ctx.views.conversationDTO(c, c.unread, c.lastMessage?.serverTime)),
  'conversations.open': (i) => {
    let c: Conversation;
    if ('personId' in i) c = ctx.views.routeToPerson(i.personId);
    else {
      const rt = ctx.rt(i.accountId);
      const d = ctx.descriptor(rt.account.protocol);
      const v = d.validateAddress(i.address, i.kind);
      if (!v.ok) throw new ContractError('invalid', v.error, { address: v.error });
      c = ctx.store.ensureConversation(rt.account.id, i.kind, v.normalized, null);
    }
    return ctx.views.changedConversation(c);
  },
  'conversations.markRead': async ({ conversationId, upToId }) => {
    const store = ctx.store;
    const c = ctx.conv(conversationId);
    const upTo = upToId ? Number(upToId) : store.latest(c.id, 1)[0]?.id;
    if (upTo !== undefined) store.markRead(c.id, upTo);
    ctx.counters.clearMentions(c.id);
    const fresh = store.getConversation(c.id)!;
    // tell the other side where possible (XEP-0333), never failing the command for it
    const rt = ctx.runtimes.get(String(c.accountId));
    const m = upTo !== undefined ? store.getMessage(upTo) : null;
    if (rt?.online && rt.adapter?.receipts && m?.serverId && m.direction === 'in') void rt.adapter.receipts.markRead({ kind: c.kind, id: c.address }, m.serverId).catch(() => {});
    return ctx.views.changedConversation(fresh);
  },
  'conversations.setMuted': ({ conversationId, muted }) => {
    const c = ctx.conv(conversationId);
    const set = new Set(ctx.mutedSet());
    if (muted) set.add(conversationId);
    else set.delete(conversationId);
    ctx.setMuted(set);
    return ctx.views.changedConversation(c);
  },
  'conversations.close': ({ conversationId }) => {
    ctx.conv(conversationId);
    return null;
  },
  'messages.page': (i) => {
    ctx.ingest.flush();
    const convs = 'personId' in i ? ctx.views.personConversations(i.personId) : [ctx.conv(i.conversationId)];
    return messagePage(ctx, convs, i);
  },
  'messages.send': (i) => {
    const c = 'personId' in i ? ctx.views.routeToPerson(i.personId) : ctx.conv(i.conversationId);
    const rt = ctx.rt(String(c.accountId));
    const m = ctx.outbox.queue(rt, c, i.body, i.kind ?? 'chat');
    return messageDTO(m, { sending: rt.online });
  },
  'messages.resend': ({ messageId }) => {
    const store = ctx.store;
    const m = store.getMessage(Number(messageId));
    if (!m || m.direction !== 'out') throw new ContractError('not-found', 'no such own message');
    if (m.state !== 'failed' && m.state !== 'unconfirmed' && m.state !== 'queued') throw new ContractError('invalid', 'the message was already sent');
    const c = store.getConversation(m.conversationId)!;
    const rt = ctx.rt(String(m.accountId));
    if (m.clientId) {
      rt.sending.delete(m.clientId);
      rt.drops.delete(m.clientId);
    }
    store.setState(m.id, 'queued');
    const fresh = store.getMessage(m.id)!;
    ctx.emit({ type: 'messages.updated', payload: { id: messageId, conversationId: String(c.id), state: rt.online ? 'sending' : 'queued' } });
    if (rt.online) void ctx.outbox.send(rt, c, fresh);
    return messageDTO(fresh, { sending: rt.online });
  },
  'typing.set': ({ conversationId, state }) => {
    const c = ctx.conv(conversationId);
    const rt = ctx.runtimes.get(String(c.accountId));
    if (rt?.online && rt.adapter?.typing) rt.adapter.typing.sendTyping({ kind: c.kind, id: c.address }, state);
    return null;
  },
});
