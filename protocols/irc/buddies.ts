/**
 * The buddy list (contacts group): MONITOR where the server has it, ISON polling where it has not,
 * and ISON for the nicks the server's MONITOR list has no room for: its advertised size (MONITOR=N)
 * is respected ahead, ERR_MONLISTFULL (734) handled when it comes anyway, and the user is told with a
 * non-fatal 'error' event (code MONLISTFULL). The replies (730/731/734/303) are read in handlers/presence.ts.
 */
import { AdapterError, type ContactsGroup } from '../../core/protocol/types';
import type { IrcAccount } from './account';
import type { IrcContext, Watched } from './context';
import { DEFAULT_RULES, normalizeName, validateNick } from './names';
import { forgetPeerIfGone } from './peers';
import { packList } from './split';

/** how long the "MONITOR list is full" notice waits for more overflow of the same burst */
const FULL_NOTICE_SETTLE_MS = 300;

export class IrcBuddies {
  /** normalized nick → what we know; shared with every connection's context */
  readonly watched = new Map<string, Watched>();
  private isonTimer: NodeJS.Timeout | null = null;
  /** buddies added while online, sent together on the next turn (the engine adds a whole list one by one) */
  private readonly added = new Set<string>();
  private flushScheduled = false;
  /** the "MONITOR list is full" notice waiting for its burst to settle */
  private fullNotice: NodeJS.Timeout | null = null;
  readonly group: ContactsGroup;

  constructor(private readonly account: IrcAccount) {
    this.group = {
      add: async (id) => this.watch(id),
      remove: async (id) => this.unwatch(id),
      update: async () => {},
      approve: async () => {},
      deny: async () => {},
    };
  }

  stop(): void {
    if (this.isonTimer) { clearInterval(this.isonTimer); this.isonTimer = null; }
    if (this.fullNotice) { clearTimeout(this.fullNotice); this.fullNotice = null; }
    this.added.clear();
  }

  private monitorSupported(ctx: IrcContext): boolean {
    return ctx.client.network.options.MONITOR !== undefined && ctx.client.network.options.MONITOR !== false;
  }

  /** the advertised size of the server's MONITOR list (ISUPPORT MONITOR=N); Infinity when not said */
  private monitorLimit(ctx: IrcContext): number {
    const n = Number(ctx.client.network.options.MONITOR);
    return Number.isInteger(n) && n > 0 ? n : Infinity;
  }

  /**
   * Puts these nicks on the server's MONITOR list as far as its advertised limit allows; the rest
   * are polled with ISON, and the user is told once per overflow.
   */
  private monitor(ctx: IrcContext, keys: string[]): void {
    const onServer = this.watched.size - ctx.monitorOverflow.size - this.added.size - keys.length;
    const room = Math.max(0, this.monitorLimit(ctx) - Math.max(0, onServer));
    const fits = keys.slice(0, room);
    const nicks = fits.map((k) => this.watched.get(k)?.nick).filter((n): n is string => !!n);
    for (const line of packList('MONITOR +', nicks, ',')) ctx.send(line);
    const rest = keys.slice(room);
    if (rest.length) this.overflow(ctx, rest);
  }

  /** these buddies do not fit the server's MONITOR list: ISON polling, and say so */
  private overflow(ctx: IrcContext, keys: string[]): void {
    let added = 0;
    for (const key of keys) {
      if (this.watched.has(key) && !ctx.monitorOverflow.has(key)) { ctx.monitorOverflow.add(key); added++; }
    }
    if (!added) return;
    this.startIsonTimer();
    // one notice per burst (a list added one by one, the list sent after registration and a 734
    // that follows it): said once things settle, with the count at that moment
    if (this.fullNotice) return;
    this.fullNotice = setTimeout(() => {
      this.fullNotice = null;
      // the connection now (a reconnect within the wait says the state of the new one)
      const now = this.account.ctx;
      if (!now || now.monitorOverflow.size === 0) return;
      const limit = this.monitorLimit(now);
      const seconds = Math.round(this.account.config.isonIntervalMs / 1000);
      now.error({
        kind: 'protocol', fatal: false, code: 'MONLISTFULL',
        message: `the server's buddy list (MONITOR) is full${limit < Infinity ? ` at ${limit} nicks` : ''}: ${now.monitorOverflow.size} buddies are checked every ${seconds} s instead, so their online state may be late`,
      });
    }, FULL_NOTICE_SETTLE_MS);
    this.fullNotice.unref?.();
  }

