// The engine: the one object behind the contract. Hosts reach it only through `handlers` (validated
// by contract/server.ts) and the events it emits. The connection lifecycle is in accounts.ts; the
// decisions are pure modules (reconnect, presence, notify, autoreply, people); this file wires them
// to the history store and the adapters.
import { randomUUID } from 'node:crypto';
import {
  ContractError,
  type AccountDTO,
  type AnyEvent,
  type ConversationDTO,
  type DigestDTO,
  type Handlers,
  type IdentityDTO,
  type MemberDTO,
  type MessageDTO,
  type PersonDTO,
  type SettingsDTO,
  type StatusDTO,
} from '../../contract/index';
import { QueryError, type Account, type Contact, type Conversation, type HistoryStore, type InsertResult, type Message, type MessageInput } from '../history/index';
import type { ProtocolRegistry } from '../protocol/registry';
import type { AdapterEvent, ConfigValues, ConversationRef, IncomingMessage, Logger, PresenceShow, ProtocolDescriptor, RosterItem } from '../protocol/types';
import { AccountRuntime } from './accounts';
import { ArchiveHolder, type ArchiveOptions } from './archive';
import { autoReplyBody, shouldAutoReply } from './autoreply';
import { capsDTO, errorDTO, messageDTO, parseSnippet, toErrorInfo, utf8Bytes } from './dto';
import { decideNotification, isMention } from './notify';
import { identityKey, routeReply, suggestMerges, toPerson } from './people';
import { applyIdle, bestPresence, dndExpired, effectiveStatus, endDnd, initialStatus, presenceFor, setStatus, startDnd, type StatusState } from './presence';
import { realTimers, type BackoffPolicy, type TimerApi } from './reconnect';

export interface EngineOptions extends ArchiveOptions {
  registry: ProtocolRegistry;
  log: Logger;
  emit: (e: AnyEvent) => void;
  now?: () => number;
  version?: string;
  backoff?: BackoffPolicy;
  timers?: TimerApi;
}

export const defaultSettings: SettingsDTO = {
  autoReply: { enabled: false, message: 'I am away at the moment and will answer later.', periodMs: 60 * 60_000 },
  idle: { enabled: true, awayAfterMs: 10 * 60_000, xaAfterMs: 60 * 60_000 },
  breakthrough: { people: [], keywords: [] },
  notifications: { enabled: true, sound: true, rooms: 'mentions' },
};

const K = {
  status: 'engine.status',
  settings: 'engine.settings',
  people: 'engine.people',
  muted: 'engine.muted',
  overrides: 'engine.overrides',
  rooms: (a: string) => `engine.rooms.${a}`,
  catchup: (a: string) => `engine.catchup.${a}`,
};

interface PeopleMeta {
  vip: string[];
  order: Record<string, string[]>;
}

interface Digest {
  since: number;
  from: Map<string, { name: string; personId?: string; conversationId: string; messages: number; mentions: number }>;
  messages: number;
  mentions: number;
}

type Incoming = { rt: AccountRuntime; m: IncomingMessage };

const MAX_SEND_ATTEMPTS = 3;
/** config flag of an account removed with its history kept */
const REMOVED = '__removed';
const CATCHUP_PAGE = 200;
const CATCHUP_MAX_PAGES = 50;
/** incoming client ids remembered per conversation for dedup, and conversations kept in memory */
const RECENT_IN = 500;
const RECENT_CONVS = 2000;
/** a server time later than this ahead of our clock is not believed */
const MAX_FUTURE_MS = 86_400_000;
/** longest stretch of roster pushes applied before the event loop gets a turn */
const ROSTER_SLICE_MS = 20;

/** a server time outside a sane range (hostile or broken server) becomes the receive time */
export function saneTime(t: number, now: number): number {
  return Number.isSafeInteger(t) && t >= 0 && t <= now + MAX_FUTURE_MS ? t : now;
}

export class Engine {
  readonly archive: ArchiveHolder;
  readonly handlers: Partial<Handlers>;
  private readonly now: () => number;
  private readonly timers: TimerApi;
  private readonly runtimes = new Map<string, AccountRuntime>();
  private status: StatusState = initialStatus;
  private settings: SettingsDTO = defaultSettings;
  private dndTimer: unknown = null;
  private digest: Digest | null = null;
  private readonly mentions = new Map<number, number>();
  private readonly autoReplied = new Map<string, number>();
  private ingestQueue: Incoming[] = [];
  private ingestScheduled = false;
  private idleMs = 0;
  private stopped = false;

  constructor(readonly opts: EngineOptions) {
    this.archive = new ArchiveHolder(opts);
    this.now = opts.now ?? Date.now;
    this.timers = opts.timers ?? realTimers;
    this.handlers = this.makeHandlers();
  }

  private emit(e: AnyEvent) {
    try {
      this.opts.emit(e);
    } catch (err) {
      this.opts.log.warn('event sink failed', { err: String(err) });
    }
  }

  private get store(): HistoryStore {
    return this.archive.require();
  }

  /** muted conversation ids (read on every incoming message: kept in memory) */
  private muted: Set<string> | null = null;
  private mutedSet(): Set<string> {
    return (this.muted ??= new Set(this.setting<string[]>(K.muted, [])));
  }

  private setting<T>(key: string, fallback: T): T {
    return this.store.getSetting<T>(key) ?? fallback;
  }

  // ---- lifecycle -------------------------------------------------------------------------------

  /** after unlock: load state, connect the enabled accounts */
  private async started(): Promise<void> {
    const s = this.store;
    this.settings = { ...defaultSettings, ...(s.getSetting<Partial<SettingsDTO>>(K.settings) ?? {}) };
    this.status = s.getSetting<StatusState>(K.status) ?? initialStatus;
    this.status = { ...this.status, auto: null };
    if (dndExpired(this.status, this.now())) this.status = endDnd(this.status);
    if (this.status.dnd) this.digest = { since: this.now(), from: new Map(), messages: 0, mentions: 0 };
    this.scheduleDndEnd();
    for (const a of s.listAccounts()) if (!a.config[REMOVED]) this.addRuntime(a);
    this.emit({ type: 'status.changed', payload: this.statusDTO() });
    if (effectiveStatus(this.status).show !== 'offline') {
      for (const rt of this.runtimes.values()) if (this.shouldConnect(rt)) void rt.connect();
    }
  }

  async shutdown(): Promise<void> {
    this.stopped = true;
    if (this.dndTimer) this.timers.clear(this.dndTimer);
    this.flushRoster();
    this.flushIngest();
    await Promise.allSettled([...this.runtimes.values()].map((rt) => rt.dispose()));
    this.runtimes.clear();
    this.archive.close();
  }

  private descriptor(protocol: string): ProtocolDescriptor {
    const d = this.opts.registry.get(protocol);
    if (!d) throw new ContractError('invalid', `unknown protocol "${protocol}"`, { protocol: 'unknown protocol' });
    return d;
  }

  private addRuntime(a: Account): AccountRuntime | null {
    const d = this.opts.registry.get(a.protocol);
    if (!d) {
      this.opts.log.warn('account of an unknown protocol', { account: a.id, protocol: a.protocol });
      return null;
    }
    const rt = new AccountRuntime(
      a,
      this.store.accountSecrets(a.id),
      d,
      {
        onEvent: (r, e) => this.onAdapterEvent(r, e),
        onOnline: (r, resumed) => void this.onOnline(r, resumed),
        onChanged: (r) => this.emit({ type: 'accounts.changed', payload: this.accountDTO(r.account, r) }),
        onLost: (r) => this.onLost(r),
      },
      { log: this.opts.log, now: this.now, ...(this.opts.backoff ? { backoff: this.opts.backoff } : {}), timers: this.timers },
    );
    this.runtimes.set(String(a.id), rt);
    return rt;
  }

  private rt(accountId: string): AccountRuntime {
    const rt = this.runtimes.get(accountId);
    if (!rt) throw new ContractError('not-found', `no account ${accountId}`);
    return rt;
  }

  private onlineRt(accountId: string): AccountRuntime {
    const rt = this.rt(accountId);
    if (!rt.online || !rt.adapter) throw new ContractError('offline', `${rt.account.label} is not connected`);
    return rt;
  }

