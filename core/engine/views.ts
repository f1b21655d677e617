// What the hosts see: DTOs built from the store plus the live runtime state (presence, rooms), and
// the events that carry them. No decisions here, only assembly.
import { ContractError, type AccountDTO, type ConversationDTO, type IdentityDTO, type MemberDTO, type PersonDTO } from '../../contract/index';
import type { Account, Contact, Conversation, Metacontact } from '../history/index';
import type { PresenceShow } from '../protocol/types';
import type { AccountRuntime } from './accounts';
import { K } from './keys';
import type { EngineContext } from './context';
import { capsDTO, errorDTO } from './dto';
import { isMention } from './notify';
import { routeReply, toPerson } from './people';
import { bestPresence } from './presence';

/** how long incoming messages' conversation updates are gathered before they are sent */
const CONV_COALESCE_MS = 100;
const CONV_COALESCE_MAX_MS = 2000;
/** longest stretch of building conversation updates before the event loop gets a turn (a round
 *  over hundreds of rooms counts each one's unread messages: tens to hundreds of ms in one step) */
const CONV_SLICE_MS = 4;

export interface PeopleMeta {
  vip: string[];
  order: Record<string, string[]>;
}

/** the person id of a stored contact: its metacontact, or the contact alone */
export const personIdOf = (c: Contact) => (c.metacontactId !== null ? `m${c.metacontactId}` : `c${c.id}`);

export class Views {
  constructor(private readonly ctx: EngineContext) {}

  private get store() {
    return this.ctx.store;
  }

  // ---- accounts --------------------------------------------------------------------------------

