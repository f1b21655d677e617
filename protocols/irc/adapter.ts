/**
 * The IRC adapter: irc-framework for registration, CAP/SASL, PING and parsing; our transport for
 * TCP/TLS/proxies; our splitter, send queue, labels and handlers for everything a user notices.
 * irc-framework's own auto-reconnect is off: the engine owns reconnecting (it calls connect() again,
 * and we rejoin channels with their keys and restore away and the MONITOR list).
 */
import { randomBytes } from 'node:crypto';
import {
  AdapterError,
  type AdapterDeps, type AdapterEvent, type AdapterListener, type Capabilities, type ConversationRef,
  type HistoryPage, type OutgoingMessage, type Presence, type ProtocolAdapter, type RoomInfo, type ValidationResult,
  type ContactsGroup, type RoomsGroup, type TypingGroup, type HistoryGroup,
} from '../../core/protocol/types';
import { Listeners } from '../../core/util/emitter';
import type { IrcConfig } from './config';
import { conversationFor, type IrcContext, type PendingSend } from './context';
import { installHandlers } from './handlers/index';
import { channelState } from './handlers/channels';
import { DEFAULT_RULES, isChannelName, normalizeName, validateAddress, validateChannel, validateNick } from './names';
import { joinLine, type ParsedLine } from './parse';
import { SendQueue } from './sendQueue';
import { packList, splitMessage } from './split';
import { ConfabTransport, openSocket } from './transport';
import { IrcFrameworkClient, type IrcClient } from './wire';
import { parseHistoryPage } from './history';

/** CAPs we ask for beyond irc-framework's defaults (it already wants server-time, multi-prefix, away-notify, …). */
const EXTRA_CAPS = ['labeled-response', 'message-tags', 'echo-message', 'batch', 'chathistory', 'draft/chathistory', 'invite-notify', 'extended-monitor', 'znc.in/self-message'];

const AWAY_TEXT: Record<string, string> = { away: 'Away', xa: 'Extended away', dnd: 'Do not disturb' };

export class IrcAdapter implements ProtocolAdapter {
  readonly caps: Capabilities = {
    presenceShows: ['available', 'away', 'xa', 'dnd', 'offline'],
    maxMessageBytes: 16 * 1024,
    serverAck: true,
    deliveryReceipts: false,
    stableClientIds: false,
  };

  private readonly listeners = new Listeners<AdapterEvent>();
  private ctx: IrcContext | null = null;
  private labelCounter = 0;
  /** channels to rejoin after a reconnect, with keys */
  private readonly wantedChannels = new Map<string, { name: string; key?: string }>();
  private readonly watched = new Map<string, { nick: string; online?: boolean; away?: boolean }>();
  private presence: Presence = { show: 'available' };
  private isonTimer: NodeJS.Timeout | null = null;
  /** rejects a connect() still in progress (disconnect() during connecting) */
  private cancelConnect: (() => void) | null = null;
  private closing = false;

  readonly rooms: RoomsGroup;
  readonly contacts: ContactsGroup;
  readonly typing: TypingGroup;
  readonly history: HistoryGroup;

  constructor(private readonly config: IrcConfig, private readonly deps: AdapterDeps) {
    this.rooms = {
      joinFields: [
        { key: 'channel', label: 'Channel', type: 'text', required: true, placeholder: '#channel' },
        { key: 'key', label: 'Key (password)', type: 'password' },
      ],
      join: (v) => this.join(String(v.channel ?? ''), typeof v.key === 'string' && v.key ? v.key : undefined),
      part: (roomId, reason) => this.part(roomId, reason),
      invite: async (roomId, contactId) => { this.requireOnline().send(`INVITE ${contactId} ${this.channelName(roomId)}`); },
      setTopic: async (roomId, topic) => { this.requireOnline().send(joinLine({ verb: 'TOPIC', params: [this.channelName(roomId), topic] })); },
      createPrivate: (invitees, opts) => this.createPrivate(invitees, opts?.name),
    };
    this.contacts = {
      add: async (id) => this.watch(id),
      remove: async (id) => this.unwatch(id),
      update: async () => {},
      approve: async () => {},
      deny: async () => {},
    };
    this.typing = { sendTyping: (conv, state) => this.sendTyping(conv, state) };
    this.history = { fetchHistory: (conv, opts) => this.fetchHistory(conv, opts) };
  }