  private async onOnline(rt: AccountRuntime, resumed: boolean) {
    if (this.stopped) return;
    const adapter = rt.adapter!;
    this.emit({ type: 'accounts.changed', payload: this.accountDTO(rt.account, rt) });
    // reconnects announce the current status
    try {
      await adapter.setPresence(this.presenceForAccount(rt));
    } catch (err) {
      this.opts.log.warn('setPresence failed', { account: rt.id, err: toErrorInfo(err).message });
    }
    // join the saved rooms on the first connection of this adapter; on later reconnects the
    // adapter itself rejoins the rooms it was in (both adapters do, with keys/nicks)
    const rooms = this.setting<{ roomId: string; values: ConfigValues }[]>(K.rooms(rt.id), []);
    if (adapter.rooms && !resumed) {
      for (const r of rooms) {
        try {
          const info = await adapter.rooms.join(r.values);
          this.roomJoined(rt, info);
        } catch (err) {
          this.emit({ type: 'error', payload: { code: 'protocol', message: `could not re-join ${r.roomId}: ${toErrorInfo(err).message}`, accountId: rt.id } });
        }
      }
    }
    // a contact list kept by the client (IRC MONITOR) is handed to a fresh adapter; a server-side
    // roster (XMPP) has arrived before connect resolved and needs nothing
    if (!resumed && adapter.contacts && !rt.rosterSeen) {
      for (const c of this.store.listContacts(rt.account.id)) {
        await adapter.contacts.add(c.address, c.name ? { name: c.name } : {}).catch((err) => this.opts.log.warn('could not watch a contact', { account: rt.id, err: toErrorInfo(err).message }));
      }
    }
    await this.catchUp(rt, resumed);
    this.flushOutbox(rt);
  }

  private onLost(rt: AccountRuntime) {
    // messages on the wire when the link dropped: counted, so a message that kills the connection
    // every time (too large for the server) fails instead of looping
    for (const clientId of rt.sending) {
      const n = (rt.drops.get(clientId) ?? 0) + 1;
      rt.drops.set(clientId, n);
      if (n >= MAX_SEND_ATTEMPTS) {
        const m = this.store.findByClientId(rt.account.id, clientId);
        if (m && (m.state === 'queued' || m.state === 'unconfirmed')) this.setMessageState(m, 'failed', undefined, 'the server closed the connection every time this message was sent');
        rt.drops.delete(clientId);
      }
    }
    rt.sending.clear();
    this.emitPeopleOf(rt);
  }

  // ---- catch-up and gaps -----------------------------------------------------------------------

  private async catchUp(rt: AccountRuntime, resumed: boolean) {
    const adapter = rt.adapter;
    if (!adapter) return;
    const lostAt = resumed ? rt.lostAt : null;
    const noHistory = 'the server keeps no history; messages sent while offline are missing';
    // direct messages: the account's archive from the last id we saw
    const cursor = this.store.getSetting<{ lastId: string; time: number }>(K.catchup(rt.id));
    if (adapter.history && cursor) {
      const r = await this.catchUpOne(rt, null, cursor.lastId, cursor.time);
      if (r) this.store.setSetting(K.catchup(rt.id), r);
    } else if (lostAt !== null) this.gap(rt, null, lostAt, this.now(), noHistory);
    // rooms: each room's archive from its last id
    for (const r of rt.rooms.values()) {
      const conv = this.store.findConversation(rt.account.id, 'room', r.info.id);
      if (!conv) continue;
      const last = this.store.lastServerId(rt.account.id, conv.id);
      if (adapter.history && last) await this.catchUpOne(rt, { kind: 'room', id: r.info.id }, last, this.store.lastMessageTime(rt.account.id, conv.id) ?? undefined, conv.id);
      else if (lostAt !== null) this.gap(rt, conv.id, lostAt, this.now(), noHistory);
    }
  }

  /** pages forward from `after`; returns the new cursor; a failure is recorded as a gap */
  private async catchUpOne(rt: AccountRuntime, conv: ConversationRef | null, after: string, afterTime: number | undefined, convId?: number): Promise<{ lastId: string; time: number } | null> {
    const h = rt.adapter?.history;
    if (!h) return null;
    let cursor = after;
    let time = afterTime ?? this.now();
    for (let page = 0; page < CATCHUP_MAX_PAGES; page++) {
      let res;
      try {
        res = await h.fetchHistory(conv, { after: cursor, limit: CATCHUP_PAGE });
      } catch (err) {
        this.gap(rt, convId ?? null, time, this.now(), `the server could not fill the history: ${toErrorInfo(err).message}`);
        return { lastId: cursor, time };
      }
      if (res.messages.length) {
        this.ingest(rt, res.messages.map((m) => ({ ...m, replay: true })));
        for (const m of res.messages) time = Math.max(time, m.serverTime);
      }
      if (res.last) cursor = res.last;
      if (res.complete || !res.messages.length) return { lastId: cursor, time };
    }
    this.gap(rt, convId ?? null, time, this.now(), 'too much history to catch up at once');
    return { lastId: cursor, time };
  }

  private gap(rt: AccountRuntime, conversationId: number | null, from: number, to: number, reason: string) {
    if (to <= from) return;
    const g = this.store.recordGap({ accountId: rt.account.id, conversationId, fromTime: from, toTime: to, reason });
    if (conversationId !== null) this.emit({ type: 'messages.gap', payload: { conversationId: String(conversationId), from: g.fromTime, to: g.toTime, reason } });
  }

  // ---- adapter events --------------------------------------------------------------------------

  private onAdapterEvent(rt: AccountRuntime, e: AdapterEvent) {
    if (this.stopped || !this.archive.store) return;
    switch (e.type) {
      case 'message':
        this.ingest(rt, [e.message]);
        break;
      case 'receipt': {
        this.flushIngest();
        const m = this.store.findByClientId(rt.account.id, e.clientId);
        if (!m) break;
        rt.sending.delete(e.clientId);
        rt.drops.delete(e.clientId);
        this.setMessageState(m, e.status, e.serverId, e.error?.message);
        break;
      }
      case 'unacked':
        for (const id of e.clientIds) {
          const m = this.store.findByClientId(rt.account.id, id);
          if (m && m.state === 'queued') this.setMessageState(m, 'unconfirmed');
        }
        break;
      case 'roster':
        if (e.replace) {
          this.flushRoster();
          this.applyRoster(rt, e.items, true);
        } else {
          // pushes (possibly tens of thousands in a burst) are applied in time slices, so commands
          // and other accounts keep being served in between
          this.rosterQueue.push({ rt, items: e.items });
          this.scheduleRoster();
        }
        break;
      case 'roster-remove':
        this.flushRoster();
        for (const id of e.ids) {
          const c = this.store.findContact(rt.account.id, id);
          if (c) this.removeContact(c);
        }
        break;
      case 'presence': {
        let res = rt.presence.get(e.contactId);
        if (!res) rt.presence.set(e.contactId, (res = new Map()));
        if (e.presence.show === 'offline') res.delete(e.resource ?? '');
        else res.set(e.resource ?? '', e.presence);
        if (!res.size) rt.presence.delete(e.contactId);
        this.emitPeopleOf(rt, new Set([e.contactId]));
        break;
      }
      case 'subscription-request':
        this.emit({ type: 'contacts.subscriptionRequest', payload: { accountId: rt.id, address: e.from, ...(e.message ? { message: e.message } : {}) } });
        break;
      case 'typing': {
        const conv = this.store.findConversation(rt.account.id, e.conversation.kind, e.conversation.id);
        if (conv) this.emit({ type: 'typing', payload: { conversationId: String(conv.id), from: e.from, state: e.state } });
        break;
      }
      case 'room-joined':
        this.roomJoined(rt, e.room);
        break;
      case 'room-left': {
        rt.rooms.delete(e.roomId);
        const conv = this.store.findConversation(rt.account.id, 'room', e.roomId);
        if (conv) this.emitConversation(conv.id);
        break;
      }
      case 'occupants': {
        const r = rt.rooms.get(e.roomId);
        if (!r) break;
        if (e.replace) r.occupants.clear();
        for (const o of e.occupants) r.occupants.set(o.nick, o);
        this.emitMembers(rt, e.roomId);
        break;
      }
      case 'occupant-left': {
        const r = rt.rooms.get(e.roomId);
        if (r?.occupants.delete(e.nick)) this.emitMembers(rt, e.roomId);
        break;
      }
      case 'nick-changed': {
        if (!e.roomId && e.oldNick === rt.nick) rt.nick = e.newNick;
        for (const [id, r] of rt.rooms) {
          if (e.roomId && e.roomId !== id) continue;
          if (r.info.nick === e.oldNick) r.info = { ...r.info, nick: e.newNick };
          const o = r.occupants.get(e.oldNick);
          if (o) {
            r.occupants.delete(e.oldNick);
            r.occupants.set(e.newNick, { ...o, nick: e.newNick });
            this.emitMembers(rt, id);
          }
        }
        break;
      }
      case 'topic': {
        const r = rt.rooms.get(e.roomId);
        if (r) r.topic = e.topic;
        const conv = this.store.findConversation(rt.account.id, 'room', e.roomId);
        if (conv) this.emitConversation(conv.id);
        break;
      }
      case 'invite':
        this.emit({ type: 'rooms.invite', payload: { accountId: rt.id, room: e.roomId, from: e.from, ...(e.reason ? { reason: e.reason } : {}) } });
        break;
      case 'error':
        this.emit({ type: 'error', payload: { code: 'protocol', message: e.error.message, accountId: rt.id } });
        break;
      default:
        break;
    }
  }

