/**
 * Channels: JOIN / PART / KICK / QUIT / NICK / TOPIC / INVITE / MODE and NAMES, reflected in member
 * lists ('occupants' events with prefix symbols, multi-prefix aware).
 */
import type { ChannelState, IrcContext, Member } from '../context';
import { forgetPeerIfGone, occupant, renamePeer, whoLine } from '../peers';
import type { Handler } from './hooks';

interface JoinEvent { nick: string; ident?: string; hostname?: string; channel: string; account?: string | false }
interface PartEvent { nick: string; channel: string; message?: string }
interface KickEvent { kicked: string; nick: string; channel: string; message?: string }
interface QuitEvent { nick: string; message?: string }
interface NickEvent { nick: string; new_nick: string }
interface TopicEvent { channel: string; topic: string; nick?: string }
interface InviteEvent { nick: string; channel: string; invited: string }
interface UserlistEvent { channel: string; users: { nick: string; modes: string[] }[] }
interface ModeEvent { target: string; nick: string; modes: { mode: string; param?: string }[] }

/** mode letters → prefix symbols in the server's PREFIX order (highest first) */
export function modesToPrefix(ctx: IrcContext, modes: string[]): string {
  const prefix = ctx.client.network.options.PREFIX ?? [{ symbol: '@', mode: 'o' }, { symbol: '+', mode: 'v' }];
  return prefix.filter((p) => modes.includes(p.mode)).map((p) => p.symbol).join('');
}

export function channelState(ctx: IrcContext, name: string): ChannelState {
  const id = ctx.norm(name);
  let ch = ctx.channels.get(id);
  if (!ch) {
    ch = { name, joined: false, members: new Map() };
    ctx.channels.set(id, ch);
  }
  return ch;
}

const isSelf = (ctx: IrcContext, nick: string) => ctx.norm(nick) === ctx.norm(ctx.selfPrefix.nick);

export const channelsHandler: Handler = (ctx, hooks) => {
  hooks.on<JoinEvent>('join', (e) => {
    const ch = channelState(ctx, e.channel);
    const roomId = ctx.norm(e.channel);
    if (isSelf(ctx, e.nick)) {
      ch.joined = true;
      ch.name = e.channel;
      ch.members.clear();
      if (e.ident) ctx.selfPrefix.user = e.ident;
      if (e.hostname) ctx.selfPrefix.host = e.hostname;
      ctx.emit({ type: 'room-joined', room: { id: roomId, name: e.channel, nick: ctx.selfPrefix.nick, ...(ch.topic ? { topic: ch.topic } : {}) } });
      // initial away flags, real names, hosts (and accounts with WHOX) of the members;
      // away-notify, SETNAME, CHGHOST and account-notify keep them current afterwards
      ctx.send(whoLine(ctx, e.channel));
      return;
    }
    const m: Member = { nick: e.nick, modes: '' };
    ch.members.set(ctx.norm(e.nick), m);
    ctx.emit({ type: 'occupants', roomId, occupants: [occupant(ctx, m)], replace: false });
  });

  hooks.on<UserlistEvent>('userlist', (e) => {
    const ch = channelState(ctx, e.channel);
    ch.members.clear();
    for (const u of e.users) ch.members.set(ctx.norm(u.nick), { nick: u.nick, modes: modesToPrefix(ctx, u.modes ?? []) });
    ctx.emit({ type: 'occupants', roomId: ctx.norm(e.channel), occupants: [...ch.members.values()].map((m) => occupant(ctx, m)), replace: true });
  });

  const left = (channel: string, nick: string, reason: string | undefined, kickedBy?: string) => {
    const roomId = ctx.norm(channel);
    const ch = ctx.channels.get(roomId);
    if (isSelf(ctx, nick)) {
      const members = ch ? [...ch.members.values()] : [];
      if (ch) { ch.joined = false; ch.members.clear(); }
      // a channel we left on purpose is not rejoined on reconnect; a kick neither
      ctx.channels.delete(roomId);
      for (const m of members) forgetPeerIfGone(ctx, m.nick);
      ctx.emit({ type: 'room-left', roomId, ...(reason ? { reason } : {}), ...(kickedBy ? { kickedBy } : {}) });
      return;
    }
    ch?.members.delete(ctx.norm(nick));
    forgetPeerIfGone(ctx, nick);
    ctx.emit({ type: 'occupant-left', roomId, nick, ...(reason ? { reason } : {}) });
  };
  hooks.on<PartEvent>('part', (e) => left(e.channel, e.nick, e.message || undefined));
  hooks.on<KickEvent>('kick', (e) => left(e.channel, e.kicked, e.message || undefined, e.nick));

  hooks.on<QuitEvent>('quit', (e) => {
    const key = ctx.norm(e.nick);
    for (const [roomId, ch] of ctx.channels) {
      if (ch.members.delete(key)) ctx.emit({ type: 'occupant-left', roomId, nick: e.nick, ...(e.message ? { reason: e.message } : {}) });
    }
    forgetPeerIfGone(ctx, e.nick);
    const w = ctx.watched.get(key);
    if (w) { w.online = false; ctx.emit({ type: 'presence', contactId: key, presence: { show: 'offline' } }); }
  });

  hooks.on<NickEvent>('nick', (e) => {
    const oldKey = ctx.norm(e.nick);
    renamePeer(ctx, e.nick, e.new_nick);
    if (isSelf(ctx, e.nick)) {
      ctx.selfPrefix.nick = e.new_nick;
      ctx.emit({ type: 'self', id: ctx.norm(e.new_nick), nick: e.new_nick });
      ctx.emit({ type: 'nick-changed', oldNick: e.nick, newNick: e.new_nick });
    }
    for (const [roomId, ch] of ctx.channels) {
      const m = ch.members.get(oldKey);
      if (!m) continue;
      ch.members.delete(oldKey);
      m.nick = e.new_nick;
      ch.members.set(ctx.norm(e.new_nick), m);
      ctx.emit({ type: 'nick-changed', roomId, oldNick: e.nick, newNick: e.new_nick });
    }
  });

  hooks.on<TopicEvent>('topic', (e) => {
    const ch = channelState(ctx, e.channel);
    ch.topic = e.topic;
    ctx.emit({ type: 'topic', roomId: ctx.norm(e.channel), topic: e.topic, ...(e.nick ? { by: e.nick } : {}) });
  });

  hooks.on<InviteEvent>('invite', (e) => {
    if (!isSelf(ctx, e.invited)) return; // invite-notify about someone else
    ctx.emit({ type: 'invite', roomId: ctx.norm(e.channel), from: ctx.norm(e.nick) });
  });

  hooks.on<ModeEvent>('mode', (e) => {
    if (!ctx.isChannel(e.target)) return;
    const ch = ctx.channels.get(ctx.norm(e.target));
    if (!ch) return;
    const prefix = ctx.client.network.options.PREFIX ?? [];
    const changed: Member[] = [];
    for (const m of e.modes ?? []) {
      const letter = m.mode.slice(1);
      const p = prefix.find((x) => x.mode === letter);
      if (!p || !m.param) continue;
      const member = ch.members.get(ctx.norm(m.param));
      if (!member) continue;
      const set = new Set(member.modes.split('').filter(Boolean));
      if (m.mode[0] === '+') set.add(p.symbol); else set.delete(p.symbol);
      member.modes = prefix.map((x) => x.symbol).filter((s) => set.has(s)).join('');
      changed.push(member);
    }
    if (changed.length) ctx.emit({ type: 'occupants', roomId: ctx.norm(e.target), occupants: changed.map((m) => occupant(ctx, m)), replace: false });
  });
};
