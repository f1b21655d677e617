/**
 * The XMPP adapter: ONE composition file. Everything protocol-specific lives in the small feature
 * files; this file wires them in a fixed order:
 *
 *   client.ts (transport → requireTls → STARTTLS → SASL → SM → bind)
 *   → stanza guard (invalid `from` dropped, oversized input cut)            [client.ts]
 *   → iq handlers: roster push (own account only), ping, disco#info         [roster.ts, disco.ts]
 *   → message pipeline: MAM result? → carbon? → groupchat/chat parse        [mam.ts, carbons.ts, message.ts]
 *       + receipts answered, chat states, stanza-id trust, delay           [receipts.ts, chatStates.ts, stanzaId.ts]
 *   → presence pipeline: MUC occupant? → contact presence / subscription    [muc.ts, presence.ts]
 *   → after a NEW session: roster fetch, carbons on, presence, rooms rejoined, bookmarks autojoin
 *     after a RESUMED session (XEP-0198): nothing (the server kept our state)
 *
 * Reconnect: none here. The engine calls connect() again; the xmpp.js client object (and its
 * stream-management resume state) is kept in this adapter between calls.
 */
import { randomUUID } from 'node:crypto';
import { resolveSrv } from 'node:dns/promises';
import type {
  AdapterDeps, AdapterErrorInfo, AdapterEvent, AdapterListener, Capabilities, ConfigValues, ConversationRef, FieldDescriptor,
  HistoryPage, IncomingMessage, OutgoingMessage, Presence, ProtocolAdapter, RoomInfo, ValidationResult,
} from '../../core/protocol/types';
import { AdapterError } from '../../core/protocol/types';
import { Listeners } from '../../core/util/emitter';
import { executeCommand, NS_COMMANDS, parseCommand, submitCommand, type CommandStep } from './adhoc';
import { fetchBookmarks, fetchLegacyBookmarks, parseBookmarks, parseLegacyBookmarks, publishBookmark, retractBookmark, storeLegacyBookmarks, type Bookmark } from './bookmarks';
import { enableCarbons, unwrapCarbon } from './carbons';
import { chatStateElement, chatStateMessage, COMPOSING_REFRESH_MS } from './chatStates';
import { createXmppClient, type XmppClient } from './client';
import { discoInfoQuery, discoItemsQuery, formValue, parseDiscoInfo, parseDiscoItems, parseRegisterFields, registerGet, registerSet, type DiscoInfo, type DiscoItem } from './disco';
import { bareOf, normalizeJid, parseJid } from './jid';
import { buildMamQuery, parseMamFin, parseMamResult } from './mam';
import { parseMessage, stanzaErrorText } from './message';
import { directInvite, joinPresence, kickOccupant, leavePresence, mediatedInvite, nickPresence, parseMucPresence, roomConfigSubmit, setAffiliation, subjectMessage } from './muc';
import { NS } from './ns';
import { aggregate, buildPresence, parsePresence } from './presence';
import type { ProxyConfig } from './proxy';
import { requestElement, receiptFor, wantsReceipt } from './receipts';
import { isTrustedPush, parseRosterQuery, rosterGet, rosterRemove, rosterSet } from './roster';
import { parseSlot, putFile, slotRequest } from './upload';
import { xml, type XmlElement } from './xml';

export interface XmppAccountConfig {
  jid: string;
  password: string;
  resource?: string;
  server?: string;
  port?: number;
  directTls: boolean;
  caPem?: string;
  pinSha256?: string;
  allowPlaintext: boolean;
  proxy?: ProxyConfig;
  nick?: string;
  mucDomain?: string;
  timeoutMs: number;
  maxIncomingStanzaBytes?: number;
}

/** Prosody closes the stream on stanzas above 256 KiB; we stay well below it (see caps). */
export const MAX_MESSAGE_BYTES = 64 * 1024;
export const MAX_STANZA_CHARS = 240 * 1024;
/** no server limits c2s stanzas below this (Prosody's minimum); larger unacked messages are suspects on policy-violation */
const SMALLEST_SERVER_LIMIT = 10_000;
const NS_INVISIBLE = 'urn:xmpp:invisible:0';
/** incoming bodies beyond this are dropped (reported), the connection stays up */
export const MAX_INCOMING_BODY_BYTES = 1024 * 1024;

export const CAPS: Capabilities = {
  // Prosody 0.12 has no invisibility module: 'invisible' is not declared
  presenceShows: ['available', 'chat', 'away', 'xa', 'dnd', 'offline'],
  maxMessageBytes: MAX_MESSAGE_BYTES,
  serverAck: true,
  deliveryReceipts: true,
  stableClientIds: true,
};

export const JOIN_FIELDS: FieldDescriptor[] = [
  { key: 'room', label: 'Room address', type: 'text', required: true, placeholder: 'room@conference.example.org' },
  { key: 'nick', label: 'Nickname', type: 'text' },
  { key: 'password', label: 'Room password', type: 'password' },
  { key: 'bookmark', label: 'Bookmark and join automatically', type: 'boolean', default: false },
];

interface RoomState {
  nick: string;
  password?: string;
  joined: boolean;
  occupants: Map<string, import('../../core/protocol/types').Occupant>;
  waiter?: { resolve(r: RoomInfo): void; reject(e: AdapterError): void; nick: string };
  topic?: string;
  name?: string;
  /** created by createPrivate: configured there, not as an instant room */
  configureLater?: boolean;
}

const netError = (message: string, code = 'network', cause?: unknown) => new AdapterError({ kind: 'network', fatal: false, message, code }, { cause });

/** maps anything thrown by xmpp.js or the transport to the contract's error classes */
export function classifyError(err: unknown): AdapterError {
  if (err instanceof AdapterError) return err;
  const e = err as { name?: string; condition?: string; message?: string; code?: string; text?: string };
  const msg = e?.message ?? String(err);
  if (e?.name === 'SASLError') {
    const temporary = e.condition === 'temporary-auth-failure';
    return new AdapterError({ kind: 'auth', fatal: !temporary, message: `login refused: ${e.condition ?? msg}${e.text ? ` (${e.text})` : ''}`, code: e.condition ?? 'sasl' }, { cause: err });
  }
  if (e?.name === 'StreamError') {
    const c = e.condition ?? '';
    if (c === 'host-unknown' || c === 'improper-addressing') return new AdapterError({ kind: 'config', fatal: true, message: `the server does not serve this domain (${c})`, code: c }, { cause: err });
    if (c === 'conflict') return new AdapterError({ kind: 'name-in-use', fatal: false, message: 'another client took over this resource', code: c }, { cause: err });
    if (c === 'not-authorized') return new AdapterError({ kind: 'auth', fatal: true, message: 'not authorized', code: c }, { cause: err });
    if (c === 'system-shutdown' || c === 'connection-timeout' || c === 'reset') return netError(`the server closed the stream (${c})`, c, err);
    return new AdapterError({ kind: 'protocol', fatal: false, message: `stream error: ${c}${e.text ? ` (${e.text})` : ''}`, code: c }, { cause: err });
  }
  if (e?.name === 'TimeoutError') return netError('the server did not answer in time', 'timeout', err);
  if (e?.code && /^E[A-Z]+/.test(e.code)) return netError(`network: ${e.code}`, e.code, err);
  if (e?.name === 'XMLError') return new AdapterError({ kind: 'protocol', fatal: false, message: `malformed XML from the server: ${msg}`, code: 'xml' }, { cause: err });
  return new AdapterError({ kind: 'protocol', fatal: false, message: msg, code: e?.condition ?? 'protocol' }, { cause: err });
}

