// rooms.*: join (saved for the next start), part, members, topic, invite, instant meeting.
import { ContractError } from '../../contract/index';
import type { AccountRuntime } from './accounts';
import type { EngineContext } from './context';
import { toErrorInfo } from './dto';
import type { HandlerFamily } from './handlers';
import { roomJoined, savedRooms, saveRooms } from './rooms';

/** the adapter's rooms group, or 'unsupported' */
function roomsOf(rt: AccountRuntime) {
  const rooms = rt.adapter!.rooms;
  if (!rooms) throw new ContractError('unsupported', 'this network has no rooms');
  return rooms;
}

/** a refusal from the server is reported as a protocol error of the command */
async function asProtocol<T>(p: Promise<T>): Promise<T> {
  try {
    return await p;
  } catch (err) {
    throw new ContractError('protocol', toErrorInfo(err).message);
  }
}

export const roomOps: HandlerFamily = (ctx: EngineContext) => ({
  'rooms.join': async ({ accountId, values }) => {
    const rt = ctx.onlineRt(accountId);
    const info = await asProtocol(roomsOf(rt).join(values));
    const conv = roomJoined(ctx, rt, info);
    saveRooms(ctx, rt, [...savedRooms(ctx, rt).filter((r) => r.roomId !== info.id), { roomId: info.id, values }]);
    return ctx.views.conversationDTO(conv);
  },
  'rooms.part': async ({ conversationId, reason }) => {
    const c = ctx.conv(conversationId);
    const rt = ctx.rt(String(c.accountId));
    saveRooms(ctx, rt, savedRooms(ctx, rt).filter((r) => r.roomId !== c.address));
    if (rt.online && rt.adapter?.rooms) await rt.adapter.rooms.part(c.address, reason).catch(() => {});
    rt.rooms.delete(c.address);
    ctx.roomContacts.refresh(rt);
    ctx.views.emitConversation(c.id);
    return null;
  },
  'rooms.members': ({ conversationId }) => {
    const c = ctx.conv(conversationId);
    return ctx.views.members(ctx.rt(String(c.accountId)), c.address);
  },
  'rooms.setTopic': async ({ conversationId, topic }) => {
    const c = ctx.conv(conversationId);
    const rt = ctx.onlineRt(String(c.accountId));
    await asProtocol(roomsOf(rt).setTopic(c.address, topic));
    return null;
  },
  'rooms.invite': async ({ conversationId, address, reason }) => {
    const c = ctx.conv(conversationId);
    const rt = ctx.onlineRt(String(c.accountId));
    await asProtocol(roomsOf(rt).invite(c.address, address, reason));
    return null;
  },
  'rooms.startMeeting': async ({ accountId, addresses, name }) => {
    const rt = ctx.onlineRt(accountId);
    const rooms = roomsOf(rt);
    const invitees = addresses.map((a) => {
      const v = rt.adapter!.normalize(a);
      if (!v.ok) throw new ContractError('invalid', `${a}: ${v.error}`, { addresses: v.error });
      return v.normalized;
    });
    const info = await asProtocol(rooms.createPrivate(invitees, name ? { name } : {}));
    return ctx.views.conversationDTO(roomJoined(ctx, rt, info));
  },
});