  private roomJoined(rt: AccountRuntime, info: { id: string; name?: string; topic?: string; nick: string }) {
    const prev = rt.rooms.get(info.id);
    rt.rooms.set(info.id, { info, occupants: prev?.occupants ?? new Map(), ...(info.topic ?? prev?.topic ? { topic: info.topic ?? prev?.topic } : {}) });
    const conv = this.store.ensureConversation(rt.account.id, 'room', info.id, info.name ?? null);
    this.emitConversation(conv.id);
    return conv;
  }

  // ---- roster: pushes applied in slices -------------------------------------------------------

  private rosterQueue: { rt: AccountRuntime; items: RosterItem[] }[] = [];
  private rosterScheduled = false;

  private scheduleRoster() {
    if (this.rosterScheduled) return;
    this.rosterScheduled = true;
    setImmediate(() => {
      this.rosterScheduled = false;
      this.flushRoster(ROSTER_SLICE_MS);
    });
  }

  /** applies queued roster pushes in order; with a budget, the rest waits for the next tick */
  private flushRoster(budgetMs = Infinity) {
    const q = this.rosterQueue;
    this.rosterQueue = [];
    const end = Date.now() + budgetMs;
    for (let i = 0; i < q.length; i++) {
      if (Date.now() >= end) {
        this.rosterQueue = q.slice(i).concat(this.rosterQueue);
        this.scheduleRoster();
        return;
      }
      const { rt, items } = q[i]!;
      if (!this.archive.store || this.runtimes.get(rt.id) !== rt) continue;
      this.applyRoster(rt, items, false);
    }
  }

  private applyRoster(rt: AccountRuntime, items: RosterItem[], replace: boolean) {
    const seen = new Set<string>();
    for (const it of items) {
      seen.add(it.id);
      const c = this.store.findContact(rt.account.id, it.id);
      this.store.upsertContact({ accountId: rt.account.id, address: it.id, name: it.name ?? c?.name ?? null, groups: it.groups });
    }
    if (replace) for (const c of this.store.listContacts(rt.account.id)) if (!seen.has(c.address)) this.removeContact(c);
    this.emitPeopleOf(rt, seen);
  }

  private removeContact(c: Contact) {
    this.store.removeContact(c.id);
    const pid = c.metacontactId !== null ? `m${c.metacontactId}` : `c${c.id}`;
    this.emit({ type: 'contacts.removed', payload: { personId: pid } });
    if (c.metacontactId !== null) {
      const p = this.personById(pid);
      if (p) this.emit({ type: 'contacts.changed', payload: p });
    }
  }

  // ---- ingest: batched writes ------------------------------------------------------------------

  private ingest(rt: AccountRuntime, msgs: IncomingMessage[]) {
    for (const m of msgs) this.ingestQueue.push({ rt, m });
    if (msgs.some((m) => m.replay)) {
      this.flushIngest();
      return;
    }
    if (!this.ingestScheduled) {
      this.ingestScheduled = true;
      setImmediate(() => this.flushIngest());
    }
  }

  /** one transaction for everything that arrived since the last tick */
  private flushIngest() {
    this.ingestScheduled = false;
    if (!this.ingestQueue.length || !this.archive.store) return;
    const queued = this.ingestQueue;
    this.ingestQueue = [];
    const store = this.store;
    const convs = new Map<string, Conversation>();
    const convById = new Map<number, Conversation>();
    const batchKeys = new Set<string>();
    const batch: Incoming[] = [];
    const rows: MessageInput[] = [];
    const now = this.now();
    for (const item of queued) {
      const { rt, m } = item;
      try {
        const key = `${rt.id}|${m.conversation.kind}|${m.conversation.id}`;
        let conv = convs.get(key);
        if (!conv) {
          conv = store.ensureConversation(rt.account.id, m.conversation.kind, m.conversation.id, m.conversation.kind === 'direct' ? (store.findContact(rt.account.id, m.conversation.id)?.name ?? null) : null);
          convs.set(key, conv);
          convById.set(conv.id, conv);
        }
        // an incoming message seen again under a new server id (the sender re-sent it after a
        // reconnect, same origin-id): same sender + same client id within the conversation. The
        // sender is part of the key, so nobody can suppress another sender's messages.
        if (m.direction === 'in' && m.clientId) {
          const k = `${m.from}\u0000${m.clientId}`;
          if (batchKeys.has(`${conv.id}\u0000${k}`) || this.recentIncoming(conv.id).has(k)) continue;
          batchKeys.add(`${conv.id}\u0000${k}`);
        }
        batch.push(item);
        rows.push({
          accountId: rt.account.id,
          conversationId: conv.id,
          sender: m.from,
          senderName: m.fromName ?? null,
          body: m.body,
          kind: m.kind,
          direction: m.direction,
          serverTime: saneTime(m.serverTime, now),
          serverId: m.serverId ?? null,
          clientId: m.clientId ?? null,
          state: m.direction === 'out' ? 'sent' : null,
          oobUrl: m.oobUrl ?? null,
        });
      } catch (err) {
        this.ingestFailed(rt, err);
      }
    }
    if (!rows.length) return;
    let results: (InsertResult | null)[];
    try {
      results = store.insertMessages(rows);
    } catch {
      // one bad row must not cost the others (nor other accounts' rows of the same tick): row by row
      results = rows.map((row, i) => {
        try {
          return store.insertMessages([row])[0]!;
        } catch (err) {
          this.ingestFailed(batch[i]!.rt, err);
          return null;
        }
      });
    }
    const added: MessageDTO[] = [];
    const touched = new Set<number>();
    const cursors = new Map<AccountRuntime, { lastId: string; time: number }>();
    results.forEach((r, i) => {
      if (!r) return;
      const { rt, m } = batch[i]!;
      const row = rows[i]!;
      if (m.direction === 'in' && m.clientId) this.rememberIncoming(row.conversationId, `${m.from}\u0000${m.clientId}`);
      if (m.serverId && m.conversation.kind === 'direct' && !m.replay) cursors.set(rt, { lastId: m.serverId, time: m.serverTime });
      if (r.status === 'duplicate') {
        // our own message coming back (carbon, echo, MAM): confirms it
        if (m.direction === 'out' && m.clientId) {
          const own = store.getMessage(r.id);
          if (own && (own.state === 'queued' || own.state === 'unconfirmed')) {
            rt.sending.delete(m.clientId);
            rt.drops.delete(m.clientId);
            this.setMessageState(own, 'sent', m.serverId);
          }
        }
        return;
      }
      const stored: Message = {
        id: r.id,
        accountId: row.accountId,
        conversationId: row.conversationId,
        sender: row.sender,
        senderName: row.senderName ?? null,
        body: row.body,
        kind: row.kind ?? 'chat',
        direction: row.direction,
        serverTime: row.serverTime,
        receivedTime: this.now(),
        serverId: row.serverId ?? null,
        clientId: row.clientId ?? null,
        state: row.state ?? null,
        editedAt: null,
        retractedAt: null,
        source: null,
        oobUrl: row.oobUrl ?? null,
      };
      const conv = convById.get(row.conversationId)!;
      const mention = m.direction === 'in' && isMention(m.body, this.selfNames(rt, conv));
      if (mention) this.mentions.set(conv.id, (this.mentions.get(conv.id) ?? 0) + 1);
      added.push(messageDTO(stored, { mention }));
      touched.add(conv.id);
      if (m.direction === 'in' && !m.replay) this.afterIncoming(rt, conv, stored, mention);
    });
    for (const [rt, c] of cursors) store.setSetting(K.catchup(rt.id), c);
    if (added.length) this.emit({ type: 'messages.added', payload: { messages: added } });
    for (const id of touched) this.emitConversation(id);
  }

  /** per conversation: "sender NUL clientId" of recent incoming messages (seeded from the archive) */
  private recentIn = new Map<number, Set<string>>();

  private recentIncoming(conversationId: number): Set<string> {
    let set = this.recentIn.get(conversationId);
    if (set) {
      // most recently used last
      this.recentIn.delete(conversationId);
      this.recentIn.set(conversationId, set);
      return set;
    }
    set = new Set();
    for (const m of this.store.latest(conversationId, RECENT_IN)) if (m.direction === 'in' && m.clientId) set.add(`${m.sender}\u0000${m.clientId}`);
    this.recentIn.set(conversationId, set);
    if (this.recentIn.size > RECENT_CONVS) this.recentIn.delete(this.recentIn.keys().next().value!);
    return set;
  }

  private rememberIncoming(conversationId: number, key: string) {
    const set = this.recentIncoming(conversationId);
    set.add(key);
    if (set.size > RECENT_IN) set.delete(set.values().next().value!);
  }

  /** a message the archive refused: an error on that account, nothing else lost (message text never logged) */
  private ingestFailed(rt: AccountRuntime, err: unknown) {
    const message = toErrorInfo(err).message;
    this.opts.log.warn('incoming message not stored', { account: rt.id, err: message });
    this.emit({ type: 'error', payload: { code: 'protocol', message: `a message from the server could not be stored: ${message}`, accountId: rt.id } });
  }