  accountDTO(a: Account, rt?: AccountRuntime): AccountDTO {
    const d = this.ctx.opts.registry.get(a.protocol);
    const secretKeys = new Set(d?.configFields.filter((f) => f.type === 'password').map((f) => f.key) ?? []);
    const secrets = this.ctx.archive.store ? Object.keys(this.store.accountSecrets(a.id)) : [];
    const config: Record<string, string | number | boolean> = {};
    for (const [k, v] of Object.entries(a.config)) if (!secretKeys.has(k) && (typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean')) config[k] = v;
    const override = this.ctx.setting<Record<string, PresenceShow>>(K.overrides, {})[String(a.id)];
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

  emitAccount(rt: AccountRuntime) {
    this.ctx.emit({ type: 'accounts.changed', payload: this.accountDTO(rt.account, rt) });
  }

  // ---- people ----------------------------------------------------------------------------------

  peopleMeta(): PeopleMeta {
    return this.ctx.setting<PeopleMeta>(K.people, { vip: [], order: {} });
  }

  identity(c: Contact): IdentityDTO {
    const rt = this.ctx.runtimes.get(String(c.accountId));
    const res = rt?.presence.get(c.address);
    // nothing from the roster / MONITOR: being in a room with us says they are there
    const best = res ? bestPresence([...res.values()]) : ((rt && this.ctx.roomContacts.presenceOf(rt, c.address)) ?? { show: 'offline' as const });
    const presence = { show: best.show, ...('status' in best && best.status ? { status: best.status } : {}), ...('idleSince' in best && best.idleSince ? { idleSince: best.idleSince } : {}) };
    const info = rt?.peerInfo.get(c.address);
    return {
      accountId: String(c.accountId),
      address: c.address,
      ...(c.name ? { name: c.name } : {}),
      groups: c.groups,
      presence,
      source: rt?.adapter?.rooms && !c.address.includes('@') ? 'monitor' : 'roster',
      ...(info?.account !== undefined ? { account: info.account } : {}),
      ...(info?.realName ? { realName: info.realName } : {}),
    };
  }

  /** what every person of one listing shares (read once per listing, not once per person) */
  private personScope(): { meta: PeopleMeta; vip: Set<string> } {
    const meta = this.peopleMeta();
    return { meta, vip: new Set([...this.ctx.settings.breakthrough.people, ...meta.vip]) };
  }

  /** a stored contact without a metacontact, as a person */
  private contactPerson(c: Contact, scope: { vip: Set<string> }): PersonDTO {
    const pid = personIdOf(c);
    return toPerson({ id: pid, name: c.name ?? c.address, vip: scope.vip.has(pid), identities: [this.identity(c)] });
  }

  /** a metacontact and its contacts, as one person */
  private metaPerson(mc: Metacontact, contacts: Contact[], scope: { meta: PeopleMeta; vip: Set<string> }): PersonDTO {
    const pid = `m${mc.id}`;
    const order = scope.meta.order[pid];
    return toPerson({ id: pid, name: mc.name, vip: scope.vip.has(pid), identities: contacts.map((c) => this.identity(c)), ...(order ? { order } : {}) });
  }

  personById(pid: string): PersonDTO | null {
    if (!pid.startsWith('m') && !pid.startsWith('c')) return this.ctx.roomContacts.personById(pid);
    const scope = this.personScope();
    if (pid.startsWith('m')) {
      const mc = this.store.listMetacontacts().find((x) => `m${x.id}` === pid);
      if (!mc) return null;
      return this.metaPerson(mc, mc.contactIds.map((id) => this.store.getContact(id)).filter((c): c is Contact => !!c), scope);
    }
    const c = this.store.getContact(Number(pid.slice(1)));
    return c ? this.contactPerson(c, scope) : null;
  }

  requirePerson(pid: string): PersonDTO {
    const p = this.personById(pid);
    if (!p) throw new ContractError('not-found', `no person ${pid}`);
    return p;
  }

  /** every person: one read of the contacts and metacontacts (50,000 contacts are one listing,
   *  not 50,000 lookups) */
  allPeople(): PersonDTO[] {
    const scope = this.personScope();
    const contacts = this.store.listContacts();
    const byId = new Map(contacts.map((c) => [c.id, c]));
    const metas = new Map(this.store.listMetacontacts().map((m) => [m.id, m]));
    const out: PersonDTO[] = [];
    const seenMeta = new Set<number>();
    for (const c of contacts) {
      if (c.metacontactId === null) {
        out.push(this.contactPerson(c, scope));
        continue;
      }
      if (seenMeta.has(c.metacontactId)) continue;
      seenMeta.add(c.metacontactId);
      const mc = metas.get(c.metacontactId);
      if (mc) out.push(this.metaPerson(mc, mc.contactIds.map((id) => byId.get(id)).filter((x): x is Contact => !!x), scope));
    }
    return out.concat(this.ctx.roomContacts.list());
  }

  personIdFor(accountId: number, address: string): string | undefined {
    const c = this.store.findContact(accountId, address);
    return c ? personIdOf(c) : undefined;
  }

  emitPerson(pid: string) {
    const p = this.personById(pid);
    if (p) this.ctx.emit({ type: 'contacts.changed', payload: p });
  }

  emitPeopleOf(rt: AccountRuntime, addresses?: Set<string>) {
    if (!this.ctx.archive.store) return;
    const list = addresses ? [...addresses].map((a) => this.store.findContact(rt.account.id, a)).filter((c): c is Contact => !!c) : this.store.listContacts(rt.account.id);
    this.emitPeople(list);
  }

  /** contacts.changed for the people of these contacts (as just stored, in order: a contact stored
   *  twice counts as its last version), each person once */
  emitPeople(contacts: readonly Contact[]) {
    const scope = this.personScope();
    const latest = new Map<string, Contact>();
    for (const c of contacts) latest.set(personIdOf(c), c);
    for (const [pid, c] of latest) {
      if (c.metacontactId !== null) this.emitPerson(pid);
      else this.ctx.emit({ type: 'contacts.changed', payload: this.contactPerson(c, scope) });
    }
  }

  /** the direct conversation a message to a person goes to (reply routing) */
  routeToPerson(personId: string): Conversation {
    const p = this.requirePerson(personId);
    const target = routeReply(p, (a) => !!this.ctx.runtimes.get(a)?.online);
    if (!target) throw new ContractError('not-found', 'this person has no address');
    return this.store.ensureConversation(Number(target.accountId), 'direct', target.address, null);
  }

  personConversations(personId: string): Conversation[] {
    const p = this.requirePerson(personId);
    return p.identities.map((i) => this.store.findConversation(Number(i.accountId), 'direct', i.address)).filter((c): c is Conversation => !!c);
  }

  // ---- conversations ---------------------------------------------------------------------------

  /** our own names in a conversation (for mentions) */
  selfNames(rt: AccountRuntime, conv: Conversation): string[] {
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

  conversationTitle(rt: AccountRuntime | undefined, c: Conversation): string {
    if (c.title) return c.title;
    if (c.kind === 'room') return rt?.rooms.get(c.address)?.info.name ?? c.address;
    const contact = this.store.findContact(c.accountId, c.address);
    return contact?.name ?? c.address;
  }

  mentionCount(c: Conversation): number {
    const mentions = this.ctx.counters.mentions;
    let n = mentions.get(c.id);
    if (n === undefined) {
      const rt = this.ctx.runtimes.get(String(c.accountId));
      const names = rt ? this.selfNames(rt, c) : [];
      const unread = c.lastReadId !== null ? this.store.after(c.id, c.lastReadId, 500) : this.store.latest(c.id, 500);
      n = unread.filter((m) => m.direction === 'in' && isMention(m.body, names)).length;
      mentions.set(c.id, n);
    }
    return n;
  }

  conversationDTO(c: Conversation, unread?: number, lastAt?: number): ConversationDTO {
    const rt = this.ctx.runtimes.get(String(c.accountId));
    const room = c.kind === 'room' ? rt?.rooms.get(c.address) : undefined;
    const muted = this.ctx.mutedSet().has(String(c.id));
    const personId = c.kind === 'direct' ? this.personIdFor(c.accountId, c.address) : undefined;
    const last = lastAt ?? this.store.latest(c.id, 1)[0]?.serverTime;
    if (last !== undefined) this.lastKnown.set(c.id, last);
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

  emitConversation(id: number) {
    const c = this.store.getConversation(id);
    if (c) this.ctx.emit({ type: 'conversations.changed', payload: this.conversationDTO(c) });
  }

  /** conversation id → its newest message's time, as last shown */
  private readonly lastKnown = new Map<number, number>();
  /** conversation id → time of its newest message seen by the ingest */
  private touched = new Map<number, number>();
  private touchTimer: NodeJS.Timeout | null = null;

  /** the conversation changed by incoming messages: its conversations.changed waits for the next
   *  round, at least CONV_COALESCE_MS away and, under a flood, four times as long as building the
   *  last round took (so the updates take at most a fifth of the engine's time) */
  touchConversation(id: number, lastAt: number) {
    this.touched.set(id, Math.max(lastAt, this.touched.get(id) ?? 0));
    if (this.touchTimer || this.round) return;
    this.touchTimer = setTimeout(() => this.emitTouched(), this.touchDelay);
    this.touchTimer.unref();
  }

  private touchDelay = CONV_COALESCE_MS;
  /** the round being emitted, in slices (touches meanwhile wait for the next round) */
  private round: { items: [number, number][]; next: number; cost: number } | null = null;

  private emitTouched() {
    this.touchTimer = null;
    this.round = { items: [...this.touched], next: 0, cost: 0 };
    this.touched.clear();
    this.emitRoundSlice();
  }

  private emitRoundSlice() {
    const round = this.round;
    if (!round) return;
    const t0 = performance.now();
    while (this.ctx.live && round.next < round.items.length && performance.now() - t0 < CONV_SLICE_MS) {
      const [id, batchLast] = round.items[round.next++]!;
      const c = this.store.getConversation(id);
      // the newest message: the batch's newest, unless one stored earlier is newer (a replay)
      const known = this.lastKnown.get(id);
      if (c) this.ctx.emit({ type: 'conversations.changed', payload: this.conversationDTO(c, undefined, known === undefined ? undefined : Math.max(known, batchLast)) });
    }
    round.cost += performance.now() - t0;
    if (this.ctx.live && round.next < round.items.length) {
      setImmediate(() => this.emitRoundSlice());
      return;
    }
    this.round = null;
    this.touchDelay = Math.max(CONV_COALESCE_MS, Math.min(CONV_COALESCE_MAX_MS, 4 * round.cost));
    if (this.touched.size) {
      this.touchTimer = setTimeout(() => this.emitTouched(), this.touchDelay);
      this.touchTimer.unref();
    }
  }

  /** emits and returns the DTO (commands that change a conversation answer with it) */
  changedConversation(c: Conversation): ConversationDTO {
    const dto = this.conversationDTO(c);
    this.ctx.emit({ type: 'conversations.changed', payload: dto });
    return dto;
  }

  // ---- rooms -----------------------------------------------------------------------------------

  emitMembers(rt: AccountRuntime, roomId: string) {
    const conv = this.store.findConversation(rt.account.id, 'room', roomId);
    if (conv) this.ctx.emit({ type: 'rooms.members', payload: { conversationId: String(conv.id), members: this.members(rt, roomId) } });
  }

  members(rt: AccountRuntime, roomId: string): MemberDTO[] {
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
      ...(o.account !== undefined ? { account: o.account } : {}),
      ...(o.realName ? { realName: o.realName } : {}),
      ...(o.userHost ? { userHost: o.userHost } : {}),
    }));
  }
}
