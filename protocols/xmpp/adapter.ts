/**
 * The XMPP adapter: ONE composition file. Everything protocol-specific lives in the small feature
 * files; the parts that act for the user are wired here, in this order:
 *
 *   session.ts   client.ts (transport → requireTls → STARTTLS → SASL → SM → bind), stanza guard,
 *                iq handlers (roster push from our own account only, disco#info)
 *   inbound.ts   message pipeline: MAM result? → carbon? → groupchat/chat parse
 *                  [mam.ts, carbons.ts, message.ts; receipts.ts, chatStates.ts, stanzaId.ts]
 *                presence pipeline: MUC occupant? → contact presence / subscription [muc.ts, presence.ts]
 *   restore.ts   after a NEW session: roster fetch, carbons on, presence, rooms rejoined, bookmarks
 *                autojoin; after a RESUMED session (XEP-0198): nothing (the server kept our state)
 *   outbound.ts  messages, own presence, chat states, read markers
 *   contactOps.ts, roomOps.ts, bookmarkOps.ts, historyOps.ts, serviceOps.ts   the optional groups
 *   state.ts     what they share; account.ts limits and caps; errors.ts error classes
 *
 * Reconnect: none here. The engine calls connect() again; the xmpp.js client object (and its
 * stream-management resume state) is kept in this adapter between calls.
 */
import type {
  AdapterDeps, AdapterListener, Capabilities, ConversationRef, OutgoingMessage, Presence, ProtocolAdapter, ValidationResult,
} from '../../core/protocol/types';
import type { Bookmark } from './bookmarks';
import type { CommandStep } from './adhoc';
import type { DiscoInfo, DiscoItem } from './disco';
import { stanzaErrorText } from './message';
import { normalizeJid, parseJid } from './jid';
import { XmppBookmarks } from './bookmarkOps';
import { XmppContacts } from './contactOps';
import { XmppHistory } from './historyOps';
import { XmppInbound } from './inbound';
import { XmppOutbound } from './outbound';
import { XmppRestore } from './restore';
import { XmppRooms } from './roomOps';
import { XmppServices } from './serviceOps';
import { XmppSession } from './session';
import { XmppState } from './state';
import type { XmppAccountConfig } from './account';

export { classifyError } from './errors';
export { CAPS, JOIN_FIELDS, MAX_INCOMING_BODY_BYTES, MAX_MESSAGE_BYTES, MAX_STANZA_CHARS, type XmppAccountConfig } from './account';

export class XmppAdapter implements ProtocolAdapter {
  private readonly s: XmppState;
  private readonly session: XmppSession;
  private readonly outbound: XmppOutbound;
  private readonly roomOps: XmppRooms;
  private readonly bookmarkOps: XmppBookmarks;
  private readonly services: XmppServices;

  readonly caps: Capabilities;
  readonly contacts: XmppContacts['group'];
  readonly rooms: XmppRooms['group'];
  readonly typing: XmppOutbound['typing'];
  readonly receipts: XmppOutbound['receipts'];
  readonly history: XmppHistory['group'];
  readonly files: XmppServices['files'];

  constructor(cfg: XmppAccountConfig, deps: AdapterDeps, configError?: string) {
    const s = (this.s = new XmppState(cfg, deps, configError));
    this.caps = s.caps;
    const services = (this.services = new XmppServices(s));
    const bookmarks = (this.bookmarkOps = new XmppBookmarks(s));
    const inbound = new XmppInbound(s);
    const outbound = (this.outbound = new XmppOutbound(s, () => this.disconnect()));
    const rooms = (this.roomOps = new XmppRooms(s, {
      addBookmark: (b) => bookmarks.addBookmark(b),
      findMucService: () => services.findMucService(),
    }));
    const restore = new XmppRestore(s, {
      discoInfo: (jid) => services.discoInfo(jid),
      sendOwnPresence: (c) => outbound.sendOwnPresence(c),
      bookmarks: () => bookmarks.bookmarks(),
      joinRoom: (room, nick, password) => rooms.joinRoom(room, nick, password),
    });
    this.session = new XmppSession(s, {
      afterNewSession: () => restore.afterNewSession(),
      onMessage: (st) => inbound.onMessage(st),
      onPresence: (st) => inbound.onPresence(st),
      refuseOversized: (c) => outbound.refuseOversized(c),
    });
    this.contacts = new XmppContacts(s).group;
    this.rooms = rooms.group;
    this.typing = outbound.typing;
    this.receipts = outbound.receipts;
    this.history = new XmppHistory(s).group;
    this.files = services.files;
  }