  subscribe(listener: AdapterListener): () => void {
    return this.listeners.add(listener);
  }

  private emit(e: AdapterEvent): void {
    // what to rejoin after a reconnect: every channel we are in (with its key), none we left or were kicked from
    if (e.type === 'room-joined') {
      const key = this.ctx?.channels.get(e.room.id)?.key ?? this.wantedChannels.get(e.room.id)?.key;
      this.wantedChannels.set(e.room.id, { name: e.room.name ?? e.room.id, ...(key ? { key } : {}) });
    } else if (e.type === 'room-left') {
      this.wantedChannels.delete(e.roomId);
    }
    this.listeners.emit(e, (err) => this.deps.log.warn('IRC listener threw', { err: (err as Error)?.message }));
  }

  normalize(id: string): ValidationResult {
    const rules = this.ctx?.rules ?? DEFAULT_RULES;
    return validateAddress(id, isChannelName(id.trim(), rules) ? 'room' : 'direct', rules);
  }

  // ---- connection --------------------------------------------------------------------------

  async connect(signal: AbortSignal): Promise<void> {
    this.teardown();
    this.closing = false;
    const cfg = this.config;
    const client: IrcClient = new IrcFrameworkClient();
    const queue = new SendQueue((line) => client.raw(line), { burst: cfg.sendBurst, intervalMs: cfg.sendIntervalMs }, () => Date.now());
    const ctx: IrcContext = {
      config: cfg, deps: this.deps, client, queue,
      rules: { ...DEFAULT_RULES },
      selfPrefix: { nick: cfg.nick },
      registered: false,
      channels: new Map(),
      presence: this.presence,
      watched: this.watched,
      isonAsked: [],
      monitorOverflow: new Set(),
      monitorFull: (nicks) => this.monitorFull(ctx, nicks),
      pendingByLabel: new Map(),
      pendingNoLabel: [],
      labelHandlers: new Map(),
      nextLabel: () => `c${(++this.labelCounter).toString(36)}`,
      emit: (e) => this.emit(e),
      error: (info) => this.emit({ type: 'error', error: info }),
      send: (line, onSent) => queue.push(line, onSent),
      capEnabled: (cap) => client.network.cap.isEnabled(cap),
      norm: (n) => normalizeName(n, ctx.rules),
      isChannel: (n) => isChannelName(n, ctx.rules),
      conversationFor: (target, from) => conversationFor(ctx, target, from),
    };
    this.ctx = ctx;
    client.requestCap(EXTRA_CAPS);
    installHandlers(ctx);

    const useSasl = !!cfg.password && (cfg.auth === 'sasl' || cfg.auth === 'auto');
    // the nick, the user's alternatives, then nick_ and nick__ (within NICKLEN)
    const nicks = [cfg.nick, ...cfg.altNicks, `${cfg.nick.slice(0, 29)}_`, `${cfg.nick.slice(0, 28)}__`];
    let nickIndex = 0;
    let failure: AdapterError | undefined;
    let serverError: string | undefined;
    let saslMissing = false;

    await new Promise<void>((resolve, reject) => {
      let settled = false;
      const fail = (err: AdapterError) => {
        if (settled) return;
        settled = true;
        this.cancelConnect = null;
        signal.removeEventListener('abort', onAbort);
        this.teardown();
        reject(err);
      };
      const onAbort = () => fail(new AdapterError({ kind: 'network', fatal: false, message: 'connection attempt cancelled' }));
      this.cancelConnect = onAbort;
      if (signal.aborted) { onAbort(); return; }
      signal.addEventListener('abort', onAbort, { once: true });

      client.on('raw', (e: { line: string; from_server: boolean }) => {
        if (!e.from_server || ctx.registered) return;
        const m = /^(?:@\S+ )?(?::\S+ )?(\S+)(.*)$/.exec(e.line);
        const verb = m?.[1] ?? '';
        if (verb === '433' || verb === '436' || verb === '437') {
          nickIndex++;
          const next = nicks[nickIndex];
          if (next) { client.changeNick(next); ctx.selfPrefix.nick = next; return; }
          failure = new AdapterError({ kind: 'name-in-use', fatal: true, message: `the nickname ${cfg.nick} and its alternatives are in use`, code: verb });
          client.quit();
        } else if (verb === '432') {
          failure = new AdapterError({ kind: 'config', fatal: true, message: `the server refuses the nickname ${ctx.selfPrefix.nick}`, code: '432' });
          client.quit();
        } else if (verb === '464') {
          failure = new AdapterError({ kind: 'auth', fatal: true, message: 'the server password was refused', code: '464' });
        } else if (verb === '465') {
          failure = new AdapterError({ kind: 'auth', fatal: true, message: 'banned from this server', code: '465' });
        } else if (verb === 'ERROR') {
          serverError = (m?.[2] ?? '').replace(/^\s*:?/, '').slice(0, 300);
        }
      });
      client.on('sasl failed', (e: { reason: string }) => {
        if (ctx.registered || !useSasl) return; // a stray 904 after login (or without SASL) means nothing
        if (e.reason === 'capability_missing' || e.reason === 'unsupported_mechanism') {
          if (cfg.auth === 'sasl') {
            failure = new AdapterError({ kind: 'auth', fatal: true, message: 'the server offers no SASL PLAIN login', code: e.reason });
            client.quit();
          } else saslMissing = true;
          return;
        }
        failure = new AdapterError({ kind: 'auth', fatal: true, message: 'the account name or password was refused (SASL)', code: e.reason === 'fail' ? '904' : e.reason });
        client.quit();
      });
      client.on('registered', () => {
        ctx.registered = true;
        if (settled) return;
        settled = true;
        this.cancelConnect = null;
        signal.removeEventListener('abort', onAbort);
        this.afterRegistration(ctx, !useSasl || saslMissing);
        resolve();
      });
      client.on('close', () => this.onClosed(ctx, () => {
        const err = failure ?? (serverError
          ? new AdapterError({ kind: /password|banned|k-?lined|denied/i.test(serverError) ? 'auth' : 'network', fatal: /password|banned|k-?lined/i.test(serverError), message: `server closed the connection: ${serverError}` })
          : transportError ?? new AdapterError({ kind: 'network', fatal: false, message: 'connection closed by the server' }));
        fail(err);
        return err;
      }));
      let transportError: AdapterError | undefined;
      client.connect({
        host: cfg.server, port: cfg.port, nick: cfg.nick, username: cfg.username, gecos: cfg.realname,
        ...(cfg.serverPassword ? { password: cfg.serverPassword } : {}),
        ...(useSasl ? { account: { account: cfg.account ?? cfg.nick, password: cfg.password! } } : {}),
        sasl_disconnect_on_fail: false,
        version: null,
        auto_reconnect: false,
        ping_interval: 30,
        ping_timeout: 90,
        enable_echomessage: true,
        enable_chghost: true,
        enable_setname: true,
        message_max_length: 400,
        transport: ConfabTransport,
        confabOpen: () => openSocket({
          host: cfg.server, port: cfg.port, tls: cfg.tls,
          ...(cfg.caPem ? { caPem: cfg.caPem } : {}), ...(cfg.pinSha256 ? { pinSha256: cfg.pinSha256 } : {}),
          ...(cfg.proxy ? { proxy: cfg.proxy } : {}),
        }, signal),
        confabOnError: (err: AdapterError) => { transportError = err; },
        confabOnBadLine: (err: unknown) => {
          this.deps.log.warn('IRC line could not be processed', { err: (err as Error)?.message });
          ctx.error({ kind: 'protocol', fatal: false, message: 'the server sent a line that could not be processed; it was skipped' });
        },
        confabOnOversizedLine: (bytes: number) => ctx.error({ kind: 'protocol', fatal: false, message: `the server sent an oversized line (${bytes} bytes); it was dropped` }),
      });
    });
  }