  private selfNames(rt: AccountRuntime, conv: Conversation): string[] {
    const names = new Set<string>();
    if (conv.kind === 'room') {
      const r = rt.rooms.get(conv.address);
      if (r?.info.nick) names.add(r.info.nick);
    }
    if (rt.nick) names.add(rt.nick);
    const cfgNick = rt.account.config['nick'];
    if (typeof cfgNick === 'string' && cfgNick) names.add(cfgNick);
    if (conv.kind === 'room' && !names.size && rt.self) names.add(rt.self.split('@')[0]!);
    return [...names];
  }

  /** notification, digest, auto-reply for one live incoming message */
  private afterIncoming(rt: AccountRuntime, conv: Conversation, m: Message, mention: boolean) {
    const eff = effectiveStatus(this.status);
    const personId = conv.kind === 'direct' ? this.personIdFor(rt.account.id, conv.address) : this.personIdFor(rt.account.id, m.sender);
    const vip = personId !== undefined && this.settings.breakthrough.people.includes(personId);
    const muted = this.mutedSet().has(String(conv.id));
    const d = decideNotification({
      direction: 'in',
      kind: m.kind,
      body: m.body,
      replay: false,
      conversationKind: conv.kind,
      muted,
      selfNames: this.selfNames(rt, conv),
      vip,
      keywords: this.settings.breakthrough.keywords,
      dnd: eff.dnd,
      settings: this.settings.notifications,
    });
    const title = this.conversationTitle(rt, conv);
    if (d.notify) {
      this.emit({
        type: 'notify',
        payload: { conversationId: String(conv.id), messageId: String(m.id), title: conv.kind === 'room' ? `${m.senderName ?? m.sender} in ${title}` : title, body: m.body.slice(0, 500), sound: d.sound, attention: d.attention, reason: d.reason },
      });
    }
    if (eff.dnd && this.digest && !muted && (conv.kind === 'direct' || mention)) {
      this.digest.messages++;
      if (mention) this.digest.mentions++;
      const key = String(conv.id);
      const f = this.digest.from.get(key) ?? { name: title, ...(personId ? { personId } : {}), conversationId: key, messages: 0, mentions: 0 };
      f.messages++;
      if (mention) f.mentions++;
      this.digest.from.set(key, f);
    }
    const contactKey = `${rt.id} ${conv.address}`;
    if (
      shouldAutoReply({
        settings: this.settings.autoReply,
        show: eff.show,
        direction: 'in',
        kind: m.kind,
        conversationKind: conv.kind,
        replay: false,
        body: m.body,
        lastSentAt: this.autoReplied.get(contactKey),
        now: this.now(),
      })
    ) {
      this.autoReplied.set(contactKey, this.now());
      try {
        this.queueMessage(rt, conv, autoReplyBody(this.settings.autoReply), 'notice');
      } catch (err) {
        this.opts.log.warn('auto-reply failed', { account: rt.id, err: String(err) });
      }
    }
  }

  // ---- outbox ----------------------------------------------------------------------------------

  /** stored first (queued), then handed to the wire when the account is online */
  private queueMessage(rt: AccountRuntime, conv: Conversation, body: string, kind: 'chat' | 'action' | 'notice' = 'chat'): Message {
    this.flushIngest();
    const clientId = randomUUID();
    const now = this.now();
    const r = this.store.insertMessage({
      accountId: rt.account.id,
      conversationId: conv.id,
      sender: rt.self?.split('/')[0] ?? rt.nick ?? 'me',
      body,
      kind,
      direction: 'out',
      serverTime: now,
      clientId,
      state: 'queued',
    });
    const m = this.store.getMessage(r.id)!;
    this.emit({ type: 'messages.added', payload: { messages: [messageDTO(m, { sending: rt.online })] } });
    this.emitConversation(conv.id);
    if (rt.online) void this.sendStored(rt, conv, m);
    return m;
  }

  private async sendStored(rt: AccountRuntime, conv: Conversation, m: Message) {
    const adapter = rt.adapter;
    if (!adapter || !rt.online || !m.clientId) return;
    if (utf8Bytes(m.body) > adapter.caps.maxMessageBytes) {
      this.setMessageState(m, 'failed', undefined, `too long for this network (${utf8Bytes(m.body)} of at most ${adapter.caps.maxMessageBytes} bytes)`);
      return;
    }
    // already on the wire on this connection (a send racing the outbox flush after connect)
    if (rt.sending.has(m.clientId)) return;
    rt.sending.add(m.clientId);
    try {
      await adapter.send({ kind: conv.kind, id: conv.address }, { body: m.body, clientId: m.clientId, kind: m.kind === 'system' ? 'chat' : m.kind });
    } catch (err) {
      const info = toErrorInfo(err);
      rt.sending.delete(m.clientId);
      // a network error leaves it queued (re-sent after reconnect); anything else is final
      if (info.kind !== 'network' || info.fatal) this.setMessageState(this.store.getMessage(m.id) ?? m, 'failed', undefined, info.message);
      return;
    }
    if (!adapter.caps.serverAck) {
      // nothing will confirm it (IRC without echo-message)
      rt.sending.delete(m.clientId);
      const cur = this.store.getMessage(m.id);
      if (cur && cur.state === 'queued') this.setMessageState(cur, 'unconfirmed');
    }
  }

  private flushOutbox(rt: AccountRuntime) {
    const adapter = rt.adapter;
    if (!adapter) return;
    const resendUnconfirmed = adapter.caps.serverAck && adapter.caps.stableClientIds;
    for (const m of this.store.listOutbox(rt.account.id)) {
      if (m.state === 'unconfirmed' && !resendUnconfirmed) continue;
      const conv = this.store.getConversation(m.conversationId);
      if (conv) void this.sendStored(rt, conv, m);
    }
  }

  /** outbox transitions: forward only; 'failed' only before delivery; a failed message the server confirms after all is sent */
  private setMessageState(m: Message, state: Message['state'] & string, serverId?: string, error?: string) {
    const rank: Record<string, number> = { queued: 0, unconfirmed: 1, sent: 2, delivered: 3, read: 4 };
    const cur = m.state ?? 'sent';
    let apply: boolean;
    if (state === 'failed') apply = cur === 'queued' || cur === 'unconfirmed' || cur === 'sent';
    else if (cur === 'failed') apply = state === 'sent' || state === 'delivered' || state === 'read';
    else apply = rank[state]! > rank[cur]!;
    if (!apply) {
      if (serverId && !m.serverId) this.store.setState(m.id, cur, serverId);
      return;
    }
    this.store.setState(m.id, state, serverId ?? null);
    this.emit({ type: 'messages.updated', payload: { id: String(m.id), conversationId: String(m.conversationId), state, ...(error ? { error } : {}), ...(serverId ? { serverId } : {}) } });
  }

  // ---- people, conversations -------------------------------------------------------------------

  private peopleMeta(): PeopleMeta {
    return this.setting<PeopleMeta>(K.people, { vip: [], order: {} });
  }

  private identity(c: Contact): IdentityDTO {
    const rt = this.runtimes.get(String(c.accountId));
    const res = rt?.presence.get(c.address);
    const best = res ? bestPresence([...res.values()]) : { show: 'offline' as const };
    const presence = { show: best.show, ...('status' in best && best.status ? { status: best.status } : {}), ...('idleSince' in best && best.idleSince ? { idleSince: best.idleSince } : {}) };
    return { accountId: String(c.accountId), address: c.address, ...(c.name ? { name: c.name } : {}), groups: c.groups, presence, source: rt?.adapter?.rooms && !c.address.includes('@') ? 'monitor' : 'roster' };
  }

  private personById(pid: string): PersonDTO | null {
    const meta = this.peopleMeta();
    const vip = this.settings.breakthrough.people.includes(pid) || meta.vip.includes(pid);
    if (pid.startsWith('m')) {
      const mc = this.store.listMetacontacts().find((x) => `m${x.id}` === pid);
      if (!mc) return null;
      const contacts = mc.contactIds.map((id) => this.store.getContact(id)).filter((c): c is Contact => !!c);
      return toPerson({ id: pid, name: mc.name, vip, identities: contacts.map((c) => this.identity(c)), ...(meta.order[pid] ? { order: meta.order[pid] } : {}) });
    }
    const c = this.store.getContact(Number(pid.slice(1)));
    if (!c) return null;
    return toPerson({ id: pid, name: c.name ?? c.address, vip, identities: [this.identity(c)] });
  }

  private allPeople(): PersonDTO[] {
    const out: PersonDTO[] = [];
    const seenMeta = new Set<number>();
    for (const c of this.store.listContacts()) {
      if (c.metacontactId !== null) {
        if (seenMeta.has(c.metacontactId)) continue;
        seenMeta.add(c.metacontactId);
        const p = this.personById(`m${c.metacontactId}`);
        if (p) out.push(p);
      } else {
        const p = this.personById(`c${c.id}`);
        if (p) out.push(p);
      }
    }
    return out;
  }