export class XmppAdapter implements ProtocolAdapter {
  /** per adapter: 'invisible' is added when the server offers XEP-0186 (learned at login) */
  readonly caps: Capabilities = { ...CAPS, presenceShows: [...CAPS.presenceShows] };
  private invisibleActive = false;
  private readonly listeners = new Listeners<AdapterEvent>();
  private client: XmppClient | null = null;
  private online = false;
  private closing = false;
  /** why the stream is being closed by us (malformed / restricted XML), reported with the offline state */
  private closeCause: AdapterError | undefined;
  private ownBare = '';
  private ownFull = '';
  private presence: Presence = { show: 'available' };
  private readonly roomState = new Map<string, RoomState>();
  private readonly resources = new Map<string, Map<string, Presence>>();
  private readonly roster = new Map<string, import('../../core/protocol/types').RosterItem>();
  private readonly mamQueries = new Map<string, { archive: string; messages: IncomingMessage[] }>();
  private readonly sentConv = new Map<string, ConversationRef>();
  private serverInfo: DiscoInfo | null = null;
  /** lowered when the server closes the stream over a stanza we sent (its limit is below ours) */
  private maxStanzaChars = MAX_STANZA_CHARS;
  private components: { item: DiscoItem; info: DiscoInfo }[] | null = null;

  constructor(private readonly cfg: XmppAccountConfig, private readonly deps: AdapterDeps, private readonly configError?: string) {}

  // ---- events ------------------------------------------------------------------------------

  subscribe(listener: AdapterListener): () => void {
    return this.listeners.add(listener);
  }

  private emit(ev: AdapterEvent): void {
    this.listeners.emit(ev, (err) => this.deps.log.warn('xmpp listener threw', { error: String(err) }));
  }

  private report(kind: AdapterErrorInfo['kind'], message: string, code?: string): void {
    this.deps.log.warn('xmpp: ' + message, code ? { code } : undefined);
    this.emit({ type: 'error', error: { kind, fatal: false, message, ...(code ? { code } : {}) } });
  }

  normalize(id: string): ValidationResult {
    const r = parseJid(id);
    if (!r.ok) return { ok: false, error: r.error };
    return { ok: true, normalized: `${r.jid.local ? `${r.jid.local}@` : ''}${r.jid.domain}${r.jid.resource ? `/${r.jid.resource}` : ''}` };
  }

  // ---- connection ----------------------------------------------------------------------------

  async connect(signal: AbortSignal): Promise<void> {
    if (this.configError) throw new AdapterError({ kind: 'config', fatal: true, message: this.configError, code: 'invalid-config' });
    const own = parseJid(this.cfg.jid);
    if (!own.ok || !own.jid.local) throw new AdapterError({ kind: 'config', fatal: true, message: `invalid account address: ${own.ok ? 'no user name' : own.error}`, code: 'invalid-jid' });
    if (this.online) return;
    // one attempt at a time: a second call joins the running one
    if (this.connecting) return this.connecting;
    this.connecting = this.attempt(own.jid.local, own.jid.domain, own.jid.resource, signal).finally(() => { this.connecting = null; });
    return this.connecting;
  }

  private connecting: Promise<void> | null = null;

  private async attempt(local: string, domain: string, resource: string, signal: AbortSignal): Promise<void> {
    this.closing = false;
    this.ownBare = `${local}@${domain}`;
    this.emit({ type: 'state', state: 'connecting' });
    try {
      if (!this.client) this.client = await this.makeClient(local, domain, resource || this.cfg.resource);
      const c = this.client;
      const how = await this.establish(c, signal);
      if (this.closing || this.client !== c) {
        await c.entity.stop().catch(() => {});
        throw netError('disconnected while connecting', 'aborted');
      }
      this.online = true;
      this.ownFull = this.client.entity.jid?.toString() ?? this.ownBare;
      this.emit({ type: 'self', id: this.ownFull });
      if (how === 'new') await this.afterNewSession();
      this.emit({ type: 'state', state: 'online' });
    } catch (err) {
      const e = signal.aborted ? netError('connection attempt cancelled', 'aborted', err) : classifyError(err);
      this.online = false;
      await this.dropTransport();
      this.emit({ type: 'state', state: e.fatal ? 'failed' : 'offline', error: e.toJSON() });
      throw e;
    }
  }