  private afterRegistration(ctx: IrcContext, nickservFallback: boolean): void {
    const cfg = this.config;
    ctx.selfPrefix.nick = ctx.selfPrefix.nick || ctx.client.user.nick;
    this.emit({ type: 'self', id: ctx.norm(ctx.selfPrefix.nick), nick: ctx.selfPrefix.nick });
    ctx.client.raw(`USERHOST ${ctx.selfPrefix.nick}`);
    if (cfg.password && (cfg.auth === 'nickserv' || (cfg.auth === 'auto' && nickservFallback))) {
      // NickServ fallback: the password goes to the service only, never to a log
      ctx.client.raw(`PRIVMSG NickServ :IDENTIFY ${cfg.account ?? cfg.nick} ${cfg.password}`);
    }
    // restore what the user had: channels (with keys), away, buddy list
    for (const ch of this.wantedChannels.values()) {
      const st = channelState(ctx, ch.name);
      if (ch.key) st.key = ch.key;
      ctx.send(ch.key ? `JOIN ${ch.name} ${ch.key}` : `JOIN ${ch.name}`);
    }
    if (this.presence.show !== 'available' && this.presence.show !== 'chat' && this.presence.show !== 'offline') {
      ctx.send(joinLine({ verb: 'AWAY', params: [this.presence.status || AWAY_TEXT[this.presence.show] || 'Away'] }));
    }
    this.startWatching(ctx);
  }

