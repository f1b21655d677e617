/**
 * After a NEW session (not a resumed one): roster fetch, carbons on, the server's features
 * (invisibility), our presence, the rooms we were in rejoined, bookmarks with autojoin joined.
 */
import type { Bookmark } from './bookmarks';
import { enableCarbons } from './carbons';
import type { DiscoInfo } from './disco';
import { classifyError } from './errors';
import { NS_INVISIBLE } from './account';
import { NS } from './ns';
import { parseRosterQuerySliced, rosterGet } from './roster';
import { holdRosterPushes, releaseRosterPushes } from './rosterPush';
import type { XmppClient } from './xmppStream';
import type { XmppState } from './state';
import type { RoomInfo } from '../../core/protocol/types';

export interface RestoreParts {
  discoInfo(jid: string): Promise<DiscoInfo>;
  sendOwnPresence(c: XmppClient): Promise<void>;
  bookmarks(): Promise<Bookmark[]>;
  joinRoom(room: string, nick: string, password?: string): Promise<RoomInfo>;
}

export class XmppRestore {
  constructor(private readonly s: XmppState, private readonly parts: RestoreParts) {}

  async afterNewSession(): Promise<void> {
    const c = this.s.client!;
    this.s.resources.clear();
    try {
      const res = await c.iq.request(rosterGet(), this.s.cfg.timeoutMs);
      holdRosterPushes(this.s);
      const r = await parseRosterQuerySliced(res.getChild('query', NS.roster));
      this.s.roster.clear();
      for (const it of r.items) this.s.roster.set(it.id, it);
      this.s.emit({ type: 'roster', items: r.items, replace: true });
    } catch (err) {
      this.s.report('protocol', `roster fetch failed: ${classifyError(err).message}`, 'roster');
    } finally {
      releaseRosterPushes(this.s);
    }
    // the stream died meanwhile (e.g. the roster was over our stanza limit): the session reports why
    if (!this.s.online) return;
    await c.iq.request(enableCarbons(), this.s.cfg.timeoutMs).catch((err: unknown) => this.s.report('protocol', `carbons not enabled: ${classifyError(err).message}`, 'carbons'));
    // server features decide the invisibility capability (XEP-0186)
    const info = await this.parts.discoInfo(this.s.ownBare.split('@')[1]!).catch(() => null);
    this.s.serverInfo = info;
    const canHide = !!info?.features.has(NS_INVISIBLE);
    const has = this.s.caps.presenceShows.includes('invisible');
    if (canHide && !has) this.s.caps.presenceShows.splice(this.s.caps.presenceShows.indexOf('offline'), 0, 'invisible');
    if (!canHide && has) this.s.caps.presenceShows.splice(this.s.caps.presenceShows.indexOf('invisible'), 1);
    this.s.invisibleActive = false;
    if (this.s.presence.show === 'invisible' && !canHide) {
      this.s.report('protocol', 'this server does not support invisibility: shown as available', 'unsupported');
      this.s.presence = { ...this.s.presence, show: 'available' };
    }
    await this.parts.sendOwnPresence(c);
    // rooms we were in are rejoined; bookmarks with autojoin are joined
    for (const r of this.s.roomState.values()) { r.joined = false; r.occupants.clear(); }
    const rejoin = [...this.s.roomState.entries()].map(([room, s]) => ({ room, nick: s.nick, password: s.password }));
    for (const r of rejoin) void this.rejoin(r.room, r.nick, r.password);
    void this.parts.bookmarks().then((bms) => {
      for (const b of bms) if (b.autojoin && !this.s.roomState.has(b.room)) void this.parts.joinRoom(b.room, b.nick ?? this.s.defaultNick(), b.password).catch(() => {});
    }).catch(() => {});
  }

  /**
   * Rejoins a room after a new session. Right after a server restart a room can answer
   * item-not-found for a moment; a few spaced retries cover that (a nick conflict or a ban does not retry).
   */
  private async rejoin(room: string, nick: string, password?: string): Promise<void> {
    for (let attempt = 1; ; attempt++) {
      try {
        await this.parts.joinRoom(room, nick, password);
        return;
      } catch (err) {
        const e = classifyError(err);
        const retry = attempt < 3 && this.s.online && (e.code === 'item-not-found' || e.code === 'timeout' || e.code === 'service-unavailable');
        if (!retry) {
          this.s.report('protocol', `could not rejoin ${room}: ${e.message}`, 'rejoin');
          return;
        }
        await new Promise((r) => setTimeout(r, 1000 * attempt));
      }
    }
  }
}