  private async makeClient(local: string, domain: string, resource?: string): Promise<XmppClient> {
    let host = this.cfg.server;
    let port = this.cfg.port;
    if (!host) {
      host = domain;
      try {
        const srv = await resolveSrv(`_xmpp${this.cfg.directTls ? 's' : ''}-client._tcp.${domain}`);
        const best = srv.sort((a, b) => a.priority - b.priority || b.weight - a.weight)[0];
        if (best) { host = best.name; port ??= best.port; }
      } catch { /* no SRV: the domain itself */ }
    }
    const c = createXmppClient({
      host, port: port ?? (this.cfg.directTls ? 5223 : 5222), domain, directTls: this.cfg.directTls,
      ...(this.cfg.caPem ? { ca: this.cfg.caPem } : {}),
      ...(this.cfg.pinSha256 ? { pinSha256: this.cfg.pinSha256 } : {}),
      allowPlaintext: this.cfg.allowPlaintext,
      ...(this.cfg.proxy ? { proxy: this.cfg.proxy } : {}),
      timeoutMs: this.cfg.timeoutMs,
      username: local, password: this.cfg.password,
      ...(resource ? { resource } : {}),
      ...(this.cfg.maxIncomingStanzaBytes ? { maxIncomingStanzaBytes: this.cfg.maxIncomingStanzaBytes } : {}),
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
      const timer = setTimeout(() => finish(() => reject(netError('login timed out', 'timeout'))), this.cfg.timeoutMs * 3);
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

  private async dropTransport(): Promise<void> {
    const c = this.client;
    if (!c) return;
    try {
      c.socket()?.destroy();
    } catch { /* gone */ }
    // a stream that never came online cannot be resumed; start the next attempt from scratch
    if (!c.sm.id) {
      await c.entity.stop().catch(() => {});
      this.client = null;
    }
  }

  async disconnect(): Promise<void> {
    this.closing = true;
    const c = this.client;
    this.client = null;
    this.online = false;
    for (const r of this.roomState.values()) r.joined = false;
    if (c) {
      c.iq.failAll();
      try {
        if (c.entity.status === 'online') await c.send(xml('presence', { type: 'unavailable' })).catch(() => {});
        await c.entity.stop();
      } catch { /* already down */ }
      c.socket()?.destroy();
    }
    this.emit({ type: 'state', state: 'offline' });
  }

  /** tests and diagnostics: lose the TCP connection without closing the stream (SM can resume) */
  dropConnection(): void {
    this.client?.socket()?.destroy();
  }

  /** SM state, for tests and diagnostics */
  get streamManagement(): { enabled: boolean; id: string; unacked: number } | null {
    const sm = this.client?.sm;
    return sm ? { enabled: sm.enabled, id: sm.id, unacked: sm.outbound_q.length } : null;
  }

  private wire(c: XmppClient): void {
    const { entity, iqCallee, sm } = c;
    entity.on('error', (err: unknown) => {
      if (!this.online) return; // reported by connect()
      const e = classifyError(err);
      if (e.code === 'policy-violation') this.refuseOversized(c);
      // restricted / malformed XML closes the stream (parser.ts): the offline state carries the cause
      if (e.code === 'restricted-xml' || e.code === 'not-well-formed' || e.code === 'stanza-too-large') this.closeCause = e;
      this.emit({ type: 'error', error: e.toJSON() });
    });
    entity.on('bad-stanza', (why: string) => this.report('protocol', why, 'bad-stanza'));
    entity.on('disconnect', () => {
      if (!this.online) return;
      this.online = false;
      // rooms stay joined on the server while the session can be resumed (XEP-0198); a new
      // session rejoins them (afterNewSession)
      const cause = this.closeCause;
      this.closeCause = undefined;
      if (!this.closing) this.emit({ type: 'state', state: 'offline', error: cause ? cause.toJSON() : { kind: 'network', fatal: false, message: 'connection lost', code: 'disconnected' } });
    });
    sm.on('ack', (st: XmlElement) => {
      const id = st.name === 'message' ? st.attrs.id : undefined;
      if (id) this.largeInflight.delete(id);
      const conv = id ? this.sentConv.get(id) : undefined;
      if (id && conv) {
        this.sentConv.delete(id);
        this.emit({ type: 'receipt', conversation: conv, clientId: id, status: 'sent' });
      }
    });
    sm.on('fail', (st: XmlElement) => {
      const id = st.name === 'message' ? st.attrs.id : undefined;
      if (id && this.sentConv.has(id)) {
        this.sentConv.delete(id);
        this.emit({ type: 'unacked', clientIds: [id] });
      }
    });

    // roster pushes: only from our own account (RFC 6121 §2.1.6)
    iqCallee.set(NS.roster, 'query', (ctx) => {
      if (!isTrustedPush(ctx.stanza, this.ownBare)) {
        this.report('protocol', 'forged roster push rejected', 'forged-roster-push');
        return xml('error', { type: 'cancel' }, xml('service-unavailable', { xmlns: NS.stanzas }));
      }
      const r = parseRosterQuery(ctx.element);
      for (const it of r.items) this.roster.set(it.id, it);
      for (const id of r.removed) this.roster.delete(id);
      if (r.items.length) this.emit({ type: 'roster', items: r.items, replace: false });
      if (r.removed.length) this.emit({ type: 'roster-remove', ids: r.removed });
      return {};
    });
    iqCallee.get(NS.discoInfo, 'query', () => xml('query', { xmlns: NS.discoInfo },
      xml('identity', { category: 'client', type: 'pc', name: 'Confab' }),
      ...[NS.discoInfo, NS.receipts, NS.chatStates, NS.muc, NS.conference, NS.oob, NS.ping, NS.markers].map((v) => xml('feature', { var: v }))));

    entity.on('stanza', (st: XmlElement) => {
      // without XEP-0198 an answer to a later request shows the server took what we sent before
      if (!sm.enabled && st.name === 'iq' && (st.attrs.type === 'result' || st.attrs.type === 'error')) this.largeInflight.clear();
      try {
        if (st.name === 'message') this.onMessage(st);
        else if (st.name === 'presence') this.onPresence(st);
      } catch (err) {
        this.report('protocol', `could not handle a ${st.name}: ${(err as Error).message}`, 'handler');
      }
    });
  }

  /**
   * The server closed the stream with policy-violation: it refused a stanza as too large (Prosody:
   * "stanza too large"). The unacknowledged messages above the smallest limit any server may use
   * (10 000 bytes) are failed permanently instead of being re-sent after the reconnect (which would
   * loop), and later sends of that size are refused before they reach the wire.
   */
  private refuseOversized(c: XmppClient): void {
    const refusedNow = new Set<string>();
    for (const [id, m] of this.largeInflight) {
      refusedNow.add(id);
      this.refused.add(id);
      this.sentConv.delete(id);
      this.maxStanzaChars = Math.min(this.maxStanzaChars, m.size - 1);
      this.emit({ type: 'receipt', conversation: m.conv, clientId: id, status: 'failed',
        error: { kind: 'protocol', fatal: true, message: `the server refused a message of ${m.size} bytes as too large`, code: 'too-large' } });
    }
    this.largeInflight.clear();
    // never re-sent by a resumption either
    c.sm.outbound_q = c.sm.outbound_q.filter((item) => !(item.stanza.name === 'message' && refusedNow.has(item.stanza.attrs.id ?? '')));
  }

  /** messages above the smallest stanza limit a server may use, not yet acknowledged */
  private readonly largeInflight = new Map<string, { conv: ConversationRef; size: number }>();
  /** clientIds the server refused as too large (a later send of the same id fails at once) */
  private readonly refused = new Set<string>();

  private async afterNewSession(): Promise<void> {
    const c = this.client!;
    this.resources.clear();
    try {
      const res = await c.iq.request(rosterGet(), this.cfg.timeoutMs);
      const r = parseRosterQuery(res.getChild('query', NS.roster));
      this.roster.clear();
      for (const it of r.items) this.roster.set(it.id, it);
      this.emit({ type: 'roster', items: r.items, replace: true });
    } catch (err) {
      this.report('protocol', `roster fetch failed: ${classifyError(err).message}`, 'roster');
    }
    await c.iq.request(enableCarbons(), this.cfg.timeoutMs).catch((err: unknown) => this.report('protocol', `carbons not enabled: ${classifyError(err).message}`, 'carbons'));
    // server features decide the invisibility capability (XEP-0186)
    const info = await this.discoInfo(this.ownBare.split('@')[1]!).catch(() => null);
    this.serverInfo = info;
    const canHide = !!info?.features.has(NS_INVISIBLE);
    const has = this.caps.presenceShows.includes('invisible');
    if (canHide && !has) this.caps.presenceShows.splice(this.caps.presenceShows.indexOf('offline'), 0, 'invisible');
    if (!canHide && has) this.caps.presenceShows.splice(this.caps.presenceShows.indexOf('invisible'), 1);
    this.invisibleActive = false;
    if (this.presence.show === 'invisible' && !canHide) {
      this.report('protocol', 'this server does not support invisibility: shown as available', 'unsupported');
      this.presence = { ...this.presence, show: 'available' };
    }
    await this.sendOwnPresence(c);
    // rooms we were in are rejoined; bookmarks with autojoin are joined
    for (const r of this.roomState.values()) { r.joined = false; r.occupants.clear(); }
    const rejoin = [...this.roomState.entries()].map(([room, s]) => ({ room, nick: s.nick, password: s.password }));
    for (const r of rejoin) void this.rejoin(r.room, r.nick, r.password);
    void this.bookmarks().then((bms) => {
      for (const b of bms) if (b.autojoin && !this.roomState.has(b.room)) void this.joinRoom(b.room, b.nick ?? this.defaultNick(), b.password).catch(() => {});
    }).catch(() => {});
  }

  /**
   * Rejoins a room after a new session. Right after a server restart a room can answer
   * item-not-found for a moment; a few spaced retries cover that (a nick conflict or a ban does not retry).
   */
  private async rejoin(room: string, nick: string, password?: string): Promise<void> {
    for (let attempt = 1; ; attempt++) {
      try {
        await this.joinRoom(room, nick, password);
        return;
      } catch (err) {
        const e = classifyError(err);
        const retry = attempt < 3 && this.online && (e.code === 'item-not-found' || e.code === 'timeout' || e.code === 'service-unavailable');
        if (!retry) {
          this.report('protocol', `could not rejoin ${room}: ${e.message}`, 'rejoin');
          return;
        }
        await new Promise((r) => setTimeout(r, 1000 * attempt));
      }
    }
  }

  private defaultNick(): string {
    return this.cfg.nick || this.ownBare.split('@')[0] || 'confab';
  }

  // ---- incoming ------------------------------------------------------------------------------

  private onMessage(st: XmlElement): void {
    // MAM results belong to a running query, never to the live stream
    const mamResult = st.getChild('result', NS.mam);
    if (mamResult) {
      const q = this.mamQueries.get(mamResult.attrs.queryid ?? '');
      if (!q) return this.report('protocol', 'archive result for an unknown query dropped', 'mam-unknown');
      const r = parseMamResult(st, mamResult.attrs.queryid!, q.archive);
      if (r === 'forged' || r === null) return this.report('protocol', 'forged archive result rejected', 'forged-mam');
      const events = parseMessage(r.message, { ownBare: this.ownBare, now: this.deps.now(), roomNick: (room) => this.roomState.get(room)?.nick, mam: { id: r.id, ...(r.stamp !== undefined ? { stamp: r.stamp } : {}), archive: q.archive } });
      for (const ev of events) {
        if (ev.type === 'message') q.messages.push(ev.message);
        else if (ev.type === 'receipt') this.emit(ev);
      }
      return;
    }
    let msg = st;
    const carbon = unwrapCarbon(st, this.ownBare);
    if (carbon?.kind === 'forged') return this.report('protocol', `forged carbon rejected: ${carbon.reason}`, 'forged-carbon');
    if (carbon) msg = carbon.inner;
    const body = msg.getChildText('body');
    if (msg.attrs.type === 'groupchat' && !this.roomState.has(bareOf(msg.attrs.from) ?? '')) {
      return this.report('protocol', 'a group chat message from a room we are not in was dropped', 'not-joined');
    }
    if (body !== null && Buffer.byteLength(body) > MAX_INCOMING_BODY_BYTES) {
      return this.report('protocol', `an incoming message of ${Buffer.byteLength(body)} bytes was dropped (limit ${MAX_INCOMING_BODY_BYTES})`, 'body-too-large');
    }
    const events = parseMessage(msg, { ownBare: this.ownBare, now: this.deps.now(), roomNick: (room) => this.roomState.get(room)?.nick, ...(carbon ? { carbon: carbon.kind } : {}) });
    // XEP-0184: confirm what a peer asked us to confirm (not for carbons of our own sends, not in rooms)
    if (wantsReceipt(msg) && msg.attrs.type !== 'groupchat' && msg.attrs.type !== 'error' && carbon?.kind !== 'sent' && body !== null && msg.attrs.id && msg.attrs.from && !carbon) {
      void this.client?.send(receiptFor(msg.attrs.from, msg.attrs.id)).catch(() => {});
    }
    for (const ev of events) {
      if (ev.type === 'message' && ev.message.conversation.kind === 'direct' && ev.message.direction === 'in' && ev.message.serverId && msg.attrs.id) {
        this.incomingIds.set(ev.message.serverId, msg.attrs.id);
        if (this.incomingIds.size > 2000) this.incomingIds.delete(this.incomingIds.keys().next().value!);
      }
      if (ev.type === 'topic') {
        const r = this.roomState.get(ev.roomId);
        if (r) r.topic = ev.topic;
      }
      this.emit(ev);
    }
  }

  private onPresence(st: XmlElement): void {
    const fromBare = bareOf(st.attrs.from);
    if (fromBare && this.roomState.has(fromBare)) return this.onRoomPresence(st);
    // occupant presence of a room we are not in (left, or never joined): not a contact's presence
    if (st.getChild('x', NS.mucUser)) return;
    if (!st.attrs.from) return;
    const full = parseJid(st.attrs.from);
    if (!full.ok || !fromBare) return;
    const p = parsePresence(st);
    switch (p.kind) {
      case 'available':
      case 'unavailable': {
        let byRes = this.resources.get(fromBare);
        if (!byRes) this.resources.set(fromBare, (byRes = new Map()));
        const res = full.jid.resource;
        if (p.kind === 'unavailable') {
          if (res) byRes.delete(res);
          else byRes.clear();
        } else {
          byRes.set(res, p.presence);
        }
        if (res) this.emit({ type: 'presence', contactId: fromBare, resource: res, presence: p.presence });
        this.emit({ type: 'presence', contactId: fromBare, presence: aggregate(byRes.values()) });
        return;
      }
      case 'subscribe':
        this.emit({ type: 'subscription-request', from: fromBare, ...(p.status ? { message: p.status } : {}) });
        return;
      default:
        return; // subscribed/unsubscribed are followed by roster pushes
    }
  }

  private onRoomPresence(st: XmlElement): void {
    const m = parseMucPresence(st);
    if (!m) return;
    const room = this.roomState.get(m.room);
    if (!room) return;
    if (m.error) {
      const e = new AdapterError({ kind: m.error.condition === 'conflict' ? 'name-in-use' : m.error.condition === 'not-authorized' ? 'auth' : 'protocol', fatal: true, message: `cannot join ${m.room}: ${m.error.text ?? m.error.condition}`, code: m.error.condition });
      if (room.waiter) {
        room.waiter.reject(e);
        room.waiter = undefined;
        if (!room.joined) this.roomState.delete(m.room);
      } else {
        this.emit({ type: 'error', error: e.toJSON() });
      }
      return;
    }
    const self = m.codes.has('110') || (room.waiter !== undefined && m.nick === room.waiter.nick && !room.joined);
    if (m.unavailable) {
      if (m.codes.has('303') && m.newNick) {
        room.occupants.delete(m.nick);
        if (self) room.nick = m.newNick;
        this.emit({ type: 'nick-changed', roomId: m.room, oldNick: m.nick, newNick: m.newNick });
        return;
      }
      room.occupants.delete(m.nick);
      if (self) {
        const kicked = m.codes.has('307') || m.codes.has('301') || m.codes.has('321') || m.codes.has('322');
        this.roomState.delete(m.room);
        this.emit({ type: 'room-left', roomId: m.room, ...(m.reason ?? m.status ? { reason: m.reason ?? m.status } : {}), ...(kicked ? { kickedBy: m.actor ?? '' } : {}) });
        return;
      }
      const why = m.codes.has('307') ? `kicked${m.actor ? ` by ${m.actor}` : ''}${m.reason ? `: ${m.reason}` : ''}` : m.codes.has('301') ? 'banned' : m.status;
      this.emit({ type: 'occupant-left', roomId: m.room, nick: m.nick, ...(why ? { reason: why } : {}) });
      return;
    }
    room.occupants.set(m.nick, m.occupant);
    this.emit({ type: 'occupants', roomId: m.room, occupants: [m.occupant], replace: false });
    if (self && !room.joined) {
      room.joined = true;
      room.nick = m.nick;
      const info: RoomInfo = { id: m.room, nick: m.nick, ...(room.topic ? { topic: room.topic } : {}) };
      const waiter = room.waiter;
      room.waiter = undefined;
      const joined = () => {
        this.emit({ type: 'room-joined', room: info });
        waiter?.resolve(info);
      };
      // 201: we created the room and the server keeps it locked until configured. A plain join
      // accepts the default configuration ("instant room", XEP-0045 §10.1.2); createPrivate configures it itself.
      if (m.codes.has('201') && !room.configureLater && this.client) {
        const form = roomConfigSubmit({});
        form.attrs.to = m.room;
        this.client.iq.request(form, this.cfg.timeoutMs)
          .catch((e: unknown) => this.report('protocol', `could not unlock the new room: ${classifyError(e).message}`, 'instant-room'))
          .finally(joined);
      } else {
        joined();
      }
    }
  }

  // ---- outgoing ------------------------------------------------------------------------------

  private requireOnline(): XmppClient {
    if (!this.online || !this.client) throw netError('not connected', 'offline');
    return this.client;
  }

  async setPresence(p: Presence): Promise<void> {
    if (p.show === 'invisible' && this.online && !this.caps.presenceShows.includes('invisible')) {
      throw new AdapterError({ kind: 'protocol', fatal: false, message: 'this server does not support invisibility', code: 'unsupported' });
    }
    this.presence = { ...p };
    if (!this.online || !this.client) return;
    if (p.show === 'offline') return this.disconnect();
    await this.sendOwnPresence(this.client);
  }

  /** XEP-0186 invisibility when asked for and offered, then presence to the server and the joined rooms */
  private async sendOwnPresence(c: XmppClient): Promise<void> {
    const wantInvisible = this.presence.show === 'invisible' && this.caps.presenceShows.includes('invisible');
    if (wantInvisible !== this.invisibleActive) {
      await c.iq.request(xml('iq', { type: 'set' }, xml(wantInvisible ? 'invisible' : 'visible', { xmlns: NS_INVISIBLE })), this.cfg.timeoutMs)
        .catch((e: unknown) => { throw classifyError(e); });
      this.invisibleActive = wantInvisible;
    }
    const shown: Presence = this.presence.show === 'invisible' ? { ...this.presence, show: 'available' } : this.presence;
    await c.send(buildPresence(shown));
    for (const [room, s] of this.roomState) {
      if (!s.joined) continue;
      const el = buildPresence(shown);
      el.attrs.to = `${room}/${s.nick}`;
      await c.send(el);
    }
  }

  async send(conv: ConversationRef, message: OutgoingMessage): Promise<void> {
    // direct: a bare JID, or room/nick for a private message to a room occupant
    const to = conv.kind === 'direct' ? normalizeJid(conv.id) : bareOf(conv.id);
    if (!to) throw new AdapterError({ kind: 'config', fatal: true, message: 'invalid address', code: 'invalid-jid' });
    const body = message.kind === 'action' ? `/me ${message.body}` : message.body;
    const bytes = Buffer.byteLength(body);
    if (bytes > MAX_MESSAGE_BYTES) throw new AdapterError({ kind: 'protocol', fatal: true, message: `message too large (${bytes} bytes; the limit is ${MAX_MESSAGE_BYTES})`, code: 'too-large' });
    const c = this.requireOnline();
    if (conv.kind === 'room' && !this.roomState.get(to)?.joined) throw new AdapterError({ kind: 'protocol', fatal: false, message: 'not in this room', code: 'not-joined' });
    const el = xml('message', { to, type: conv.kind === 'room' ? 'groupchat' : 'chat', id: message.clientId },
      xml('body', {}, body),
      xml('origin-id', { xmlns: NS.sid, id: message.clientId }),
      conv.kind === 'direct' ? requestElement() : undefined,
      conv.kind === 'direct' ? chatStateElement('active') : undefined,
      message.oobUrl ? xml('x', { xmlns: NS.oob }, xml('url', {}, message.oobUrl)) : undefined);
    const size = Buffer.byteLength(el.toString());
    if (size > this.maxStanzaChars || this.refused.has(message.clientId)) throw new AdapterError({ kind: 'protocol', fatal: true, message: `message too large for this server (${size} bytes encoded)`, code: 'too-large' });
    this.sentConv.set(message.clientId, { kind: conv.kind, id: to });
    if (size > SMALLEST_SERVER_LIMIT) {
      this.largeInflight.set(message.clientId, { conv: { kind: conv.kind, id: to }, size });
      if (this.largeInflight.size > 50) this.largeInflight.delete(this.largeInflight.keys().next().value!);
    }
    try {
      await c.send(el);
    } catch (err) {
      this.sentConv.delete(message.clientId);
      if (this.refused.has(message.clientId)) throw new AdapterError({ kind: 'protocol', fatal: true, message: 'the server refused the message as too large', code: 'too-large' });
      this.largeInflight.delete(message.clientId);
      throw classifyError(err);
    }
    if (!c.sm.enabled) {
      this.sentConv.delete(message.clientId);
      this.emit({ type: 'receipt', conversation: { kind: conv.kind, id: to }, clientId: message.clientId, status: 'sent' });
    }
  }

  // ---- contacts ----------------------------------------------------------------------------

  readonly contacts = {
    add: async (id: string, opts?: { name?: string; groups?: string[]; message?: string }) => {
      const jid = this.requireBare(id);
      const c = this.requireOnline();
      await c.iq.request(rosterSet(jid, opts ?? {}), this.cfg.timeoutMs).catch((e: unknown) => { throw classifyError(e); });
      await c.send(xml('presence', { to: jid, type: 'subscribe' }, opts?.message ? xml('status', {}, opts.message) : undefined));
    },
    remove: async (id: string) => {
      const jid = this.requireBare(id);
      await this.requireOnline().iq.request(rosterRemove(jid), this.cfg.timeoutMs).catch((e: unknown) => { throw classifyError(e); });
    },
    update: async (id: string, opts: { name?: string; groups?: string[] }) => {
      const jid = this.requireBare(id);
      const cur = this.roster.get(jid);
      await this.requireOnline().iq.request(rosterSet(jid, { name: opts.name ?? cur?.name, groups: opts.groups ?? cur?.groups ?? [] }), this.cfg.timeoutMs).catch((e: unknown) => { throw classifyError(e); });
    },
    approve: async (id: string) => {
      const jid = this.requireBare(id);
      const c = this.requireOnline();
      await c.send(xml('presence', { to: jid, type: 'subscribed' }));
      const cur = this.roster.get(jid);
      if (!cur || (cur.subscription !== 'to' && cur.subscription !== 'both' && !cur.pendingOut)) await c.send(xml('presence', { to: jid, type: 'subscribe' }));
    },
    deny: async (id: string) => {
      await this.requireOnline().send(xml('presence', { to: this.requireBare(id), type: 'unsubscribed' }));
    },
  };

  private requireBare(id: string): string {
    const b = bareOf(id);
    if (!b) throw new AdapterError({ kind: 'config', fatal: true, message: `invalid address: ${id}`, code: 'invalid-jid' });
    return b;
  }

  // ---- rooms -------------------------------------------------------------------------------

  private joinRoom(room: string, nick: string, password?: string, configureLater = false): Promise<RoomInfo> {
    const c = this.requireOnline();
    const existing = this.roomState.get(room);
    if (existing?.joined) return Promise.resolve({ id: room, nick: existing.nick, ...(existing.topic ? { topic: existing.topic } : {}) });
    return new Promise<RoomInfo>((resolve, reject) => {
      const state: RoomState = existing ?? { nick, joined: false, occupants: new Map() };
      state.nick = nick;
      state.configureLater = configureLater;
      if (password) state.password = password;
      const timer = setTimeout(() => { if (state.waiter) { state.waiter = undefined; reject(netError(`no answer from ${room}`, 'timeout')); } }, this.cfg.timeoutMs * 2);
      state.waiter = {
        nick,
        resolve: (r) => { clearTimeout(timer); resolve(r); },
        reject: (e) => { clearTimeout(timer); reject(e); },
      };
      this.roomState.set(room, state);
      c.send(joinPresence(room, nick, password)).catch((err: unknown) => { clearTimeout(timer); state.waiter = undefined; reject(classifyError(err)); });
    });
  }

  readonly rooms = {
    joinFields: JOIN_FIELDS,
    join: async (values: ConfigValues): Promise<RoomInfo> => {
      const room = bareOf(String(values.room ?? ''));
      if (!room || !room.includes('@')) throw new AdapterError({ kind: 'config', fatal: true, message: 'invalid room address', code: 'invalid-jid' });
      const nick = String(values.nick || this.defaultNick());
      const res = parseJid(`${room}/${nick}`);
      if (!res.ok) throw new AdapterError({ kind: 'config', fatal: true, message: `invalid nickname: ${res.error}`, code: 'invalid-nick' });
      const password = values.password ? String(values.password) : undefined;
      const info = await this.joinRoom(room, res.jid.resource, password);
      if (values.bookmark) await this.addBookmark({ room, nick: info.nick, autojoin: true, ...(password ? { password } : {}) }).catch(() => {});
      return info;
    },
    part: async (roomId: string, reason?: string) => {
      const room = this.requireBare(roomId);
      const s = this.roomState.get(room);
      if (!s) return;
      const c = this.requireOnline();
      await new Promise<void>((resolve) => {
        const timer = setTimeout(done, this.cfg.timeoutMs);
        const off = this.subscribe((ev) => { if (ev.type === 'room-left' && ev.roomId === room) done(); });
        function done() { clearTimeout(timer); off(); resolve(); }
        c.send(leavePresence(room, s.nick, reason)).catch(done);
      });
      this.roomState.delete(room);
    },
    invite: async (roomId: string, contactId: string, reason?: string) => {
      const room = this.requireBare(roomId);
      await this.requireOnline().send(mediatedInvite(room, this.requireBare(contactId), reason));
    },
    setTopic: async (roomId: string, topic: string) => {
      await this.requireOnline().send(subjectMessage(this.requireBare(roomId), topic));
    },
    createPrivate: async (invitees: string[], opts?: { name?: string }): Promise<RoomInfo> => {
      const c = this.requireOnline();
      const mucDomain = this.cfg.mucDomain ?? (await this.findMucService());
      if (!mucDomain) throw new AdapterError({ kind: 'protocol', fatal: true, message: 'the server offers no group chat service', code: 'no-muc' });
      const room = `meeting-${randomUUID().slice(0, 8)}@${mucDomain}`;
      const info = await this.joinRoom(room, this.defaultNick(), undefined, true);
      const form = roomConfigSubmit({
        'muc#roomconfig_membersonly': '1', 'muc#roomconfig_publicroom': '0', 'muc#roomconfig_persistentroom': '0',
        'muc#roomconfig_whois': 'anyone', 'muc#roomconfig_allowinvites': '1', 'muc#roomconfig_changesubject': '1',
        ...(opts?.name ? { 'muc#roomconfig_roomname': opts.name } : {}),
      });
      form.attrs.to = room;
      await c.iq.request(form, this.cfg.timeoutMs).catch((e: unknown) => { throw classifyError(e); });
      for (const who of invitees) {
        const jid = this.requireBare(who);
        await c.iq.request(setAffiliation(room, jid, 'member'), this.cfg.timeoutMs).catch((e: unknown) => this.report('protocol', `could not add a member: ${classifyError(e).message}`, 'affiliation'));
        await c.send(directInvite(room, jid, opts?.name));
      }
      return { ...info, ...(opts?.name ? { name: opts.name } : {}) };
    },
  };

  /** moderator action: kick an occupant (role none) */
  async kick(roomId: string, nick: string, reason?: string): Promise<void> {
    await this.requireOnline().iq.request(kickOccupant(this.requireBare(roomId), nick, reason), this.cfg.timeoutMs).catch((e: unknown) => { throw classifyError(e); });
  }

  /** owner action: submit room configuration fields (muc#roomconfig_*) */
  async configureRoom(roomId: string, fields: Record<string, string | string[]>): Promise<void> {
    const form = roomConfigSubmit(fields);
    form.attrs.to = this.requireBare(roomId);
    await this.requireOnline().iq.request(form, this.cfg.timeoutMs).catch((e: unknown) => { throw classifyError(e); });
  }

  /** change our nick in a room; resolves when the room confirms */
  async changeNick(roomId: string, nick: string): Promise<void> {
    const room = this.requireBare(roomId);
    const s = this.roomState.get(room);
    if (!s?.joined) throw new AdapterError({ kind: 'protocol', fatal: false, message: 'not in this room', code: 'not-joined' });
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => { off(); reject(netError('no answer', 'timeout')); }, this.cfg.timeoutMs);
      const off = this.subscribe((ev) => {
        if (ev.type === 'nick-changed' && ev.roomId === room && ev.newNick === nick) { clearTimeout(timer); off(); resolve(); }
        if (ev.type === 'error' && ev.error.code === 'conflict') { clearTimeout(timer); off(); reject(new AdapterError(ev.error)); }
      });
      this.requireOnline().send(nickPresence(room, nick)).catch((e: unknown) => { clearTimeout(timer); off(); reject(classifyError(e)); });
    });
  }