  private onClosed(ctx: IrcContext, duringConnect: () => AdapterError): void {
    if (this.ctx !== ctx) return;
    const unacked = this.dropPending(ctx);
    if (!ctx.registered) { duringConnect(); return; }
    ctx.registered = false;
    if (unacked.length) this.emit({ type: 'unacked', clientIds: unacked });
    if (this.closing) {
      this.emit({ type: 'state', state: 'offline' });
      return;
    }
    this.emit({ type: 'state', state: 'offline', error: { kind: 'network', fatal: false, message: 'connection lost' } });
  }

  /** every send not confirmed by its echo: the user may resend it (IRC cannot promise exactly-once) */
  private dropPending(ctx: IrcContext): string[] {
    ctx.queue.clear();
    const ids = new Set<string>();
    for (const p of ctx.pendingByLabel.values()) ids.add(p.clientId);
    for (const p of ctx.pendingNoLabel) ids.add(p.clientId);
    const convs = new Map<string, ConversationRef>();
    for (const p of [...ctx.pendingByLabel.values(), ...ctx.pendingNoLabel]) convs.set(p.clientId, p.conv);
    ctx.pendingByLabel.clear();
    ctx.pendingNoLabel.length = 0;
    for (const [clientId, conv] of convs) this.emit({ type: 'receipt', conversation: conv, clientId, status: 'unconfirmed' });
    for (const fn of ctx.labelHandlers.values()) { try { fn([]); } catch { /* ignore */ } }
    ctx.labelHandlers.clear();
    return [...ids];
  }

  private teardown(): void {
    if (this.isonTimer) { clearInterval(this.isonTimer); this.isonTimer = null; }
    const ctx = this.ctx;
    if (!ctx) return;
    this.ctx = null;
    ctx.queue.clear();
    ctx.client.removeAllListeners();
    ctx.client.on('error', () => {});
    try { ctx.client.connection.end(undefined, true); } catch { /* closed */ }
    try { (ctx.client.connection.transport as ConfabTransport | null)?.disposeSocket(); } catch { /* closed */ }
  }