  /**
   * The buddy list after registration. Whether the server has MONITOR is said in ISUPPORT (005),
   * which arrives AFTER 001 ('registered'): decide at the end of the MOTD (376/422), or after 5 s.
   */
  start(ctx: IrcContext): void {
    let done = false;
    const go = () => {
      if (done || this.account.ctx !== ctx) return;
      done = true;
      clearTimeout(timer);
      this.startNow(ctx);
    };
    const timer = setTimeout(go, 5000);
    timer.unref?.();
    ctx.client.on('motd', go);
  }

  private startNow(ctx: IrcContext): void {
    this.added.clear();
    if (this.monitorSupported(ctx)) this.monitor(ctx, [...this.watched.keys()]);
    else this.startIsonTimer();
  }

  private startIsonTimer(): void {
    if (!this.isonTimer) {
      this.isonTimer = setInterval(() => this.pollIson(), this.account.config.isonIntervalMs);
      this.isonTimer.unref?.();
    }
    this.pollIson();
  }

  /** ERR_MONLISTFULL: the nicks that did not fit are watched by ISON polling on this connection */
  monitorFull(ctx: IrcContext, nicks: string[]): void {
    if (this.account.ctx !== ctx) return;
    this.overflow(ctx, nicks.map((n) => ctx.norm(n)));
  }

  private pollIson(): void {
    const ctx = this.account.ctx;
    if (!ctx?.registered || this.watched.size === 0) return;
    if (ctx.isonAsked.length > 4) return; // the server is not answering; do not pile up requests
    // with MONITOR only the nicks that did not fit the server's MONITOR list are polled
    const monitor = this.monitorSupported(ctx);
    const nicks = [...this.watched.entries()].filter(([key]) => !monitor || ctx.monitorOverflow.has(key)).map(([, w]) => w.nick);
    if (!nicks.length) return;
    // each line stays well under 512 bytes (ngircd drops a client with "Request too long");
    // each reply answers for its own line only
    for (const line of packList('ISON', nicks, ' ')) {
      ctx.isonAsked.push(line.slice(5).split(' ').map((n) => ctx.norm(n)));
      ctx.send(line);
    }
  }

  private async watch(id: string): Promise<void> {
    const v = validateNick(id, this.account.ctx?.rules ?? DEFAULT_RULES);
    if (!v.ok) throw new AdapterError({ kind: 'config', fatal: true, message: v.error });
    if (this.watched.has(v.normalized)) return;
    this.watched.set(v.normalized, { nick: id.trim() });
    const ctx = this.account.ctx;
    if (!ctx?.registered) return; // the whole list goes out after the next registration
    const known = ctx.peers.get(v.normalized);
    if (known) this.account.emit({ type: 'peer-info', contactId: v.normalized, info: known });
    this.added.add(v.normalized);
    if (this.flushScheduled) return;
    this.flushScheduled = true;
    setImmediate(() => {
      this.flushScheduled = false;
      const keys = [...this.added].filter((k) => this.watched.has(k));
      this.added.clear();
      const now = this.account.ctx;
      if (now !== ctx || !ctx.registered || !keys.length) return;
      if (this.monitorSupported(ctx)) this.monitor(ctx, keys);
      else this.pollIson();
    });
  }

  private async unwatch(id: string): Promise<void> {
    const key = normalizeName(id, this.account.ctx?.rules ?? DEFAULT_RULES);
    const w = this.watched.get(key);
    if (!w) return;
    this.watched.delete(key);
    const ctx = this.account.ctx;
    if (ctx) forgetPeerIfGone(ctx, w.nick);
    if (!ctx?.registered || !this.monitorSupported(ctx)) return;
    if (ctx.monitorOverflow.delete(key) || this.added.delete(key)) return; // polled by ISON, or not sent yet: never on the server's list
    ctx.send(`MONITOR - ${w.nick}`);
    // a place on the server's list is free: one polled nick moves there (ERR_MONLISTFULL sends it back)
    const next = ctx.monitorOverflow.values().next();
    if (!next.done) {
      const nw = this.watched.get(next.value);
      ctx.monitorOverflow.delete(next.value);
      if (nw) ctx.send(`MONITOR + ${nw.nick}`);
    }
  }
}