  private personIdFor(accountId: number, address: string): string | undefined {
    const c = this.store.findContact(accountId, address);
    if (!c) return undefined;
    return c.metacontactId !== null ? `m${c.metacontactId}` : `c${c.id}`;
  }

  private emitPeopleOf(rt: AccountRuntime, addresses?: Set<string>) {
    if (!this.archive.store) return;
    const pids = new Set<string>();
    const list = addresses ? [...addresses].map((a) => this.store.findContact(rt.account.id, a)).filter((c): c is Contact => !!c) : this.store.listContacts(rt.account.id);
    for (const c of list) pids.add(c.metacontactId !== null ? `m${c.metacontactId}` : `c${c.id}`);
    for (const pid of pids) {
      const p = this.personById(pid);
      if (p) this.emit({ type: 'contacts.changed', payload: p });
    }
  }

  private conversationTitle(rt: AccountRuntime | undefined, c: Conversation): string {
    if (c.title) return c.title;
    if (c.kind === 'room') return rt?.rooms.get(c.address)?.info.name ?? c.address;
    const contact = this.store.findContact(c.accountId, c.address);
    return contact?.name ?? c.address;
  }

  private mentionCount(c: Conversation): number {
    let n = this.mentions.get(c.id);
    if (n === undefined) {
      const rt = this.runtimes.get(String(c.accountId));
      const names = rt ? this.selfNames(rt, c) : [];
      const unread = c.lastReadId !== null ? this.store.after(c.id, c.lastReadId, 500) : this.store.latest(c.id, 500);
      n = unread.filter((m) => m.direction === 'in' && isMention(m.body, names)).length;
      this.mentions.set(c.id, n);
    }
    return n;
  }

  private conversationDTO(c: Conversation, unread?: number, lastAt?: number): ConversationDTO {
    const rt = this.runtimes.get(String(c.accountId));
    const room = c.kind === 'room' ? rt?.rooms.get(c.address) : undefined;
    const muted = this.mutedSet().has(String(c.id));
    const personId = c.kind === 'direct' ? this.personIdFor(c.accountId, c.address) : undefined;
    const last = lastAt ?? this.store.latest(c.id, 1)[0]?.serverTime;
    return {
      id: String(c.id),
      accountId: String(c.accountId),
      kind: c.kind,
      address: c.address,
      title: this.conversationTitle(rt, c),
      ...(personId ? { personId } : {}),
      unread: unread ?? this.store.unreadCount(c.id),
      mentions: this.mentionCount(c),
      ...(last !== undefined ? { lastMessageAt: last } : {}),
      ...(c.lastReadId !== null ? { lastReadId: String(c.lastReadId) } : {}),
      muted,
      ...(room?.topic ? { topic: room.topic } : {}),
      ...(c.kind === 'room' ? { joined: !!room && !!rt?.online, ...(room ? { nick: room.info.nick } : {}) } : {}),
    };
  }

  private emitConversation(id: number) {
    const c = this.store.getConversation(id);
    if (c) this.emit({ type: 'conversations.changed', payload: this.conversationDTO(c) });
  }

  private emitMembers(rt: AccountRuntime, roomId: string) {
    const conv = this.store.findConversation(rt.account.id, 'room', roomId);
    if (conv) this.emit({ type: 'rooms.members', payload: { conversationId: String(conv.id), members: this.members(rt, roomId) } });
  }

  private members(rt: AccountRuntime, roomId: string): MemberDTO[] {
    const r = rt.rooms.get(roomId);
    if (!r) return [];
    const list = [...r.occupants.values()];
    // the list includes us (adapters may leave the own occupant out)
    if (rt.online && !r.occupants.has(r.info.nick)) list.unshift({ nick: r.info.nick, ...(rt.self ? { id: rt.self.split('/')[0]! } : {}) });
    return list.map((o) => ({
      nick: o.nick,
      ...(o.id ? { address: o.id } : {}),
      ...(o.role ? { role: o.role } : {}),
      ...(o.affiliation ? { affiliation: o.affiliation } : {}),
      ...(o.modes ? { modes: o.modes } : {}),
      ...(o.away !== undefined ? { away: o.away } : {}),
    }));
  }

  private conv(id: string): Conversation {
    const c = this.store.getConversation(Number(id));
    if (!c) throw new ContractError('not-found', `no conversation ${id}`);
    return c;
  }

  /** the direct conversation a message to a person goes to (reply routing) */
  private routeToPerson(personId: string): Conversation {
    const p = this.personById(personId);
    if (!p) throw new ContractError('not-found', `no person ${personId}`);
    const target = routeReply(p, (a) => !!this.runtimes.get(a)?.online);
    if (!target) throw new ContractError('not-found', 'this person has no address');
    return this.store.ensureConversation(Number(target.accountId), 'direct', target.address, null);
  }

  private personConversations(personId: string): Conversation[] {
    const p = this.personById(personId);
    if (!p) throw new ContractError('not-found', `no person ${personId}`);
    return p.identities.map((i) => this.store.findConversation(Number(i.accountId), 'direct', i.address)).filter((c): c is Conversation => !!c);
  }

  // ---- accounts --------------------------------------------------------------------------------