  async disconnect(): Promise<void> {
    const ctx = this.ctx;
    if (!ctx) return;
    if (!ctx.registered && this.cancelConnect) {
      const cancel = this.cancelConnect;
      this.cancelConnect = null;
      cancel();
      return;
    }
    this.closing = true;
    const unacked = this.dropPending(ctx);
    if (unacked.length) this.emit({ type: 'unacked', clientIds: unacked });
    if (ctx.registered) {
      await new Promise<void>((resolve) => {
        const t = setTimeout(resolve, 2000);
        ctx.client.once('close', () => { clearTimeout(t); resolve(); });
        try { ctx.client.quit('Confab'); } catch { clearTimeout(t); resolve(); }
      });
    }
    const wasRegistered = ctx.registered;
    ctx.registered = false;
    this.teardown();
    if (wasRegistered) this.emit({ type: 'state', state: 'offline' });
  }

  private requireOnline(): IrcContext {
    const ctx = this.ctx;
    if (!ctx || !ctx.registered) throw new AdapterError({ kind: 'network', fatal: false, message: 'not connected' });
    return ctx;
  }

  private channelName(roomId: string): string {
    return this.ctx?.channels.get(roomId)?.name ?? this.wantedChannels.get(roomId)?.name ?? roomId;
  }

  // ---- messages ------------------------------------------------------------------------------

  async send(conv: ConversationRef, message: OutgoingMessage): Promise<void> {
    const ctx = this.requireOnline();
    const target = conv.kind === 'room' ? this.channelName(conv.id) : conv.id;
    const check = conv.kind === 'room' ? validateChannel(target, ctx.rules) : validateNick(target, ctx.rules);
    if (!check.ok) throw new AdapterError({ kind: 'config', fatal: true, message: check.error });
    const command = message.kind === 'notice' ? 'NOTICE' : 'PRIVMSG';
    const sp = ctx.selfPrefix;
    const prefix = sp.user && sp.host ? `${sp.nick}!${sp.user}@${sp.host}` : sp.nick;
    const texts = splitMessage(message.body, { command, target, prefix, action: message.kind === 'action' });
    if (texts.length === 0) throw new AdapterError({ kind: 'config', fatal: true, message: 'empty message' });
    const echo = ctx.capEnabled('echo-message');
    const labels = echo && ctx.capEnabled('labeled-response') && ctx.capEnabled('message-tags');
    const pending: PendingSend = { clientId: message.clientId, conv, waiting: new Set(), parts: texts.length, texts: [...texts], target };
    texts.forEach((text, i) => {
      const tags: Record<string, string> = {};
      if (labels) {
        const label = ctx.nextLabel();
        tags.label = label;
        pending.waiting.add(label);
        ctx.pendingByLabel.set(label, pending);
      } else if (echo) {
        pending.waiting.add(`${i}:${text}`);
      }
      const line = joinLine({ tags, verb: command, params: [target, text] });
      const last = i === texts.length - 1;
      ctx.send(line, last && !echo ? () => this.emit({ type: 'receipt', conversation: conv, clientId: message.clientId, status: 'unconfirmed' }) : undefined);
    });
    if (echo && !labels) ctx.pendingNoLabel.push(pending);
  }

  // ---- presence ------------------------------------------------------------------------------

  async setPresence(p: Presence): Promise<void> {
    this.presence = p;
    const ctx = this.ctx;
    if (!ctx?.registered) return; // applied on the next connect
    if (p.show === 'offline') { await this.disconnect(); return; }
    if (p.show === 'available' || p.show === 'chat' || p.show === 'invisible') ctx.send('AWAY');
    else ctx.send(joinLine({ verb: 'AWAY', params: [p.status || AWAY_TEXT[p.show] || 'Away'] }));
  }

  private monitorSupported(ctx: IrcContext): boolean {
    return ctx.client.network.options.MONITOR !== undefined && ctx.client.network.options.MONITOR !== false;
  }

  /**
   * The buddy list after registration. Whether the server has MONITOR is said in ISUPPORT (005),
   * which arrives AFTER 001 ('registered'): decide at the end of the MOTD (376/422), or after 5 s.
   */
  private startWatching(ctx: IrcContext): void {
    let done = false;
    const go = () => {
      if (done || this.ctx !== ctx) return;
      done = true;
      clearTimeout(timer);
      this.startWatchingNow(ctx);
    };
    const timer = setTimeout(go, 5000);
    timer.unref?.();
    ctx.client.on('motd', go);
  }

