/**
 * The connection: xmpp.js client built on our transport (client.ts), started or resumed
 * (XEP-0198), classified errors, the lost link, and the stanza pipeline wired in a fixed order:
 * stanza guard [client.ts] → iq handlers (roster push from our own account only, disco#info) →
 * messages and presences handed to the inbound part. Reconnect: none here; the engine calls
 * connect() again and the client object (with its resume state) is kept between calls.
 */
import { resolveSrv } from 'node:dns/promises';
import { AdapterError } from '../../core/protocol/types';
import { createXmppClient, type XmppClient } from './xmppStream';
import { classifyError, netError } from './errors';
import { parseJid } from './jid';
import { NS } from './ns';
import { isTrustedPush, parseRosterQuery } from './roster';
import { applyRosterPush } from './rosterPush';
import { NS_SM } from './smHandled';
import type { XmppState } from './state';
import { xml, type XmlElement } from './xml';

export interface SessionParts {
  /** roster, carbons, presence, rejoin after a NEW session (not after a resumed one) */
  afterNewSession(): Promise<void>;
  onMessage(st: XmlElement): void;
  onPresence(st: XmlElement): void;
  /** the server refused a stanza of ours as too large (policy-violation) */
  refuseOversized(c: XmppClient): void;
}

export class XmppSession {
  private connecting: Promise<void> | null = null;
  /** the server answered our resumption attempt with `<failed h>`: it ended the old session itself */
  private orderlyEnd = false;
  /**
   * a NEW session is being set up (roster, carbons, presence, rooms). Cut off, it must not be resumed
   * (resuming skips the set-up), and its pending requests fail at once instead of waiting for a timeout.
   */
  private settingUp = false;
  /** why the stream closed while this attempt was still setting up the session (roster, carbons…) */
  private closedDuringLogin: AdapterError | undefined;

  constructor(private readonly s: XmppState, private readonly parts: SessionParts) {}

  async connect(signal: AbortSignal): Promise<void> {
    if (this.s.configError) throw new AdapterError({ kind: 'config', fatal: true, message: this.s.configError, code: 'invalid-config' });
    const own = parseJid(this.s.cfg.jid);
    if (!own.ok || !own.jid.local) throw new AdapterError({ kind: 'config', fatal: true, message: `invalid account address: ${own.ok ? 'no user name' : own.error}`, code: 'invalid-jid' });
    if (this.s.online) return;
    // one attempt at a time: a second call joins the running one
    if (this.connecting) return this.connecting;
    this.connecting = this.attempt(own.jid.local, own.jid.domain, own.jid.resource, signal).finally(() => { this.connecting = null; });
    return this.connecting;
  }

  private async attempt(local: string, domain: string, resource: string, signal: AbortSignal): Promise<void> {
    this.s.closing = false;
    this.orderlyEnd = false;
    this.closedDuringLogin = undefined;
    this.s.ownBare = `${local}@${domain}`;
    this.s.emit({ type: 'state', state: 'connecting' });
    this.settingUp = false;
    try {
      if (!this.s.client) this.s.client = await this.makeClient(local, domain, resource || this.s.cfg.resource);
      const c = this.s.client;
      const how = await this.establish(c, signal);
      if (this.s.closing || this.s.client !== c) {
        await c.entity.stop().catch(() => {});
        throw netError('disconnected while connecting', 'aborted');
      }
      this.s.online = true;
      this.s.ownFull = this.s.client.entity.jid?.toString() ?? this.s.ownBare;
      this.s.emit({ type: 'self', id: this.s.ownFull });
      this.settingUp = how === 'new';
      if (how === 'new') await this.parts.afterNewSession();
      // the set-up steps report their own failures; a stream that died meanwhile is not online
      if (!this.s.online) throw this.closedDuringLogin ?? netError('the connection closed during login', 'closed');
      this.settingUp = false;
      this.s.emit({ type: 'state', state: 'online' });
    } catch (err) {
      // the stream closed for a reason of its own (a stanza over our limit, say) while the session was
      // being set up: that reason, not the follow-up failure of the next request on the dead socket
      const e = signal.aborted ? netError('connection attempt cancelled', 'aborted', err) : this.closedDuringLogin ?? classifyError(err);
      this.s.online = false;
      await this.dropTransport(this.settingUp);
      this.settingUp = false;
      this.s.emit({ type: 'state', state: e.fatal ? 'failed' : 'offline', error: e.toJSON() });
      throw e;
    }
  }