  occupants(roomId: string): import('../../core/protocol/types').Occupant[] {
    return [...(this.roomState.get(bareOf(roomId) ?? '')?.occupants.values() ?? [])];
  }

  // ---- bookmarks (XEP-0402) ------------------------------------------------------------------

  /** 'pep': XEP-0402; 'private': XEP-0048 in private storage, when the server has no usable PEP */
  private bookmarkStore: 'pep' | 'private' | null = null;

  /** where bookmarks live on this server (known after the first bookmark call) */
  get bookmarkStorage(): 'pep' | 'private' | null {
    return this.bookmarkStore;
  }

  private static readonly NO_PEP = new Set(['service-unavailable', 'feature-not-implemented', 'not-allowed', 'forbidden']);

  async bookmarks(): Promise<Bookmark[]> {
    const c = this.requireOnline();
    if (this.bookmarkStore !== 'private') {
      try {
        const res = await c.iq.request(fetchBookmarks(), this.cfg.timeoutMs);
        this.bookmarkStore = 'pep';
        return parseBookmarks(res.getChild('pubsub', NS.pubsub));
      } catch (e) {
        const ce = classifyError(e);
        if (ce.code === 'item-not-found') { this.bookmarkStore = 'pep'; return []; }
        if (!XmppAdapter.NO_PEP.has(ce.code ?? '')) throw ce;
        this.bookmarkStore = 'private';
      }
    }
    const res = await c.iq.request(fetchLegacyBookmarks(), this.cfg.timeoutMs).catch((e: unknown) => { throw classifyError(e); });
    return parseLegacyBookmarks(res.getChild('query', NS.privateStorage));
  }