  private startWatchingNow(ctx: IrcContext): void {
    if (this.monitorSupported(ctx)) {
      const nicks = [...this.watched.values()].map((w) => w.nick);
      for (const line of packList('MONITOR +', nicks, ',')) ctx.send(line);
    } else {
      this.startIsonTimer();
    }
  }

  private startIsonTimer(): void {
    if (!this.isonTimer) {
      this.isonTimer = setInterval(() => this.pollIson(), this.config.isonIntervalMs);
      this.isonTimer.unref?.();
    }
    this.pollIson();
  }

  /** ERR_MONLISTFULL: the nicks that did not fit are watched by ISON polling on this connection */
  private monitorFull(ctx: IrcContext, nicks: string[]): void {
    if (this.ctx !== ctx) return;
    let added = false;
    for (const n of nicks) {
      const key = ctx.norm(n);
      if (this.watched.has(key) && !ctx.monitorOverflow.has(key)) { ctx.monitorOverflow.add(key); added = true; }
    }
    if (added) this.startIsonTimer();
  }

  private pollIson(): void {
    const ctx = this.ctx;
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
    const v = validateNick(id, this.ctx?.rules ?? DEFAULT_RULES);
    if (!v.ok) throw new AdapterError({ kind: 'config', fatal: true, message: v.error });
    if (this.watched.has(v.normalized)) return;
    this.watched.set(v.normalized, { nick: id.trim() });
    const ctx = this.ctx;
    if (!ctx?.registered) return;
    if (this.monitorSupported(ctx)) ctx.send(`MONITOR + ${id.trim()}`);
    else this.pollIson();
  }

  private async unwatch(id: string): Promise<void> {
    const key = normalizeName(id, this.ctx?.rules ?? DEFAULT_RULES);
    const w = this.watched.get(key);
    if (!w) return;
    this.watched.delete(key);
    const ctx = this.ctx;
    if (!ctx?.registered || !this.monitorSupported(ctx)) return;
    if (ctx.monitorOverflow.delete(key)) return; // was polled by ISON, never on the server's list
    ctx.send(`MONITOR - ${w.nick}`);
    // a place on the server's list is free: one polled nick moves there (ERR_MONLISTFULL sends it back)
    const next = ctx.monitorOverflow.values().next();
    if (!next.done) {
      const nw = this.watched.get(next.value);
      ctx.monitorOverflow.delete(next.value);
      if (nw) ctx.send(`MONITOR + ${nw.nick}`);
    }
  }

  // ---- rooms ---------------------------------------------------------------------------------

