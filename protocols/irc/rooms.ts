/**
 * Channels the user asks for: JOIN (with key) and its numeric errors, PART, INVITE, TOPIC, the
 * "instant meeting" (+i channel with invites), and the list of channels to rejoin after a reconnect.
 * What the server then says about channels (member lists, kicks, topics) is in handlers/channels.ts.
 */
import { randomBytes } from 'node:crypto';
import { AdapterError, type AdapterEvent, type RoomInfo, type RoomsGroup } from '../../core/protocol/types';
import type { IrcAccount } from './account';
import type { IrcContext } from './context';
import { channelState } from './handlers/channels';
import { validateChannel, validateNick } from './names';
import { joinLine } from './parse';

const JOIN_ERRORS: Record<string, string> = {
  '403': 'no such channel', '405': 'joined too many channels', '471': 'the channel is full', '473': 'the channel is invite-only',
  '474': 'banned from the channel', '475': 'wrong channel key', '476': 'bad channel name', '477': 'the channel requires a registered nick',
  '489': 'the channel requires TLS',
};

export class IrcRooms {
  /** channels to rejoin after a reconnect, with keys */
  private readonly wanted = new Map<string, { name: string; key?: string }>();
  readonly group: RoomsGroup;

  constructor(private readonly account: IrcAccount) {
    this.group = {
      joinFields: [
        { key: 'channel', label: 'Channel', type: 'text', required: true, placeholder: '#channel' },
        { key: 'key', label: 'Key (password)', type: 'password' },
      ],
      join: (v) => this.join(String(v.channel ?? ''), typeof v.key === 'string' && v.key ? v.key : undefined),
      part: (roomId, reason) => this.part(roomId, reason),
      invite: async (roomId, contactId) => { this.account.requireOnline().send(`INVITE ${contactId} ${this.channelName(roomId)}`); },
      setTopic: async (roomId, topic) => { this.account.requireOnline().send(joinLine({ verb: 'TOPIC', params: [this.channelName(roomId), topic] })); },
      createPrivate: (invitees, opts) => this.createPrivate(invitees, opts?.name),
    };
  }

  /** what to rejoin after a reconnect: every channel we are in (with its key), none we left or were kicked from */
  track(e: AdapterEvent): void {
    if (e.type === 'room-joined') {
      const key = this.account.ctx?.channels.get(e.room.id)?.key ?? this.wanted.get(e.room.id)?.key;
      this.wanted.set(e.room.id, { name: e.room.name ?? e.room.id, ...(key ? { key } : {}) });
    } else if (e.type === 'room-left') {
      this.wanted.delete(e.roomId);
    }
  }

  /** after registration on a new connection: JOIN again, with keys */
  rejoin(ctx: IrcContext): void {
    for (const ch of this.wanted.values()) {
      const st = channelState(ctx, ch.name);
      if (ch.key) st.key = ch.key;
      ctx.send(ch.key ? `JOIN ${ch.name} ${ch.key}` : `JOIN ${ch.name}`);
    }
  }

  /** the channel's name as the server spells it */
  channelName(roomId: string): string {
    return this.account.ctx?.channels.get(roomId)?.name ?? this.wanted.get(roomId)?.name ?? roomId;
  }

  private join(channel: string, key?: string): Promise<RoomInfo> {
    const ctx = this.account.requireOnline();
    const v = validateChannel(channel, ctx.rules);
    if (!v.ok) return Promise.reject(new AdapterError({ kind: 'config', fatal: true, message: v.error }));
    const name = channel.trim();
    if (key !== undefined && /[\s,]/.test(key)) return Promise.reject(new AdapterError({ kind: 'config', fatal: true, message: 'a channel key has no spaces or commas' }));
    const st = channelState(ctx, name);
    if (key) st.key = key;
    return new Promise<RoomInfo>((resolve, reject) => {
      const timer = setTimeout(() => { cleanup(); reject(new AdapterError({ kind: 'network', fatal: false, message: `no answer joining ${name}` })); }, 30_000);
      const unsub = this.account.listeners.add((e) => {
        if (e.type === 'room-joined' && e.room.id === v.normalized) {
          cleanup();
          this.wanted.set(v.normalized, { name: e.room.name ?? name, ...(key ? { key } : {}) });
          resolve(e.room);
        }
      });
      const onRaw = (e: { line: string; from_server: boolean }) => {
        const m = /^(?:@\S+ )?(?::\S+ )?(\d{3}) \S+ (\S+)/.exec(e.line);
        if (!m || !JOIN_ERRORS[m[1]!] || ctx.norm(m[2]!) !== v.normalized) return;
        cleanup();
        ctx.channels.delete(v.normalized);
        reject(new AdapterError({ kind: 'protocol', fatal: true, message: `cannot join ${name}: ${JOIN_ERRORS[m[1]!]}`, code: m[1]! }));
      };
      ctx.client.on('raw', onRaw);
      const cleanup = () => { clearTimeout(timer); unsub(); ctx.client.off('raw', onRaw); };
      ctx.send(key ? `JOIN ${name} ${key}` : `JOIN ${name}`);
    });
  }

  private async part(roomId: string, reason?: string): Promise<void> {
    const ctx = this.account.requireOnline();
    const name = this.channelName(roomId);
    this.wanted.delete(ctx.norm(name));
    await new Promise<void>((resolve) => {
      const timer = setTimeout(() => { unsub(); resolve(); }, 10_000);
      const unsub = this.account.listeners.add((e) => { if (e.type === 'room-left' && e.roomId === ctx.norm(name)) { clearTimeout(timer); unsub(); resolve(); } });
      ctx.send(joinLine({ verb: 'PART', params: reason ? [name, reason] : [name] }));
    });
  }

  private async createPrivate(invitees: string[], name?: string): Promise<RoomInfo> {
    const ctx = this.account.requireOnline();
    const base = (name ?? 'meeting').toLowerCase().replace(/[^a-z0-9-]/g, '-').slice(0, 20) || 'meeting';
    const channel = `#${base}-${randomBytes(4).toString('hex')}`;
    const room = await this.join(channel);
    ctx.send(`MODE ${channel} +i`);
    for (const who of invitees) {
      const v = validateNick(who, ctx.rules);
      if (v.ok) ctx.send(`INVITE ${who.trim()} ${channel}`);
    }
    return room;
  }
}