  // ---- the required core -----------------------------------------------------------------------

  subscribe(listener: AdapterListener): () => void {
    return this.s.subscribe(listener);
  }

  normalize(id: string): ValidationResult {
    const r = parseJid(id);
    if (!r.ok) return { ok: false, error: r.error };
    return { ok: true, normalized: `${r.jid.local ? `${r.jid.local}@` : ''}${r.jid.domain}${r.jid.resource ? `/${r.jid.resource}` : ''}` };
  }

  connect(signal: AbortSignal): Promise<void> {
    return this.session.connect(signal);
  }

  disconnect(): Promise<void> {
    return this.session.disconnect();
  }

  setPresence(p: Presence): Promise<void> {
    return this.outbound.setPresence(p);
  }

  send(conv: ConversationRef, message: OutgoingMessage): Promise<void> {
    return this.outbound.send(conv, message);
  }

  // ---- beyond the contract (tests, diagnostics, later UI) ------------------------------------

  /** tests and diagnostics: lose the TCP connection without closing the stream (SM can resume) */
  dropConnection(): void {
    this.session.dropConnection();
  }

  /** SM state, for tests and diagnostics */
  get streamManagement(): { enabled: boolean; id: string; unacked: number } | null {
    return this.session.streamManagement;
  }

  /** moderator action: kick an occupant (role none) */
  kick(roomId: string, nick: string, reason?: string): Promise<void> { return this.roomOps.kick(roomId, nick, reason); }
  /** owner action: submit room configuration fields (muc#roomconfig_*) */
  configureRoom(roomId: string, fields: Record<string, string | string[]>): Promise<void> { return this.roomOps.configureRoom(roomId, fields); }
  /** change our nick in a room; resolves when the room confirms */
  changeNick(roomId: string, nick: string): Promise<void> { return this.roomOps.changeNick(roomId, nick); }
  occupants(roomId: string): ReturnType<XmppRooms['occupants']> { return this.roomOps.occupants(roomId); }

  /** where bookmarks live on this server (known after the first bookmark call) */
  get bookmarkStorage(): 'pep' | 'private' | null { return this.bookmarkOps.bookmarkStorage; }
  bookmarks(): Promise<Bookmark[]> { return this.bookmarkOps.bookmarks(); }
  addBookmark(b: Bookmark): Promise<void> { return this.bookmarkOps.addBookmark(b); }
  removeBookmark(room: string): Promise<void> { return this.bookmarkOps.removeBookmark(room); }

  discoInfo(jid: string, node?: string): Promise<DiscoInfo> { return this.services.discoInfo(jid, node); }
  discoItems(jid: string, node?: string): Promise<DiscoItem[]> { return this.services.discoItems(jid, node); }
  discoverComponents(refresh = false): Promise<{ item: DiscoItem; info: DiscoInfo }[]> { return this.services.discoverComponents(refresh); }
  gateways(): ReturnType<XmppServices['gateways']> { return this.services.gateways(); }
  registrationFields(service: string): ReturnType<XmppServices['registrationFields']> { return this.services.registrationFields(service); }
  register(service: string, values: Record<string, string>): Promise<void> { return this.services.register(service, values); }
  executeCommand(to: string, node: string): Promise<CommandStep> { return this.services.executeCommand(to, node); }
  submitCommand(to: string, node: string, step: CommandStep, values: Record<string, string | string[]>): Promise<CommandStep> { return this.services.submitCommand(to, node, step, values); }
  serverFeatures(): Promise<Set<string>> { return this.services.serverFeatures(); }

  /** a raw stanza error helper for tests */
  static errorText = stanzaErrorText;
  static normalizeJid = normalizeJid;
}