  private join(channel: string, key?: string): Promise<RoomInfo> {
    const ctx = this.requireOnline();
    const v = validateChannel(channel, ctx.rules);
    if (!v.ok) return Promise.reject(new AdapterError({ kind: 'config', fatal: true, message: v.error }));
    const name = channel.trim();
    if (key !== undefined && /[\s,]/.test(key)) return Promise.reject(new AdapterError({ kind: 'config', fatal: true, message: 'a channel key has no spaces or commas' }));
    const st = channelState(ctx, name);
    if (key) st.key = key;
    return new Promise<RoomInfo>((resolve, reject) => {
      const timer = setTimeout(() => { cleanup(); reject(new AdapterError({ kind: 'network', fatal: false, message: `no answer joining ${name}` })); }, 30_000);
      const unsub = this.listeners.add((e) => {
        if (e.type === 'room-joined' && e.room.id === v.normalized) {
          cleanup();
          this.wantedChannels.set(v.normalized, { name: e.room.name ?? name, ...(key ? { key } : {}) });
          resolve(e.room);
        }
      });
      const JOIN_ERRORS: Record<string, string> = {
        '403': 'no such channel', '405': 'joined too many channels', '471': 'the channel is full', '473': 'the channel is invite-only',
        '474': 'banned from the channel', '475': 'wrong channel key', '476': 'bad channel name', '477': 'the channel requires a registered nick',
        '489': 'the channel requires TLS',
      };
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
    const ctx = this.requireOnline();
    const name = this.channelName(roomId);
    this.wantedChannels.delete(ctx.norm(name));
    await new Promise<void>((resolve) => {
      const timer = setTimeout(() => { unsub(); resolve(); }, 10_000);
      const unsub = this.listeners.add((e) => { if (e.type === 'room-left' && e.roomId === ctx.norm(name)) { clearTimeout(timer); unsub(); resolve(); } });
      ctx.send(joinLine({ verb: 'PART', params: reason ? [name, reason] : [name] }));
    });
  }

  private async createPrivate(invitees: string[], name?: string): Promise<RoomInfo> {
    const ctx = this.requireOnline();
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

  // ---- typing --------------------------------------------------------------------------------

  private sendTyping(conv: ConversationRef, state: 'active' | 'composing' | 'paused'): number {
    const ctx = this.ctx;
    if (!ctx?.registered || !ctx.capEnabled('message-tags')) return 0;
    const target = conv.kind === 'room' ? this.channelName(conv.id) : conv.id;
    const value = state === 'composing' ? 'active' : state === 'paused' ? 'paused' : 'done';
    ctx.send(joinLine({ tags: { '+typing': value }, verb: 'TAGMSG', params: [target] }));
    // the spec: repeat "active" at most every 3 s while typing; receivers expire it after 6 s
    return state === 'composing' ? 3000 : 0;
  }

  // ---- history -------------------------------------------------------------------------------

  private fetchHistory(conv: ConversationRef | null, opts: { before?: string; after?: string; limit: number }): Promise<HistoryPage> {
    const ctx = this.requireOnline();
    const supported = ctx.capEnabled('chathistory') || ctx.capEnabled('draft/chathistory') || ctx.client.network.options.CHATHISTORY !== undefined;
    if (!conv || !supported || !ctx.capEnabled('batch')) {
      return Promise.reject(new AdapterError({ kind: 'protocol', fatal: false, message: 'this server offers no CHATHISTORY' }));
    }
    const target = conv.kind === 'room' ? this.channelName(conv.id) : conv.id;
    const limitMax = Number(ctx.client.network.options.CHATHISTORY) || 100;
    const limit = Math.max(1, Math.min(opts.limit, limitMax));
    const ref = (id: string) => (/^\d{4}-\d\d-\d\dT/.test(id) ? `timestamp=${id}` : `msgid=${id}`);
    const params = opts.before ? ['BEFORE', target, ref(opts.before), String(limit)]
      : opts.after ? ['AFTER', target, ref(opts.after), String(limit)]
        : ['LATEST', target, '*', String(limit)];
    const labels = ctx.capEnabled('labeled-response');
    if (!labels) return Promise.reject(new AdapterError({ kind: 'protocol', fatal: false, message: 'CHATHISTORY needs labeled-response here' }));
    const label = ctx.nextLabel();
    return new Promise<HistoryPage>((resolve, reject) => {
      const timer = setTimeout(() => { ctx.labelHandlers.delete(label); reject(new AdapterError({ kind: 'network', fatal: false, message: 'no CHATHISTORY answer' })); }, 20_000);
      ctx.labelHandlers.set(label, (lines: ParsedLine[]) => {
        clearTimeout(timer);
        const fail = lines.find((l) => l.verb === 'FAIL');
        if (fail) { reject(new AdapterError({ kind: 'protocol', fatal: false, message: fail.params[fail.params.length - 1] ?? 'CHATHISTORY failed', code: fail.params[1] ?? 'FAIL' })); return; }
        resolve(parseHistoryPage(ctx, conv, lines, limit, opts.before ? 'before' : opts.after ? 'after' : 'latest'));
      });
      ctx.send(joinLine({ tags: { label }, verb: 'CHATHISTORY', params }));
    });
  }
}