  async addBookmark(b: Bookmark): Promise<void> {
    const c = this.requireOnline();
    if (this.bookmarkStore === null) await this.bookmarks().catch(() => []);
    if (this.bookmarkStore === 'private') {
      const list = (await this.bookmarks()).filter((x) => x.room !== b.room);
      await c.iq.request(storeLegacyBookmarks([...list, b]), this.cfg.timeoutMs).catch((e: unknown) => { throw classifyError(e); });
      return;
    }
    await c.iq.request(publishBookmark(b), this.cfg.timeoutMs).catch((e: unknown) => { throw classifyError(e); });
  }

  async removeBookmark(room: string): Promise<void> {
    const c = this.requireOnline();
    const jid = this.requireBare(room);
    if (this.bookmarkStore === null) await this.bookmarks().catch(() => []);
    if (this.bookmarkStore === 'private') {
      const list = (await this.bookmarks()).filter((x) => x.room !== jid);
      await c.iq.request(storeLegacyBookmarks(list), this.cfg.timeoutMs).catch((e: unknown) => { throw classifyError(e); });
      return;
    }
    await c.iq.request(retractBookmark(jid), this.cfg.timeoutMs).catch((e: unknown) => { throw classifyError(e); });
  }

  // ---- typing / markers ----------------------------------------------------------------------