  private async makeClient(local: string, domain: string, resource?: string): Promise<XmppClient> {
    let host = this.s.cfg.server;
    let port = this.s.cfg.port;
    if (!host) {
      host = domain;
      try {
        const srv = await resolveSrv(`_xmpp${this.s.cfg.directTls ? 's' : ''}-client._tcp.${domain}`);
        const best = srv.sort((a, b) => a.priority - b.priority || b.weight - a.weight)[0];
        if (best) { host = best.name; port ??= best.port; }
      } catch { /* no SRV: the domain itself */ }
    }
    const c = createXmppClient({
      host, port: port ?? (this.s.cfg.directTls ? 5223 : 5222), domain, directTls: this.s.cfg.directTls,
      ...(this.s.cfg.caPem ? { ca: this.s.cfg.caPem } : {}),
      ...(this.s.cfg.pinSha256 ? { pinSha256: this.s.cfg.pinSha256 } : {}),
      allowPlaintext: this.s.cfg.allowPlaintext,
      ...(this.s.cfg.proxy ? { proxy: this.s.cfg.proxy } : {}),
      timeoutMs: this.s.cfg.timeoutMs,
      username: local, password: this.s.cfg.password,
      ...(resource ? { resource } : {}),
      ...(this.s.cfg.maxIncomingStanzaBytes ? { maxIncomingStanzaBytes: this.s.cfg.maxIncomingStanzaBytes } : {}),
    });
    this.wire(c);
    return c;
  }

  /** starts or resumes the stream; 'resumed' when XEP-0198 resumption succeeded */
  private establish(c: XmppClient, signal: AbortSignal): Promise<'new' | 'resumed'> {
    const { entity } = c;
    return new Promise<'new' | 'resumed'>((resolve, reject) => {
      let done = false;
      const finish = (f: () => void) => {
        if (done) return;
        done = true;
        clearTimeout(timer);
        signal.removeEventListener('abort', onAbort);
        entity.off('online', onOnline);
        entity.off('error', onError);
        entity.off('disconnect', onDisconnect);
        c.sm.off('resumed', onResumed);
        f();
      };
      const onOnline = () => finish(() => resolve('new'));
      const onResumed = () => finish(() => resolve('resumed'));
      const onError = (err: unknown) => finish(() => reject(err));
      const onDisconnect = () => finish(() => reject(netError('the connection closed during login', 'closed')));
      const onAbort = () => finish(() => reject(netError('cancelled', 'aborted')));
      const timer = setTimeout(() => finish(() => reject(netError('login timed out', 'timeout'))), this.s.cfg.timeoutMs * 3);
      entity.on('online', onOnline);
      entity.on('error', onError);
      entity.on('disconnect', onDisconnect);
      c.sm.on('resumed', onResumed);
      signal.addEventListener('abort', onAbort);
      if (signal.aborted) return onAbort();
      const run = async () => {
        if (entity.status === 'offline') {
          await entity.start();
        } else {
          // a dropped connection: reconnect the same client object so the SM session can resume
          const e = entity as unknown as { connect(s: string): Promise<void>; open(o: { domain: unknown }): Promise<void>; options: { service: string; domain: unknown } };
          await e.connect(e.options.service);
          await e.open({ domain: e.options.domain });
        }
      };
      run().catch(onError);
    });
  }

  private async dropTransport(discardSession = false): Promise<void> {
    const c = this.s.client;
    if (!c) return;
    try {
      c.socket()?.destroy();
    } catch { /* gone */ }
    // a stream that never came online cannot be resumed, one whose set-up was cut off must not be:
    // the next attempt starts from scratch
    if (!c.sm.id || discardSession) {
      await c.entity.stop().catch(() => {});
      this.s.client = null;
    }
  }

  async disconnect(): Promise<void> {
    this.s.closing = true;
    const c = this.s.client;
    this.s.client = null;
    this.s.online = false;
    for (const r of this.s.roomState.values()) r.joined = false;
    if (c) {
      c.iq.failAll();
      try {
        if (c.entity.status === 'online') await c.send(xml('presence', { type: 'unavailable' })).catch(() => {});
        await c.entity.stop();
      } catch { /* already down */ }
      c.socket()?.destroy();
    }
    this.s.emit({ type: 'state', state: 'offline' });
  }

