// Events from an adapter applied to the engine: messages to the ingest, receipts to the outbox,
// roster to the contact store, presence/rooms/typing to the live state and on to the hosts.
import type { AdapterEvent } from '../protocol/types';
import type { AccountRuntime } from './accounts';
import type { EngineContext } from './context';
import { roomJoined } from './rooms';

export function onAdapterEvent(ctx: EngineContext, rt: AccountRuntime, e: AdapterEvent) {
  if (!ctx.live) return;
  const store = ctx.store;
  switch (e.type) {
    case 'message':
      ctx.ingest.push(rt, [e.message]);
      break;
    case 'receipt': {
      ctx.ingest.flush();
      const m = store.findByClientId(rt.account.id, e.clientId);
      if (!m) break;
      rt.sending.delete(e.clientId);
      rt.drops.delete(e.clientId);
      ctx.outbox.setState(m, e.status, e.serverId, e.error?.message);
      break;
    }
    case 'unacked':
      if (e.orderlyEnd) ctx.outbox.inFlightOnly(rt, e.clientIds);
      for (const id of e.clientIds) {
        const m = store.findByClientId(rt.account.id, id);
        if (m && m.state === 'queued') ctx.outbox.setState(m, 'unconfirmed');
      }
      break;
    case 'roster':
      if (e.replace) ctx.roster.replace(rt, e.items);
      else ctx.roster.push(rt, e.items);
      break;
    case 'roster-remove':
      ctx.roster.remove(rt, e.ids);
      break;
    case 'presence': {
      let res = rt.presence.get(e.contactId);
      if (!res) rt.presence.set(e.contactId, (res = new Map()));
      if (e.presence.show === 'offline') res.delete(e.resource ?? '');
      else res.set(e.resource ?? '', e.presence);
      if (!res.size) rt.presence.delete(e.contactId);
      ctx.views.emitPeopleOf(rt, new Set([e.contactId]));
      break;
    }
    case 'peer-info':
      rt.peerInfo.set(e.contactId, { ...rt.peerInfo.get(e.contactId), ...e.info });
      ctx.views.emitPeopleOf(rt, new Set([e.contactId]));
      break;
    case 'subscription-request':
      ctx.emit({ type: 'contacts.subscriptionRequest', payload: { accountId: rt.id, address: e.from, ...(e.message ? { message: e.message } : {}) } });
      break;
    case 'typing': {
      const conv = store.findConversation(rt.account.id, e.conversation.kind, e.conversation.id);
      if (conv) ctx.emit({ type: 'typing', payload: { conversationId: String(conv.id), from: e.from, state: e.state } });
      break;
    }
    case 'room-joined':
      roomJoined(ctx, rt, e.room);
      break;
    case 'room-left': {
      rt.rooms.delete(e.roomId);
      ctx.roomContacts.refresh(rt);
      const conv = store.findConversation(rt.account.id, 'room', e.roomId);
      if (conv) ctx.views.emitConversation(conv.id);
      break;
    }
    case 'occupants': {
      const r = rt.rooms.get(e.roomId);
      if (!r) break;
      if (e.replace) r.occupants.clear();
      for (const o of e.occupants) r.occupants.set(o.nick, o);
      ctx.views.emitMembers(rt, e.roomId);
      ctx.roomContacts.refresh(rt, e.roomId);
      break;
    }
    case 'occupant-left': {
      const r = rt.rooms.get(e.roomId);
      if (r?.occupants.delete(e.nick)) {
        ctx.views.emitMembers(rt, e.roomId);
        ctx.roomContacts.refresh(rt, e.roomId);
      }
      break;
    }
    case 'nick-changed': {
      if (!e.roomId && e.oldNick === rt.nick) rt.nick = e.newNick;
      for (const [id, r] of rt.rooms) {
        if (e.roomId && e.roomId !== id) continue;
        if (r.info.nick === e.oldNick) r.info = { ...r.info, nick: e.newNick };
        const o = r.occupants.get(e.oldNick);
        if (o) {
          r.occupants.delete(e.oldNick);
          r.occupants.set(e.newNick, { ...o, nick: e.newNick });
          ctx.views.emitMembers(rt, id);
        }
      }
      ctx.roomContacts.refresh(rt);
      break;
    }
    case 'topic': {
      const r = rt.rooms.get(e.roomId);
      if (r) r.topic = e.topic;
      const conv = store.findConversation(rt.account.id, 'room', e.roomId);
      if (conv) ctx.views.emitConversation(conv.id);
      break;
    }
    case 'invite':
      ctx.emit({ type: 'rooms.invite', payload: { accountId: rt.id, room: e.roomId, from: e.from, ...(e.reason ? { reason: e.reason } : {}) } });
      break;
    case 'error':
      ctx.emit({ type: 'error', payload: { code: 'protocol', message: e.error.message, accountId: rt.id } });
      break;
    default:
      break;
  }
}