  readonly typing = {
    sendTyping: (conv: ConversationRef, state: 'active' | 'composing' | 'paused'): number => {
      const to = bareOf(conv.id);
      if (!to || !this.online || !this.client) return 0;
      void this.client.send(chatStateMessage(to, conv.kind === 'room' ? 'groupchat' : 'chat', state)).catch(() => {});
      return state === 'composing' ? COMPOSING_REFRESH_MS : 0;
    },
  };

  /** serverId → the sender's message id of recent incoming 1:1 messages (XEP-0333 markers name the latter) */
  private readonly incomingIds = new Map<string, string>();

  readonly receipts = {
    markRead: async (conv: ConversationRef, serverId: string) => {
      const to = this.requireBare(conv.id);
      // 1:1: the marker carries the peer's message id; group chat: the room's stanza-id
      const id = conv.kind === 'direct' ? this.incomingIds.get(serverId) ?? serverId : serverId;
      await this.requireOnline().send(xml('message', { to, type: conv.kind === 'room' ? 'groupchat' : 'chat' }, xml('displayed', { xmlns: NS.markers, id })));
    },
  };

  // ---- history (XEP-0313) --------------------------------------------------------------------

  readonly history = {
    /**
     * One page of up to `limit` messages. Archives also hold receipts and markers (Prosody stores
     * them), so several MAM pages may be read to fill one; receipts found on the way are emitted
     * as 'receipt' events (catch-up). `first`/`last` are the archive ids bounding what was read.
     */
    fetchHistory: async (conv: ConversationRef | null, opts: { before?: string; after?: string; limit: number }): Promise<HistoryPage> => {
      const limit = Math.max(1, Math.min(opts.limit, 250));
      const forward = opts.after !== undefined;
      let cursor = forward ? opts.after : opts.before;
      let messages: IncomingMessage[] = [];
      let first: string | undefined, last: string | undefined, complete = false;
      for (let round = 0; round < 10 && messages.length < limit; round++) {
        const page = await this.mamPage(conv, forward ? { after: cursor! } : cursor !== undefined ? { before: cursor } : {}, limit - messages.length);
        if (forward) {
          messages = messages.concat(page.messages);
          first ??= page.first;
          last = page.last ?? last;
          cursor = page.last;
        } else {
          messages = page.messages.concat(messages);
          last ??= page.last;
          first = page.first ?? first;
          cursor = page.first;
        }
        complete = page.complete;
        if (complete || cursor === undefined) break;
      }
      return { messages, complete, ...(first ? { first } : {}), ...(last ? { last } : {}) };
    },
  };

