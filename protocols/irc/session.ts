/**
 * One connection's life: open the transport, register (nick fallbacks, SASL or NickServ), classify
 * what went wrong, restore what the user had after registration, and report a lost link.
 * irc-framework's own auto-reconnect is off: the engine calls connect() again.
 */
import { AdapterError, type ConversationRef } from '../../core/protocol/types';
import type { IrcAccount } from './account';
import type { IrcContext } from './context';
import { conversationFor } from './context';
import { installHandlers } from './handlers/index';
import { DEFAULT_RULES, isChannelName, normalizeName } from './names';
import { SendQueue } from './sendQueue';
import { ConfabTransport, openSocket } from './transport';
import { IrcFrameworkClient, type IrcClient } from './wire';
import type { Watched } from './context';

/** CAPs we ask for beyond irc-framework's defaults (it already wants server-time, multi-prefix, away-notify, …). */
const EXTRA_CAPS = ['labeled-response', 'message-tags', 'echo-message', 'batch', 'chathistory', 'draft/chathistory', 'invite-notify', 'extended-monitor', 'znc.in/self-message'];

export interface SessionParts {
  /** the buddy list, shared with every connection */
  watched: Map<string, Watched>;
  /** ERR_MONLISTFULL on this connection */
  monitorFull(ctx: IrcContext, nicks: string[]): void;
  /** after registration: rejoin, away, buddy list */
  restore(ctx: IrcContext): void;
  /** the connection is gone: stop timers that need it */
  stopped(): void;
}

export class IrcSession {
  private labelCounter = 0;
  /** rejects a connect() still in progress (disconnect() during connecting) */
  private cancelConnect: (() => void) | null = null;
  private closing = false;

  constructor(private readonly account: IrcAccount, private readonly parts: SessionParts) {}

  async connect(signal: AbortSignal): Promise<void> {
    this.teardown();
    this.closing = false;
    const account = this.account;
    const cfg = account.config;
    const client: IrcClient = new IrcFrameworkClient();
    const queue = new SendQueue((line) => client.raw(line), { burst: cfg.sendBurst, intervalMs: cfg.sendIntervalMs }, () => Date.now());
    const ctx: IrcContext = {
      config: cfg, deps: account.deps, client, queue,
      rules: { ...DEFAULT_RULES },
      selfPrefix: { nick: cfg.nick },
      registered: false,
      channels: new Map(),
      peers: new Map(),
      presence: account.presence,
      watched: this.parts.watched,
      isonAsked: [],
      monitorOverflow: new Set(),
      monitorFull: (nicks) => this.parts.monitorFull(ctx, nicks),
      pendingByLabel: new Map(),
      pendingNoLabel: [],
      labelHandlers: new Map(),
      nextLabel: () => `c${(++this.labelCounter).toString(36)}`,
      emit: (e) => account.emit(e),
      error: (info) => account.emit({ type: 'error', error: info }),
      send: (line, onSent, label) => queue.push(line, onSent, label),
      capEnabled: (cap) => client.network.cap.isEnabled(cap),
      norm: (n) => normalizeName(n, ctx.rules),
      isChannel: (n) => isChannelName(n, ctx.rules),
      conversationFor: (target, from) => conversationFor(ctx, target, from),
    };
    account.ctx = ctx;
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
          account.deps.log.warn('IRC line could not be processed', { err: (err as Error)?.message });
          ctx.error({ kind: 'protocol', fatal: false, message: 'the server sent a line that could not be processed; it was skipped' });
        },
        confabOnOversizedLine: (bytes: number) => ctx.error({ kind: 'protocol', fatal: false, message: `the server sent an oversized line (${bytes} bytes); it was dropped` }),
      });
    });
  }

  private afterRegistration(ctx: IrcContext, nickservFallback: boolean): void {
    const cfg = this.account.config;
    ctx.selfPrefix.nick = ctx.selfPrefix.nick || ctx.client.user.nick;
    this.account.emit({ type: 'self', id: ctx.norm(ctx.selfPrefix.nick), nick: ctx.selfPrefix.nick });
    ctx.client.raw(`USERHOST ${ctx.selfPrefix.nick}`);
    if (cfg.password && (cfg.auth === 'nickserv' || (cfg.auth === 'auto' && nickservFallback))) {
      // NickServ fallback: the password goes to the service only, never to a log
      ctx.client.raw(`PRIVMSG NickServ :IDENTIFY ${cfg.account ?? cfg.nick} ${cfg.password}`);
    }
    this.parts.restore(ctx);
  }

  private onClosed(ctx: IrcContext, duringConnect: () => AdapterError): void {
    if (this.account.ctx !== ctx) return;
    const unacked = this.dropPending(ctx);
    if (!ctx.registered) { duringConnect(); return; }
    ctx.registered = false;
    if (unacked.length) this.account.emit({ type: 'unacked', clientIds: unacked });
    if (this.closing) {
      this.account.emit({ type: 'state', state: 'offline' });
      return;
    }
    this.account.emit({ type: 'state', state: 'offline', error: { kind: 'network', fatal: false, message: 'connection lost' } });
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
    for (const [clientId, conv] of convs) this.account.emit({ type: 'receipt', conversation: conv, clientId, status: 'unconfirmed' });
    for (const fn of ctx.labelHandlers.values()) { try { fn([]); } catch { /* ignore */ } }
    ctx.labelHandlers.clear();
    return [...ids];
  }

  private teardown(): void {
    this.parts.stopped();
    const ctx = this.account.ctx;
    if (!ctx) return;
    this.account.ctx = null;
    ctx.queue.clear();
    ctx.client.removeAllListeners();
    ctx.client.on('error', () => {});
    try { ctx.client.connection.end(undefined, true); } catch { /* closed */ }
    try { (ctx.client.connection.transport as ConfabTransport | null)?.disposeSocket(); } catch { /* closed */ }
  }

  async disconnect(): Promise<void> {
    const ctx = this.account.ctx;
    if (!ctx) return;
    if (!ctx.registered && this.cancelConnect) {
      const cancel = this.cancelConnect;
      this.cancelConnect = null;
      cancel();
      return;
    }
    this.closing = true;
    const unacked = this.dropPending(ctx);
    if (unacked.length) this.account.emit({ type: 'unacked', clientIds: unacked });
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
    if (wasRegistered) this.account.emit({ type: 'state', state: 'offline' });
  }
}
