/**
 * Who people are beyond their nick: services account (extended-join, account-notify, account-tag,
 * WHOX), real name (extended-join, SETNAME, WHO) and user@host (JOIN, CHGHOST, WHO, MONITOR).
 * Kept per connection for people in our channels or on the buddy list; a change is shown on every
 * member list they are in ('occupants') and, for buddies, as a 'peer-info' event.
 */
import type { Occupant, PeerInfo } from '../../core/protocol/types';
import type { IrcContext, Member } from './context';

const FIELDS = ['account', 'realName', 'userHost'] as const;

/** the member as the engine sees it: nick, prefixes, away, and what we know about the person */
export function occupant(ctx: IrcContext, m: Member): Occupant {
  const key = ctx.norm(m.nick);
  const info = ctx.peers.get(key);
  return {
    nick: m.nick, id: key,
    ...(m.modes ? { modes: m.modes } : {}),
    ...(m.away !== undefined ? { away: m.away } : {}),
    ...(info?.account !== undefined ? { account: info.account } : {}),
    ...(info?.realName !== undefined ? { realName: info.realName } : {}),
    ...(info?.userHost !== undefined ? { userHost: info.userHost } : {}),
  };
}

/** Merges what the server just said about `nick`; tells the member lists and the buddy list when something changed. */
export function updatePeer(ctx: IrcContext, nick: string, patch: PeerInfo): void {
  const key = ctx.norm(nick);
  const known = ctx.peers.get(key) ?? {};
  const changed = FIELDS.filter((f) => patch[f] !== undefined && patch[f] !== known[f]);
  if (!changed.length) return;
  const next: PeerInfo = { ...known };
  for (const f of changed) next[f] = patch[f]!;
  ctx.peers.set(key, next);
  for (const [roomId, ch] of ctx.channels) {
    const m = ch.members.get(key);
    if (m) ctx.emit({ type: 'occupants', roomId, occupants: [occupant(ctx, m)], replace: false });
  }
  if (ctx.watched.has(key)) ctx.emit({ type: 'peer-info', contactId: key, info: next });
}

/** a nick changed: what we know moves with it */
export function renamePeer(ctx: IrcContext, oldNick: string, newNick: string): void {
  const from = ctx.norm(oldNick);
  const info = ctx.peers.get(from);
  if (!info) return;
  ctx.peers.delete(from);
  ctx.peers.set(ctx.norm(newNick), info);
}

/** forget someone who shares no channel with us and is not a buddy (keeps the map bounded) */
export function forgetPeerIfGone(ctx: IrcContext, nick: string): void {
  const key = ctx.norm(nick);
  if (ctx.watched.has(key)) return;
  for (const ch of ctx.channels.values()) if (ch.members.has(key)) return;
  ctx.peers.delete(key);
}

/** "nick!user@host" → its parts (either may be missing) */
export function splitPrefix(source: string | undefined): { nick: string; userHost?: string } {
  const s = source ?? '';
  const bang = s.indexOf('!');
  if (bang < 0) return { nick: s };
  return { nick: s.slice(0, bang), userHost: s.slice(bang + 1) };
}

/** our WHOX token: 354 replies carrying it have the fields of WHOX_FIELDS, in this order */
export const WHOX_TOKEN = '152';
const WHOX_FIELDS = '%tcuhnfar';

/** WHO for a channel: WHOX (with the account) where the server has it, plain WHO elsewhere */
export function whoLine(ctx: IrcContext, channel: string): string {
  return ctx.client.network.options.WHOX !== undefined ? `WHO ${channel} ${WHOX_FIELDS},${WHOX_TOKEN}` : `WHO ${channel}`;
}

export interface WhoEntry { nick: string; flags: string; userHost: string; realName: string; account?: string }

/**
 * RPL_WHOREPLY (352): <me> <channel> <user> <host> <server> <nick> <H|G>[*][@+] :<hops> <realname>
 * RPL_WHOSPCRPL (354, our token): <me> <token> <channel> <user> <host> <nick> <flags> <account|0> :<realname>
 */
export function parseWho(verb: string, params: string[]): WhoEntry | null {
  if (verb === '352') {
    const [, , user, host, , nick, flags = '', real = ''] = params;
    if (!nick || !user || !host) return null;
    return { nick, flags, userHost: `${user}@${host}`, realName: real.replace(/^\d+ /, '') };
  }
  if (verb === '354' && params[1] === WHOX_TOKEN) {
    const [, , , user, host, nick, flags = '', account = '0', realName = ''] = params;
    if (!nick || !user || !host) return null;
    return { nick, flags, userHost: `${user}@${host}`, realName, account: account === '0' ? '' : account };
  }
  return null;
}
