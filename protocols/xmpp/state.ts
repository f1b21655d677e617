/**
 * What one XMPP account's adapter parts share: the client and its session facts, the presence the
 * user asked for, rooms, resources, roster, in-flight sends, discovered services, and the event
 * listeners. The parts (session, inbound, outbound, rooms, bookmarks, history, services) each keep
 * only their own state besides this.
 */
import {
  AdapterError,
  type AdapterDeps, type AdapterErrorInfo, type AdapterEvent, type AdapterListener, type Capabilities, type ConversationRef,
  type IncomingMessage, type Occupant, type Presence, type RosterItem, type RoomInfo,
} from '../../core/protocol/types';
import { Listeners } from '../../core/util/emitter';
import { CAPS, MAX_STANZA_CHARS, type XmppAccountConfig } from './account';
import type { XmppClient } from './xmppStream';
import type { DiscoInfo, DiscoItem } from './disco';
import { netError } from './errors';
import { bareOf } from './jid';
import type { RosterParse } from './roster';

export interface RoomState {
  nick: string;
  password?: string;
  joined: boolean;
  occupants: Map<string, Occupant>;
  waiter?: { resolve(r: RoomInfo): void; reject(e: AdapterError): void; nick: string };
  topic?: string;
  name?: string;
  /** created by createPrivate: configured there, not as an instant room */
  configureLater?: boolean;
}

export class XmppState {
  /** per adapter: 'invisible' is added when the server offers XEP-0186 (learned at login) */
  readonly caps: Capabilities = { ...CAPS, presenceShows: [...CAPS.presenceShows] };
  invisibleActive = false;
  readonly listeners = new Listeners<AdapterEvent>();
  client: XmppClient | null = null;
  online = false;
  closing = false;
  /** why the stream is being closed by us (malformed / restricted XML), reported with the offline state */
  closeCause: AdapterError | undefined;
  ownBare = '';
  ownFull = '';
  presence: Presence = { show: 'available' };
  readonly roomState = new Map<string, RoomState>();
  readonly resources = new Map<string, Map<string, Presence>>();
  readonly roster = new Map<string, RosterItem>();
  /** roster pushes that arrived while the login roster was being parsed (rosterPush.ts) */
  heldRosterPushes: RosterParse[] | null = null;
  readonly mamQueries = new Map<string, { archive: string; messages: IncomingMessage[] }>();
  readonly sentConv = new Map<string, ConversationRef>();
  serverInfo: DiscoInfo | null = null;
  /** lowered when the server closes the stream over a stanza we sent (its limit is below ours) */
  maxStanzaChars = MAX_STANZA_CHARS;
  components: { item: DiscoItem; info: DiscoInfo }[] | null = null;
  /** messages above the smallest stanza limit a server may use, not yet acknowledged */
  readonly largeInflight = new Map<string, { conv: ConversationRef; size: number }>();
  /** clientIds the server refused as too large (a later send of the same id fails at once) */
  readonly refused = new Set<string>();
  /** serverId → the sender's message id of recent incoming 1:1 messages (XEP-0333 markers name the latter) */
  readonly incomingIds = new Map<string, string>();

  constructor(readonly cfg: XmppAccountConfig, readonly deps: AdapterDeps, readonly configError?: string) {}

  subscribe(listener: AdapterListener): () => void {
    return this.listeners.add(listener);
  }

  emit(ev: AdapterEvent): void {
    this.listeners.emit(ev, (err) => this.deps.log.warn('xmpp listener threw', { error: String(err) }));
  }

  report(kind: AdapterErrorInfo['kind'], message: string, code?: string): void {
    this.deps.log.warn('xmpp: ' + message, code ? { code } : undefined);
    this.emit({ type: 'error', error: { kind, fatal: false, message, ...(code ? { code } : {}) } });
  }

  requireOnline(): XmppClient {
    if (!this.online || !this.client) throw netError('not connected', 'offline');
    return this.client;
  }

  requireBare(id: string): string {
    const b = bareOf(id);
    if (!b) throw new AdapterError({ kind: 'config', fatal: true, message: `invalid address: ${id}`, code: 'invalid-jid' });
    return b;
  }

  defaultNick(): string {
    return this.cfg.nick || this.ownBare.split('@')[0] || 'confab';
  }
}