  /** tests and diagnostics: lose the TCP connection without closing the stream (SM can resume) */
  dropConnection(): void {
    this.s.client?.socket()?.destroy();
  }

  /** SM state, for tests and diagnostics */
  get streamManagement(): { enabled: boolean; id: string; unacked: number } | null {
    const sm = this.s.client?.sm;
    return sm ? { enabled: sm.enabled, id: sm.id, unacked: sm.outbound_q.length } : null;
  }

  private wire(c: XmppClient): void {
    const { entity, iqCallee, sm } = c;
    entity.on('error', (err: unknown) => {
      if (!this.s.online) return; // reported by connect()
      const e = classifyError(err);
      if (e.code === 'policy-violation') this.parts.refuseOversized(c);
      // restricted / malformed XML closes the stream (parser.ts): the offline state carries the cause
      if (e.code === 'restricted-xml' || e.code === 'not-well-formed' || e.code === 'stanza-too-large') this.s.closeCause = e;
      this.s.emit({ type: 'error', error: e.toJSON() });
    });
    entity.on('bad-stanza', (why: string) => this.s.report('protocol', why, 'bad-stanza'));
    entity.on('disconnect', () => {
      if (!this.s.online) return;
      this.s.online = false;
      // rooms stay joined on the server while the session can be resumed (XEP-0198); a new
      // session rejoins them (afterNewSession)
      const cause = this.s.closeCause;
      this.s.closeCause = undefined;
      this.closedDuringLogin = cause;
      if (this.settingUp) c.iq.failAll();
      if (!this.s.closing) this.s.emit({ type: 'state', state: 'offline', error: cause ? cause.toJSON() : { kind: 'network', fatal: false, message: 'connection lost', code: 'disconnected' } });
    });
    sm.on('ack', (st: XmlElement) => {
      const id = st.name === 'message' ? st.attrs.id : undefined;
      if (id) this.s.largeInflight.delete(id);
      const conv = id ? this.s.sentConv.get(id) : undefined;
      if (id && conv) {
        this.s.sentConv.delete(id);
        this.s.emit({ type: 'receipt', conversation: conv, clientId: id, status: 'sent' });
      }
    });
    // seen before xmpp.js's resumption handler turns the <failed/> into 'fail' events
    entity.on('nonza', (el: XmlElement) => {
      if (el.is('failed', NS_SM) && el.attrs.h !== undefined && sm.id) this.orderlyEnd = true;
    });
    sm.on('fail', (st: XmlElement) => {
      const id = st.name === 'message' ? st.attrs.id : undefined;
      if (id && this.s.sentConv.has(id)) {
        this.s.sentConv.delete(id);
        this.s.emit({ type: 'unacked', clientIds: [id], ...(this.orderlyEnd ? { orderlyEnd: true } : {}) });
      }
    });

    // roster pushes: only from our own account (RFC 6121 §2.1.6)
    iqCallee.set(NS.roster, 'query', (ctx) => {
      if (!isTrustedPush(ctx.stanza, this.s.ownBare)) {
        this.s.report('protocol', 'forged roster push rejected', 'forged-roster-push');
        return xml('error', { type: 'cancel' }, xml('service-unavailable', { xmlns: NS.stanzas }));
      }
      applyRosterPush(this.s, parseRosterQuery(ctx.element));
      return {};
    });
    iqCallee.get(NS.discoInfo, 'query', () => xml('query', { xmlns: NS.discoInfo },
      xml('identity', { category: 'client', type: 'pc', name: 'Confab' }),
      ...[NS.discoInfo, NS.receipts, NS.chatStates, NS.muc, NS.conference, NS.oob, NS.ping, NS.markers].map((v) => xml('feature', { var: v }))));

    entity.on('stanza', (st: XmlElement) => {
      // without XEP-0198 an answer to a later request shows the server took what we sent before
      if (!sm.enabled && st.name === 'iq' && (st.attrs.type === 'result' || st.attrs.type === 'error')) this.s.largeInflight.clear();
      try {
        if (st.name === 'message') this.parts.onMessage(st);
        else if (st.name === 'presence') this.parts.onPresence(st);
      } catch (err) {
        this.s.report('protocol', `could not handle a ${st.name}: ${(err as Error).message}`, 'handler');
      }
    });
  }
}
