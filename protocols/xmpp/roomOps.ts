/**
 * Group chat (XEP-0045) as the user drives it: join (password, bookmark), part, invite, topic,
 * "instant meeting" (members-only room with members invited), kick, configuration, nick change.
 * What rooms say back is handled in inbound.ts.
 */
import { randomUUID } from 'node:crypto';
import { AdapterError, type ConfigValues, type Occupant, type RoomInfo } from '../../core/protocol/types';
import { JOIN_FIELDS } from './account';
import type { Bookmark } from './bookmarks';
import { classifyError, netError } from './errors';
import { bareOf, parseJid } from './jid';
import { directInvite, joinPresence, kickOccupant, leavePresence, mediatedInvite, nickPresence, roomConfigSubmit, setAffiliation, subjectMessage } from './muc';
import type { RoomState, XmppState } from './state';

export interface RoomParts {
  addBookmark(b: Bookmark): Promise<void>;
  findMucService(): Promise<string | undefined>;
}

export class XmppRooms {
  constructor(private readonly s: XmppState, private readonly parts: RoomParts) {}

  joinRoom(room: string, nick: string, password?: string, configureLater = false): Promise<RoomInfo> {
    const c = this.s.requireOnline();
    const existing = this.s.roomState.get(room);
    if (existing?.joined) return Promise.resolve({ id: room, nick: existing.nick, ...(existing.topic ? { topic: existing.topic } : {}) });
    return new Promise<RoomInfo>((resolve, reject) => {
      const state: RoomState = existing ?? { nick, joined: false, occupants: new Map() };
      state.nick = nick;
      state.configureLater = configureLater;
      if (password) state.password = password;
      const timer = setTimeout(() => { if (state.waiter) { state.waiter = undefined; reject(netError(`no answer from ${room}`, 'timeout')); } }, this.s.cfg.timeoutMs * 2);
      state.waiter = {
        nick,
        resolve: (r) => { clearTimeout(timer); resolve(r); },
        reject: (e) => { clearTimeout(timer); reject(e); },
      };
      this.s.roomState.set(room, state);
      c.send(joinPresence(room, nick, password)).catch((err: unknown) => { clearTimeout(timer); state.waiter = undefined; reject(classifyError(err)); });
    });
  }

  readonly group = {
    joinFields: JOIN_FIELDS,
    join: async (values: ConfigValues): Promise<RoomInfo> => {
      const room = bareOf(String(values.room ?? ''));
      if (!room || !room.includes('@')) throw new AdapterError({ kind: 'config', fatal: true, message: 'invalid room address', code: 'invalid-jid' });
      const nick = String(values.nick || this.s.defaultNick());
      const res = parseJid(`${room}/${nick}`);
      if (!res.ok) throw new AdapterError({ kind: 'config', fatal: true, message: `invalid nickname: ${res.error}`, code: 'invalid-nick' });
      const password = values.password ? String(values.password) : undefined;
      const info = await this.joinRoom(room, res.jid.resource, password);
      if (values.bookmark) await this.parts.addBookmark({ room, nick: info.nick, autojoin: true, ...(password ? { password } : {}) }).catch(() => {});
      return info;
    },
    part: async (roomId: string, reason?: string) => {
      const room = this.s.requireBare(roomId);
      const s = this.s.roomState.get(room);
      if (!s) return;
      const c = this.s.requireOnline();
      await new Promise<void>((resolve) => {
        const timer = setTimeout(done, this.s.cfg.timeoutMs);
        const off = this.s.subscribe((ev) => { if (ev.type === 'room-left' && ev.roomId === room) done(); });
        function done() { clearTimeout(timer); off(); resolve(); }
        c.send(leavePresence(room, s.nick, reason)).catch(done);
      });
      this.s.roomState.delete(room);
    },
    invite: async (roomId: string, contactId: string, reason?: string) => {
      const room = this.s.requireBare(roomId);
      await this.s.requireOnline().send(mediatedInvite(room, this.s.requireBare(contactId), reason));
    },
    setTopic: async (roomId: string, topic: string) => {
      await this.s.requireOnline().send(subjectMessage(this.s.requireBare(roomId), topic));
    },
    createPrivate: async (invitees: string[], opts?: { name?: string }): Promise<RoomInfo> => {
      const c = this.s.requireOnline();
      const mucDomain = this.s.cfg.mucDomain ?? (await this.parts.findMucService());
      if (!mucDomain) throw new AdapterError({ kind: 'protocol', fatal: true, message: 'the server offers no group chat service', code: 'no-muc' });
      const room = `meeting-${randomUUID().slice(0, 8)}@${mucDomain}`;
      const info = await this.joinRoom(room, this.s.defaultNick(), undefined, true);
      const form = roomConfigSubmit({
        'muc#roomconfig_membersonly': '1', 'muc#roomconfig_publicroom': '0', 'muc#roomconfig_persistentroom': '0',
        'muc#roomconfig_whois': 'anyone', 'muc#roomconfig_allowinvites': '1', 'muc#roomconfig_changesubject': '1',
        ...(opts?.name ? { 'muc#roomconfig_roomname': opts.name } : {}),
      });
      form.attrs.to = room;
      await c.iq.request(form, this.s.cfg.timeoutMs).catch((e: unknown) => { throw classifyError(e); });
      for (const who of invitees) {
        const jid = this.s.requireBare(who);
        await c.iq.request(setAffiliation(room, jid, 'member'), this.s.cfg.timeoutMs).catch((e: unknown) => this.s.report('protocol', `could not add a member: ${classifyError(e).message}`, 'affiliation'));
        await c.send(directInvite(room, jid, opts?.name));
      }
      return { ...info, ...(opts?.name ? { name: opts.name } : {}) };
    },
  };

  /** moderator action: kick an occupant (role none) */
  async kick(roomId: string, nick: string, reason?: string): Promise<void> {
    await this.s.requireOnline().iq.request(kickOccupant(this.s.requireBare(roomId), nick, reason), this.s.cfg.timeoutMs).catch((e: unknown) => { throw classifyError(e); });
  }

  /** owner action: submit room configuration fields (muc#roomconfig_*) */
  async configureRoom(roomId: string, fields: Record<string, string | string[]>): Promise<void> {
    const form = roomConfigSubmit(fields);
    form.attrs.to = this.s.requireBare(roomId);
    await this.s.requireOnline().iq.request(form, this.s.cfg.timeoutMs).catch((e: unknown) => { throw classifyError(e); });
  }

  /** change our nick in a room; resolves when the room confirms */
  async changeNick(roomId: string, nick: string): Promise<void> {
    const room = this.s.requireBare(roomId);
    const s = this.s.roomState.get(room);
    if (!s?.joined) throw new AdapterError({ kind: 'protocol', fatal: false, message: 'not in this room', code: 'not-joined' });
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => { off(); reject(netError('no answer', 'timeout')); }, this.s.cfg.timeoutMs);
      const off = this.s.subscribe((ev) => {
        if (ev.type === 'nick-changed' && ev.roomId === room && ev.newNick === nick) { clearTimeout(timer); off(); resolve(); }
        if (ev.type === 'error' && ev.error.code === 'conflict') { clearTimeout(timer); off(); reject(new AdapterError(ev.error)); }
      });
      this.s.requireOnline().send(nickPresence(room, nick)).catch((e: unknown) => { clearTimeout(timer); off(); reject(classifyError(e)); });
    });
  }

  occupants(roomId: string): Occupant[] {
    return [...(this.s.roomState.get(bareOf(roomId) ?? '')?.occupants.values() ?? [])];
  }
}