  private async mamPage(conv: ConversationRef | null, dir: { before?: string; after?: string }, max: number): Promise<HistoryPage> {
    const c = this.requireOnline();
    const archive = conv?.kind === 'room' ? this.requireBare(conv.id) : this.ownBare;
    const queryId = randomUUID();
    const q = { archive, messages: [] as IncomingMessage[] };
    this.mamQueries.set(queryId, q);
    try {
      const iq = buildMamQuery({
        queryId, max,
        ...(conv?.kind === 'room' ? { archive } : {}),
        ...(conv?.kind === 'direct' ? { with: this.requireBare(conv.id) } : {}),
        ...dir,
      });
      const res = await c.iq.request(iq, this.cfg.timeoutMs * 3).catch((e: unknown) => { throw classifyError(e); });
      const fin = parseMamFin(res);
      return { messages: q.messages, complete: fin.complete, ...(fin.first ? { first: fin.first } : {}), ...(fin.last ? { last: fin.last } : {}) };
    } finally {
      this.mamQueries.delete(queryId);
    }
  }

  // ---- files (XEP-0363) ----------------------------------------------------------------------

  readonly files = {
    upload: async (_conv: ConversationRef, file: { name: string; type: string; data: Uint8Array }): Promise<{ url: string }> => {
      const c = this.requireOnline();
      const svc = (await this.discoverComponents()).find((x) => x.info.features.has(NS.upload));
      if (!svc) throw new AdapterError({ kind: 'protocol', fatal: true, message: 'the server offers no file upload', code: 'no-upload' });
      const max = Number(formValue(svc.info.forms, NS.upload, 'max-file-size') ?? NaN);
      if (Number.isFinite(max) && file.data.byteLength > max) throw new AdapterError({ kind: 'protocol', fatal: true, message: `file too large (limit ${max} bytes)`, code: 'too-large' });
      const res = await c.iq.request(slotRequest(svc.item.jid, { name: file.name, size: file.data.byteLength, type: file.type }), this.cfg.timeoutMs).catch((e: unknown) => { throw classifyError(e); });
      const slot = parseSlot(res.getChild('slot', NS.upload));
      if (!slot) throw new AdapterError({ kind: 'protocol', fatal: false, message: 'the upload service sent an unusable slot', code: 'bad-slot' });
      await putFile(slot, file.data, file.type).catch((e: unknown) => { throw netError(`upload failed: ${(e as Error).message}`, 'upload', e); });
      return { url: slot.get };
    },
  };