  private accountDTO(a: Account, rt?: AccountRuntime): AccountDTO {
    const d = this.opts.registry.get(a.protocol);
    const secretKeys = new Set(d?.configFields.filter((f) => f.type === 'password').map((f) => f.key) ?? []);
    const secrets = this.archive.store ? Object.keys(this.store.accountSecrets(a.id)) : [];
    const config: Record<string, string | number | boolean> = {};
    for (const [k, v] of Object.entries(a.config)) if (!secretKeys.has(k) && (typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean')) config[k] = v;
    const override = this.setting<Record<string, PresenceShow>>(K.overrides, {})[String(a.id)];
    const err = errorDTO(rt?.error);
    return {
      id: String(a.id),
      protocol: a.protocol,
      label: a.label,
      enabled: a.enabled,
      config,
      secretsSet: secrets,
      state: rt?.state ?? 'offline',
      ...(err ? { error: err } : {}),
      ...(rt?.reconnector.nextAt ? { nextRetryAt: rt.reconnector.nextAt } : {}),
      ...(rt?.self ? { self: rt.self } : {}),
      ...(rt?.adapter ? { caps: capsDTO(rt.adapter) } : {}),
      ...(override ? { statusOverride: override } : {}),
    };
  }

  /** descriptor validation: required fields, then the protocol's own checks */
  private validateConfig(d: ProtocolDescriptor, config: ConfigValues): void {
    const fields: Record<string, string> = {};
    for (const f of d.configFields) {
      const v = config[f.key];
      if (f.required && (v === undefined || v === '')) fields[f.key] = `${f.label} is required`;
      else if (v !== undefined && f.type === 'number' && typeof v !== 'number') fields[f.key] = `${f.label} must be a number`;
      else if (v !== undefined && f.type === 'boolean' && typeof v !== 'boolean') fields[f.key] = `${f.label} must be yes or no`;
      else if (v !== undefined && f.type === 'select' && f.options && !f.options.some((o) => o.value === v)) fields[f.key] = `${f.label}: not one of the choices`;
    }
    Object.assign(fields, d.validateConfig(config));
    if (Object.keys(fields).length) throw new ContractError('invalid', 'please check the highlighted fields', fields);
  }

  private splitSecrets(d: ProtocolDescriptor, config: ConfigValues) {
    const secretKeys = new Set(d.configFields.filter((f) => f.type === 'password').map((f) => f.key));
    const plain: Record<string, unknown> = {};
    const secrets: Record<string, string> = {};
    for (const [k, v] of Object.entries(config)) {
      if (v === undefined) continue;
      if (secretKeys.has(k)) {
        if (v !== '') secrets[k] = String(v);
      } else plain[k] = v;
    }
    return { plain, secrets };
  }

  private defaultLabel(d: ProtocolDescriptor, config: ConfigValues): string {
    for (const k of ['jid', 'account', 'username', 'nick']) if (typeof config[k] === 'string' && config[k]) return `${config[k]}${k === 'nick' && config['host'] ? ` @ ${config['host']}` : ''}`;
    return d.displayName;
  }

  // ---- status ----------------------------------------------------------------------------------

  private statusDTO(): StatusDTO {
    const eff = effectiveStatus(this.status);
    return {
      show: eff.show,
      ...(eff.message ? { message: eff.message } : {}),
      ...(this.status.dnd?.until !== undefined ? { dndUntil: this.status.dnd.until } : {}),
      dnd: eff.dnd,
      ...(eff.dnd || eff.auto ? { previous: { show: this.status.chosen.show, ...(this.status.chosen.message ? { message: this.status.chosen.message } : {}) } } : {}),
      auto: eff.auto,
    };
  }

  /** enabled, and neither the global status nor the account's override is offline */
  private shouldConnect(rt: AccountRuntime): boolean {
    if (!rt.account.enabled || effectiveStatus(this.status).show === 'offline') return false;
    return this.setting<Record<string, PresenceShow>>(K.overrides, {})[rt.id] !== 'offline';
  }

  private presenceForAccount(rt: AccountRuntime) {
    const override = this.setting<Record<string, PresenceShow>>(K.overrides, {})[rt.id];
    return presenceFor(effectiveStatus(this.status), rt.adapter?.caps.presenceShows ?? ['available', 'away'], override);
  }

  /** the status changed: persist, tell every account (mapped to its caps), handle offline */
  private applyStatus(prev: StatusState) {
    const wasDnd = !!prev.dnd;
    const prevEff = effectiveStatus(prev);
    this.store.setSetting(K.status, { ...this.status, auto: null });
    const eff = effectiveStatus(this.status);
    if (!wasDnd && this.status.dnd) this.digest = { since: this.now(), from: new Map(), messages: 0, mentions: 0 };
    if (wasDnd && !this.status.dnd) this.emitDigest();
    this.scheduleDndEnd();
    for (const rt of this.runtimes.values()) {
      if (eff.show === 'offline') {
        void rt.stop();
        continue;
      }
      if (prevEff.show === 'offline') {
        if (this.shouldConnect(rt)) void rt.connect();
        continue;
      }
      if (rt.online && rt.adapter) {
        void rt.adapter.setPresence(this.presenceForAccount(rt)).catch((err) => this.opts.log.warn('setPresence failed', { account: rt.id, err: toErrorInfo(err).message }));
      }
    }
    this.emit({ type: 'status.changed', payload: this.statusDTO() });
  }

  private emitDigest() {
    const d = this.digest;
    this.digest = null;
    if (!d) return;
    const payload: DigestDTO = { since: d.since, until: this.now(), messages: d.messages, mentions: d.mentions, from: [...d.from.values()] };
    this.emit({ type: 'digest', payload });
  }

  private scheduleDndEnd() {
    if (this.dndTimer) this.timers.clear(this.dndTimer);
    this.dndTimer = null;
    const until = this.status.dnd?.until;
    if (until === undefined) return;
    // long timers are re-armed in steps (setTimeout caps at ~24.8 days)
    const ms = Math.min(Math.max(0, until - this.now()), 2 ** 31 - 1);
    this.dndTimer = this.timers.set(() => {
      this.dndTimer = null;
      if (this.stopped || !this.archive.store) return;
      if (dndExpired(this.status, this.now())) {
        const prev = this.status;
        this.status = endDnd(this.status);
        this.applyStatus(prev);
      } else this.scheduleDndEnd();
    }, ms);
  }

  private changeStatus(next: StatusState) {
    const prev = this.status;
    this.status = next;
    this.applyStatus(prev);
    return this.statusDTO();
  }

  // ---- messages page ---------------------------------------------------------------------------

  private page(convs: Conversation[], o: { before?: string; after?: string; around?: string; limit: number }) {
    const lists: Message[][] = [];
    for (const c of convs) {
      if (o.around) {
        const id = Number(o.around);
        const m = this.store.getMessage(id);
        if (m && m.conversationId === c.id) lists.push(this.store.messagesAround(id, Math.floor(o.limit / 2)));
        else if (m) lists.push([...this.store.before(c.id, id, Math.floor(o.limit / 2)), ...this.store.after(c.id, id - 1, Math.ceil(o.limit / 2))]);
      } else if (o.before) lists.push(this.store.before(c.id, Number(o.before), o.limit));
      else if (o.after) lists.push(this.store.after(c.id, Number(o.after), o.limit));
      else lists.push(this.store.latest(c.id, o.limit));
    }
    let all = lists.flat().sort((a, b) => a.id - b.id);
    const more = all.length > o.limit || lists.some((l) => l.length >= o.limit);
    if (all.length > o.limit) all = o.after ? all.slice(0, o.limit) : all.slice(all.length - o.limit);
    const from = all[0]?.serverTime ?? 0;
    const to = all[all.length - 1]?.serverTime ?? this.now();
    const gaps = convs.flatMap((c) =>
      this.store
        .listGaps({ conversationId: c.id })
        .filter((g) => g.toTime >= from && g.fromTime <= to + 1)
        .map((g) => ({ conversationId: String(c.id), from: g.fromTime, to: g.toTime, reason: g.reason })),
    );
    return {
      messages: all.map((m) => messageDTO(m)),
      gaps,
      hasBefore: o.after ? true : more,
      hasAfter: o.after ? more : !!(o.before || o.around),
    };
  }

  // ---- handlers --------------------------------------------------------------------------------

  private makeHandlers(): Partial<Handlers> {
    const requireStore = () => this.store;
    return {
      'engine.ping': () => ({ pid: process.pid, version: this.opts.version ?? '0' }),
      'archive.status': () => this.archive.status(),
      'archive.create': async ({ passphrase }) => {
        this.archive.create(passphrase);
        this.emit({ type: 'archive.status', payload: this.archive.status() });
        await this.started();
        return null;
      },
      'archive.unlock': async (u) => {
        if (this.archive.store) return null;
        this.archive.unlock(u);
        this.emit({ type: 'archive.status', payload: this.archive.status() });
        await this.started();
        return null;
      },
      'archive.exportKey': () => ({ keyHex: this.archive.exportKey() }),
      'archive.addSealedSlot': ({ name, blobBase64 }) => {
        this.archive.addSealedSlot(name, Buffer.from(blobBase64, 'base64'));
        this.emit({ type: 'archive.status', payload: this.archive.status() });
        return null;
      },
      'archive.sealedBlob': ({ name }) => {
        const b = this.archive.sealedBlob(name);
        return b ? { blobBase64: b.toString('base64') } : null;
      },
      'archive.removeSlot': ({ slotId }) => {
        requireStore().removeSlot(slotId);
        this.emit({ type: 'archive.status', payload: this.archive.status() });
        return null;
      },
      'archive.changePassphrase': ({ new: np }) => {
        // the old passphrase proves nothing more than the unlocked archive: add the new slot, then drop the other passphrase slots
        const s = requireStore();
        const old = s.listSlots().filter((x) => x.kind === 'passphrase');
        s.addSlot({ kind: 'passphrase', passphrase: np, ...(this.opts.kdf ? { kdf: this.opts.kdf } : {}) });
        for (const o of old) s.removeSlot(o.id);
        this.emit({ type: 'archive.status', payload: this.archive.status() });
        return null;
      },
      'protocols.list': () => this.opts.registry.list().map((d) => ({ id: d.id, displayName: d.displayName, configFields: d.configFields.map((f) => ({ ...f })) })),

      'accounts.list': () =>
        requireStore()
          .listAccounts()
          .filter((a) => !a.config[REMOVED])
          .map((a) => this.accountDTO(a, this.runtimes.get(String(a.id)))),
      'accounts.add': ({ protocol, label, config, enabled }) => {
        const d = this.descriptor(protocol);
        this.validateConfig(d, config);
        const { plain, secrets } = this.splitSecrets(d, config);
        const a = requireStore().addAccount({ protocol, label: label || this.defaultLabel(d, config), config: plain, secrets, enabled });
        const rt = this.addRuntime(a);
        if (rt && this.shouldConnect(rt)) void rt.connect();
        const dto = this.accountDTO(a, rt ?? undefined);
        this.emit({ type: 'accounts.changed', payload: dto });
        return dto;
      },
      'accounts.update': async ({ id, label, config, enabled }) => {
        const s = requireStore();
        const a = s.getAccount(Number(id));
        if (!a) throw new ContractError('not-found', `no account ${id}`);
        const d = this.descriptor(a.protocol);
        let patch: Parameters<HistoryStore['updateAccount']>[1] = {};
        if (label !== undefined) patch.label = label;
        if (enabled !== undefined) patch.enabled = enabled;
        if (config) {
          const oldSecrets = s.accountSecrets(a.id);
          const merged: ConfigValues = { ...(a.config as ConfigValues), ...oldSecrets, ...config };
          // an empty password field keeps the stored secret
          for (const k of Object.keys(oldSecrets)) if (config[k] === '') merged[k] = oldSecrets[k];
          this.validateConfig(d, merged);
          const { plain, secrets } = this.splitSecrets(d, merged);
          patch = { ...patch, config: plain, secrets };
        }
        const updated = s.updateAccount(a.id, patch);
        let rt = this.runtimes.get(id);
        if (config && rt) {
          await rt.dispose();
          this.runtimes.delete(id);
          rt = this.addRuntime(updated) ?? undefined;
        }
        if (rt) rt.account = updated;
        if (rt && (config || enabled) && this.shouldConnect(rt)) void rt.connect();
        if (rt && !updated.enabled) await rt.stop();
        const dto = this.accountDTO(updated, rt);
        this.emit({ type: 'accounts.changed', payload: dto });
        return dto;
      },
      'accounts.remove': async ({ id, keepHistory }) => {
        const s = requireStore();
        const rt = this.runtimes.get(id);
        if (rt) await rt.dispose();
        this.runtimes.delete(id);
        if (keepHistory) {
          // the history store refuses to drop an account that has history: it stays, disabled,
          // without secrets, hidden from the account list, so its history remains searchable
          try {
            s.removeAccount(Number(id), { deleteHistory: false });
          } catch {
            const a = s.getAccount(Number(id));
            if (!a) throw new ContractError('not-found', `no account ${id}`);
            s.updateAccount(a.id, { enabled: false, secrets: {}, config: { ...a.config, [REMOVED]: true } });
          }
        } else s.removeAccount(Number(id), { deleteHistory: true });
        this.emit({ type: 'accounts.removed', payload: { id } });
        return null;
      },
      'accounts.reconnect': ({ id }) => {
        const rt = this.rt(id);
        if (rt.state === 'reconnecting') rt.reconnector.networkUp();
        else void rt.connect();
        return null;
      },
      'accounts.joinFields': ({ id }) => {
        const rt = this.rt(id);
        let rooms;
        try {
          rooms = rt.ensureAdapter().rooms;
        } catch (err) {
          throw new ContractError('invalid', toErrorInfo(err).message);
        }
        if (!rooms) throw new ContractError('unsupported', 'this network has no rooms');
        return rooms.joinFields.map((f) => ({ ...f }));
      },

      'contacts.list': () => this.allPeople(),
      'contacts.add': async ({ accountId, address, name, groups, message }) => {
        const rt = this.onlineRt(accountId);
        const v = rt.adapter!.normalize(address);
        if (!v.ok) throw new ContractError('invalid', v.error, { address: v.error });
        if (!rt.adapter!.contacts) throw new ContractError('unsupported', 'this network has no contact list');
        await rt.adapter!.contacts.add(v.normalized, { ...(name ? { name } : {}), ...(groups ? { groups } : {}), ...(message ? { message } : {}) }).catch((e) => {
          throw new ContractError('protocol', toErrorInfo(e).message);
        });
        this.store.upsertContact({ accountId: rt.account.id, address: v.normalized, name: name ?? null, groups: groups ?? [] });
        this.emitPeopleOf(rt, new Set([v.normalized]));
        return null;
      },
      'contacts.remove': async ({ accountId, address }) => {
        const rt = this.rt(accountId);
        if (rt.online && rt.adapter?.contacts) await rt.adapter.contacts.remove(address).catch((e) => this.opts.log.warn('contact remove failed', { err: toErrorInfo(e).message }));
        const c = this.store.findContact(rt.account.id, address);
        if (c) this.removeContact(c);
        return null;
      },
      'contacts.update': async ({ accountId, address, name, groups }) => {
        const rt = this.rt(accountId);
        if (rt.online && rt.adapter?.contacts) await rt.adapter.contacts.update(address, { ...(name !== undefined ? { name } : {}), ...(groups ? { groups } : {}) }).catch(() => {});
        const c = this.store.findContact(rt.account.id, address);
        this.store.upsertContact({ accountId: rt.account.id, address, name: name ?? c?.name ?? null, groups: groups ?? c?.groups ?? [] });
        this.emitPeopleOf(rt, new Set([address]));
        return null;
      },
      'contacts.approve': async ({ accountId, address }) => {
        const rt = this.onlineRt(accountId);
        if (!rt.adapter!.contacts) throw new ContractError('unsupported', 'this network has no subscriptions');
        await rt.adapter!.contacts.approve(address);
        return null;
      },
      'contacts.deny': async ({ accountId, address }) => {
        const rt = this.onlineRt(accountId);
        if (!rt.adapter!.contacts) throw new ContractError('unsupported', 'this network has no subscriptions');
        await rt.adapter!.contacts.deny(address);
        return null;
      },
      'people.merge': ({ personIds }) => {
        const s = requireStore();
        const people = personIds.map((pid) => {
          const p = this.personById(pid);
          if (!p) throw new ContractError('not-found', `no person ${pid}`);
          return p;
        });
        const contactIds = people.flatMap((p) => p.identities.map((i) => s.findContact(Number(i.accountId), i.address)?.id)).filter((x): x is number => x !== undefined);
        const mc = s.linkContacts(people[0]!.name, contactIds);
        const pid = `m${mc.id}`;
        const meta = this.peopleMeta();
        if (people.some((p) => p.vip)) {
          meta.vip = [...new Set([...meta.vip, pid])];
          this.settings = { ...this.settings, breakthrough: { ...this.settings.breakthrough, people: [...new Set([...this.settings.breakthrough.people, pid])] } };
          s.setSetting(K.settings, this.settings);
        }
        meta.order[pid] = people.flatMap((p) => p.identities.map(identityKey));
        s.setSetting(K.people, meta);
        for (const p of people) if (p.id !== pid) this.emit({ type: 'contacts.removed', payload: { personId: p.id } });
        const merged = this.personById(pid)!;
        this.emit({ type: 'contacts.changed', payload: merged });
        return merged;
      },
      'people.split': ({ personId, accountId, address }) => {
        const s = requireStore();
        const c = s.findContact(Number(accountId), address);
        if (!c || (c.metacontactId !== null ? `m${c.metacontactId}` : `c${c.id}`) !== personId) throw new ContractError('not-found', 'that identity is not part of this person');
        s.unlinkContact(c.id);
        const out = [this.personById(personId), this.personById(`c${c.id}`)].filter((p): p is PersonDTO => !!p);
        if (!this.personById(personId)) this.emit({ type: 'contacts.removed', payload: { personId } });
        for (const p of out) this.emit({ type: 'contacts.changed', payload: p });
        return out;
      },
      'people.suggestions': () => suggestMerges(this.allPeople()),
      'people.rename': ({ personId, name }) => {
        const s = requireStore();
        if (personId.startsWith('m')) {
          const mc = s.listMetacontacts().find((m) => `m${m.id}` === personId);
          if (!mc) throw new ContractError('not-found', `no person ${personId}`);
          s.linkContacts(name, mc.contactIds);
        } else {
          const c = s.getContact(Number(personId.slice(1)));
          if (!c) throw new ContractError('not-found', `no person ${personId}`);
          s.upsertContact({ accountId: c.accountId, address: c.address, name, groups: c.groups });
        }
        const p = this.personById(personId);
        if (!p) throw new ContractError('not-found', `no person ${personId}`);
        this.emit({ type: 'contacts.changed', payload: p });
        return p;
      },
      'people.setOrder': ({ personId, identities }) => {
        const meta = this.peopleMeta();
        meta.order[personId] = identities.map(identityKey);
        requireStore().setSetting(K.people, meta);
        const p = this.personById(personId);
        if (!p) throw new ContractError('not-found', `no person ${personId}`);
        this.emit({ type: 'contacts.changed', payload: p });
        return p;
      },
      'people.setVip': ({ personId, vip }) => {
        const people = new Set(this.settings.breakthrough.people);
        if (vip) people.add(personId);
        else people.delete(personId);
        this.settings = { ...this.settings, breakthrough: { ...this.settings.breakthrough, people: [...people] } };
        requireStore().setSetting(K.settings, this.settings);
        const p = this.personById(personId);
        if (!p) throw new ContractError('not-found', `no person ${personId}`);
        this.emit({ type: 'contacts.changed', payload: p });
        return p;
      },

      'conversations.list': () =>
        requireStore()
          .listConversations()
          .map((c) => this.conversationDTO(c, c.unread, c.lastMessage?.serverTime)),
      'conversations.open': (i) => {
        let c: Conversation;
        if ('personId' in i) c = this.routeToPerson(i.personId);
        else {
          const rt = this.rt(i.accountId);
          const d = this.descriptor(rt.account.protocol);
          const v = d.validateAddress(i.address, i.kind);
          if (!v.ok) throw new ContractError('invalid', v.error, { address: v.error });
          c = requireStore().ensureConversation(rt.account.id, i.kind, v.normalized, null);
        }
        const dto = this.conversationDTO(c);
        this.emit({ type: 'conversations.changed', payload: dto });
        return dto;
      },
      'conversations.markRead': async ({ conversationId, upToId }) => {
        const c = this.conv(conversationId);
        const upTo = upToId ? Number(upToId) : this.store.latest(c.id, 1)[0]?.id;
        if (upTo !== undefined) this.store.markRead(c.id, upTo);
        this.mentions.delete(c.id);
        const fresh = this.store.getConversation(c.id)!;
        // tell the other side where possible (XEP-0333), never failing the command for it
        const rt = this.runtimes.get(String(c.accountId));
        const m = upTo !== undefined ? this.store.getMessage(upTo) : null;
        if (rt?.online && rt.adapter?.receipts && m?.serverId && m.direction === 'in') void rt.adapter.receipts.markRead({ kind: c.kind, id: c.address }, m.serverId).catch(() => {});
        const dto = this.conversationDTO(fresh);
        this.emit({ type: 'conversations.changed', payload: dto });
        return dto;
      },
      'conversations.setMuted': ({ conversationId, muted }) => {
        const c = this.conv(conversationId);
        const set = new Set(this.mutedSet());
        if (muted) set.add(conversationId);
        else set.delete(conversationId);
        this.store.setSetting(K.muted, [...set]);
        this.muted = set;
        const dto = this.conversationDTO(c);
        this.emit({ type: 'conversations.changed', payload: dto });
        return dto;
      },
      'conversations.close': ({ conversationId }) => {
        this.conv(conversationId);
        return null;
      },
      'messages.page': (i) => {
        this.flushIngest();
        const convs = 'personId' in i ? this.personConversations(i.personId) : [this.conv(i.conversationId)];
        return this.page(convs, i);
      },
      'messages.send': (i) => {
        const c = 'personId' in i ? this.routeToPerson(i.personId) : this.conv(i.conversationId);
        const rt = this.rt(String(c.accountId));
        const m = this.queueMessage(rt, c, i.body, i.kind ?? 'chat');
        return messageDTO(m, { sending: rt.online });
      },
      'messages.resend': ({ messageId }) => {
        const m = this.store.getMessage(Number(messageId));
        if (!m || m.direction !== 'out') throw new ContractError('not-found', 'no such own message');
        if (m.state !== 'failed' && m.state !== 'unconfirmed' && m.state !== 'queued') throw new ContractError('invalid', 'the message was already sent');
        const c = this.store.getConversation(m.conversationId)!;
        const rt = this.rt(String(m.accountId));
        if (m.clientId) {
          rt.sending.delete(m.clientId);
          rt.drops.delete(m.clientId);
        }
        this.store.setState(m.id, 'queued');
        const fresh = this.store.getMessage(m.id)!;
        this.emit({ type: 'messages.updated', payload: { id: messageId, conversationId: String(c.id), state: rt.online ? 'sending' : 'queued' } });
        if (rt.online) void this.sendStored(rt, c, fresh);
        return messageDTO(fresh, { sending: rt.online });
      },
      'typing.set': ({ conversationId, state }) => {
        const c = this.conv(conversationId);
        const rt = this.runtimes.get(String(c.accountId));
        if (rt?.online && rt.adapter?.typing) rt.adapter.typing.sendTyping({ kind: c.kind, id: c.address }, state);
        return null;
      },

      'search.query': ({ query, limit, cursor, order }) => {
        this.flushIngest();
        let r;
        try {
          r = requireStore().search(query, { limit, ...(cursor ? { cursor } : {}), order });
        } catch (err) {
          if (err instanceof QueryError) throw new ContractError('invalid', err.message, { query: err.message });
          throw err;
        }
        const titles = new Map<number, string>();
        const title = (c: Conversation) => {
          let t = titles.get(c.id);
          if (t === undefined) titles.set(c.id, (t = this.conversationTitle(this.runtimes.get(String(c.accountId)), c)));
          return t;
        };
        return {
          hits: r.hits.map((h) => ({ message: messageDTO(h.message), conversationTitle: title(h.conversation), snippet: parseSnippet(h.snippet) })),
          groups: r.groups.map((g) => ({ conversationId: String(g.conversation.id), title: title(g.conversation), hitIndexes: g.hitIndexes })),
          ...(r.nextCursor ? { nextCursor: r.nextCursor } : {}),
        };
      },

      'rooms.join': async ({ accountId, values }) => {
        const rt = this.onlineRt(accountId);
        const rooms = rt.adapter!.rooms;
        if (!rooms) throw new ContractError('unsupported', 'this network has no rooms');
        let info;
        try {
          info = await rooms.join(values);
        } catch (err) {
          throw new ContractError('protocol', toErrorInfo(err).message);
        }
        const conv = this.roomJoined(rt, info);
        const saved = this.setting<{ roomId: string; values: ConfigValues }[]>(K.rooms(rt.id), []).filter((r) => r.roomId !== info.id);
        this.store.setSetting(K.rooms(rt.id), [...saved, { roomId: info.id, values }]);
        return this.conversationDTO(conv);
      },
      'rooms.part': async ({ conversationId, reason }) => {
        const c = this.conv(conversationId);
        const rt = this.rt(String(c.accountId));
        this.store.setSetting(K.rooms(rt.id), this.setting<{ roomId: string }[]>(K.rooms(rt.id), []).filter((r) => r.roomId !== c.address));
        if (rt.online && rt.adapter?.rooms) await rt.adapter.rooms.part(c.address, reason).catch(() => {});
        rt.rooms.delete(c.address);
        this.emitConversation(c.id);
        return null;
      },
      'rooms.members': ({ conversationId }) => {
        const c = this.conv(conversationId);
        return this.members(this.rt(String(c.accountId)), c.address);
      },
      'rooms.setTopic': async ({ conversationId, topic }) => {
        const c = this.conv(conversationId);
        const rt = this.onlineRt(String(c.accountId));
        if (!rt.adapter!.rooms) throw new ContractError('unsupported', 'this network has no rooms');
        await rt.adapter!.rooms.setTopic(c.address, topic).catch((e) => {
          throw new ContractError('protocol', toErrorInfo(e).message);
        });
        return null;
      },
      'rooms.invite': async ({ conversationId, address, reason }) => {
        const c = this.conv(conversationId);
        const rt = this.onlineRt(String(c.accountId));
        if (!rt.adapter!.rooms) throw new ContractError('unsupported', 'this network has no rooms');
        await rt.adapter!.rooms.invite(c.address, address, reason).catch((e) => {
          throw new ContractError('protocol', toErrorInfo(e).message);
        });
        return null;
      },
      'rooms.startMeeting': async ({ accountId, addresses, name }) => {
        const rt = this.onlineRt(accountId);
        const rooms = rt.adapter!.rooms;
        if (!rooms) throw new ContractError('unsupported', 'this network has no rooms');
        const invitees = addresses.map((a) => {
          const v = rt.adapter!.normalize(a);
          if (!v.ok) throw new ContractError('invalid', `${a}: ${v.error}`, { addresses: v.error });
          return v.normalized;
        });
        let info;
        try {
          info = await rooms.createPrivate(invitees, name ? { name } : {});
        } catch (err) {
          throw new ContractError('protocol', toErrorInfo(err).message);
        }
        const conv = this.roomJoined(rt, info);
        return this.conversationDTO(conv);
      },

      'status.get': () => this.statusDTO(),
      'status.set': ({ show, message }) => {
        requireStore();
        return this.changeStatus(setStatus(this.status, { show, ...(message ? { message } : {}) }, this.now()));
      },
      'status.dnd': ({ durationMs, until, message }) => {
        requireStore();
        const end = until ?? (durationMs !== undefined ? this.now() + durationMs : undefined);
        return this.changeStatus(startDnd(this.status, { ...(end !== undefined ? { until: end } : {}), ...(message ? { message } : {}) }, this.now()));
      },
      'status.dndOff': () => {
        requireStore();
        return this.changeStatus(endDnd(this.status));
      },
      'status.setAccountOverride': ({ accountId, show }) => {
        const rt = this.rt(accountId);
        const o = { ...this.setting<Record<string, PresenceShow>>(K.overrides, {}) };
        if (show) o[accountId] = show;
        else delete o[accountId];
        this.store.setSetting(K.overrides, o);
        // "offline" for one account disconnects it (and keeps it so); anything else brings it back
        if (show === 'offline') void rt.stop();
        else if (rt.online && rt.adapter) void rt.adapter.setPresence(this.presenceForAccount(rt)).catch(() => {});
        else if (this.shouldConnect(rt) && rt.state !== 'connecting') void rt.connect();
        const dto = this.accountDTO(rt.account, rt);
        this.emit({ type: 'accounts.changed', payload: dto });
        return dto;
      },
      'settings.get': () => this.settings,
      'settings.set': (patch) => {
        const s = requireStore();
        this.settings = { ...this.settings, ...patch };
        s.setSetting(K.settings, this.settings);
        // new idle thresholds apply at once
        this.onIdle(this.idleMs);
        return this.settings;
      },
      'host.idle': ({ idleMs, locked }) => {
        if (!this.archive.store) return null;
        this.onIdle(locked ? Math.max(idleMs, this.settings.idle.awayAfterMs) : idleMs);
        return null;
      },
      'host.networkUp': () => {
        for (const rt of this.runtimes.values()) rt.networkUp();
        return null;
      },
    };
  }

  private onIdle(idleMs: number) {
    this.idleMs = idleMs;
    if (!this.archive.store) return;
    const next = applyIdle(this.status, idleMs, this.settings.idle, this.now());
    if (next !== this.status) this.changeStatus(next);
  }
}
