// Room state kept by the engine: a joined room's conversation, and the rooms saved per account
// (re-joined on the next start).
import type { Conversation } from '../history/index';
import type { RoomInfo } from '../protocol/types';
import type { AccountRuntime } from './accounts';
import { K } from './keys';
import type { EngineContext } from './context';
import type { SavedRoom } from './connections';

/** the adapter joined a room (asked, re-joined or created): live state + conversation */
export function roomJoined(ctx: EngineContext, rt: AccountRuntime, info: RoomInfo): Conversation {
  const prev = rt.rooms.get(info.id);
  rt.rooms.set(info.id, { info, occupants: prev?.occupants ?? new Map(), ...(info.topic ?? prev?.topic ? { topic: info.topic ?? prev?.topic } : {}) });
  const conv = ctx.store.ensureConversation(rt.account.id, 'room', info.id, info.name ?? null);
  ctx.views.emitConversation(conv.id);
  return conv;
}

export function savedRooms(ctx: EngineContext, rt: AccountRuntime): SavedRoom[] {
  return ctx.setting<SavedRoom[]>(K.rooms(rt.id), []);
}

export function saveRooms(ctx: EngineContext, rt: AccountRuntime, rooms: SavedRoom[]) {
  ctx.store.setSetting(K.rooms(rt.id), rooms);
}