  // ---- service discovery, gateways (XEP-0030, XEP-0077) --------------------------------------

  async discoInfo(jid: string, node?: string): Promise<DiscoInfo> {
    const res = await this.requireOnline().iq.request(discoInfoQuery(jid, node), this.cfg.timeoutMs).catch((e: unknown) => { throw classifyError(e); });
    return parseDiscoInfo(res.getChild('query', NS.discoInfo));
  }

  async discoItems(jid: string, node?: string): Promise<DiscoItem[]> {
    const res = await this.requireOnline().iq.request(discoItemsQuery(jid, node), this.cfg.timeoutMs).catch((e: unknown) => { throw classifyError(e); });
    return parseDiscoItems(res.getChild('query', NS.discoItems));
  }

  /** the server's components with their disco#info (cached per adapter) */
  async discoverComponents(refresh = false): Promise<{ item: DiscoItem; info: DiscoInfo }[]> {
    if (this.components && !refresh) return this.components;
    const domain = this.ownBare.split('@')[1]!;
    this.serverInfo = await this.discoInfo(domain).catch(() => null);
    const items = await this.discoItems(domain);
    const out: { item: DiscoItem; info: DiscoInfo }[] = [];
    for (const item of items) {
      const info = await this.discoInfo(item.jid).catch(() => null);
      if (info) out.push({ item, info });
    }
    this.components = out;
    return out;
  }

  /**
   * gateways offered by the server: disco category "gateway", and group-chat services that bridge
   * another network (category "conference" with a type other than "text", e.g. biboumi's "irc")
   */
  async gateways(): Promise<{ jid: string; name?: string; type: string; registration: boolean }[]> {
    const isGateway = (i: { category: string; type: string }) => i.category === 'gateway' || (i.category === 'conference' && i.type !== 'text');
    return (await this.discoverComponents()).flatMap(({ item, info }) => info.identities.filter(isGateway).map((i) => ({
      jid: item.jid, type: i.type, ...(i.name ?? item.name ? { name: i.name ?? item.name } : {}), registration: info.features.has(NS.register),
    })));
  }

  /** XEP-0077: what a service asks for to register */
  async registrationFields(service: string): Promise<{ registered: boolean; instructions?: string; fields: string[] }> {
    const res = await this.requireOnline().iq.request(registerGet(this.requireBare(service)), this.cfg.timeoutMs).catch((e: unknown) => { throw classifyError(e); });
    const r = parseRegisterFields(res.getChild('query', NS.register));
    return { registered: r.registered, fields: r.fields, ...(r.instructions ? { instructions: r.instructions } : {}) };
  }

  async register(service: string, values: Record<string, string>): Promise<void> {
    const c = this.requireOnline();
    const to = this.requireBare(service);
    const res = await c.iq.request(registerGet(to), this.cfg.timeoutMs).catch((e: unknown) => { throw classifyError(e); });
    const r = parseRegisterFields(res.getChild('query', NS.register));
    await c.iq.request(registerSet(to, values, r.form), this.cfg.timeoutMs).catch((e: unknown) => { throw classifyError(e); });
  }

  /** XEP-0050: run an ad-hoc command; returns the first step (usually a form) */
  async executeCommand(to: string, node: string): Promise<CommandStep> {
    const res = await this.requireOnline().iq.request(executeCommand(to, node), this.cfg.timeoutMs).catch((e: unknown) => { throw classifyError(e); });
    return parseCommand(res.getChild('command', NS_COMMANDS));
  }

  /** XEP-0050: complete a command step with these form values */
  async submitCommand(to: string, node: string, step: CommandStep, values: Record<string, string | string[]>): Promise<CommandStep> {
    const res = await this.requireOnline().iq.request(submitCommand(to, node, step, values), this.cfg.timeoutMs).catch((e: unknown) => { throw classifyError(e); });
    return parseCommand(res.getChild('command', NS_COMMANDS));
  }

  private async findMucService(): Promise<string | undefined> {
    const comps = await this.discoverComponents();
    return comps.find((x) => x.info.identities.some((i) => i.category === 'conference' && i.type === 'text') && x.info.features.has(NS.muc) && !x.info.identities.some((i) => i.category === 'gateway'))?.item.jid;
  }

  /** whether the server advertises a feature (disco#info of the domain) */
  async serverFeatures(): Promise<Set<string>> {
    if (!this.serverInfo) await this.discoverComponents(true).catch(() => {});
    return this.serverInfo?.features ?? new Set();
  }

  /** a raw stanza error helper for tests */
  static errorText = stanzaErrorText;
  static normalizeJid = normalizeJid;
}
