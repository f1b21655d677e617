/**
 * The SQLite implementation of HistoryStore. One instance = one connection (+ the writer lock when
 * not read-only). Statements are prepared once and cached.
 */
import { realpathSync, writeFileSync } from 'node:fs';
import { basename, dirname, join, relative, resolve, isAbsolute } from 'node:path';
import type Database from 'better-sqlite3-multiple-ciphers';
import { CorruptArchiveError, QueryError, UsageError } from './errors';
import { compileFts } from './fts';
import * as slots from './keyslots';
import type { WriterLock } from './lock';
import { parseQuery, type ParsedQuery } from './query';
import { makeSnippet, positiveTerms } from './snippet';
import { hasCjk, indexedSql } from './text';
import { isCorruption, type DB } from './db';
import type {
  Account,
  AccountInput,
  Contact,
  ContactInput,
  Conversation,
  ConversationKind,
  ConversationSummary,
  Gap,
  HistoryStore,
  InsertResult,
  Message,
  MessageInput,
  MessageKind,
  MessageState,
  Metacontact,
  SearchOptions,
  SearchResult,
  SlotInfo,
  SlotSpec,
} from './types';

/** indexes a new row (see migrations/0002-search.ts for why this is not an INSERT trigger) */
const FTS_INSERT_SQL = `INSERT INTO messages_fts(rowid, body) VALUES (@id, ${indexedSql('@body')})`;

/** below this many messages a from:/in:/with: filter is walked first (see selectiveFilter) */
export const FILTER_FIRST_MAX = 20_000;

/** relevance order ranks at most this many of the newest text matches */
export const RELEVANCE_WINDOW = 5_000;

/** ids: server-ms × 1024 + sequence */
export const SEQ = 1024;
const MAX_MS = Math.floor(Number.MAX_SAFE_INTEGER / SEQ) - 1;
const DEFAULT_MARKERS: [string, string] = ['\u0002', '\u0003'];
const KINDS = new Set<MessageKind>(['chat', 'action', 'notice', 'system']);
const STATES = new Set<MessageState>(['queued', 'sent', 'delivered', 'read', 'failed', 'unconfirmed']);

interface MessageRow {
  id: number;
  account_id: number;
  conversation_id: number;
  sender: string;
  sender_name: string | null;
  body: string;
  kind: string;
  direction: number;
  server_time: number;
  received_time: number;
  server_id: string | null;
  client_id: string | null;
  state: string | null;
  edited_at: number | null;
  retracted_at: number | null;
  source: string | null;
  oob_url: string | null;
}

interface ConversationRow {
  id: number;
  account_id: number;
  kind: ConversationKind;
  address: string;
  title: string | null;
  contact_id: number | null;
  last_read_id: number | null;
  created_at: number;
}

interface AccountRow {
  id: number;
  protocol: string;
  label: string;
  config: string;
  secrets: string;
  enabled: number;
  created_at: number;
}

interface ContactRow {
  id: number;
  account_id: number;
  address: string;
  name: string | null;
  groups: string;
  metacontact_id: number | null;
}

function toMessage(r: MessageRow): Message {
  return {
    id: r.id,
    accountId: r.account_id,
    conversationId: r.conversation_id,
    sender: r.sender,
    senderName: r.sender_name,
    body: r.body,
    kind: r.kind as MessageKind,
    direction: r.direction === 1 ? 'out' : 'in',
    serverTime: r.server_time,
    receivedTime: r.received_time,
    serverId: r.server_id,
    clientId: r.client_id,
    state: r.state as MessageState | null,
    editedAt: r.edited_at,
    retractedAt: r.retracted_at,
    source: r.source,
    oobUrl: r.oob_url,
  };
}

function toConversation(r: ConversationRow): Conversation {
  return {
    id: r.id,
    accountId: r.account_id,
    kind: r.kind,
    address: r.address,
    title: r.title,
    contactId: r.contact_id,
    lastReadId: r.last_read_id,
    createdAt: r.created_at,
  };
}

function toAccount(r: AccountRow): Account {
  return { id: r.id, protocol: r.protocol, label: r.label, config: JSON.parse(r.config) as Record<string, unknown>, enabled: r.enabled === 1, createdAt: r.created_at };
}

function toContact(r: ContactRow): Contact {
  return { id: r.id, accountId: r.account_id, address: r.address, name: r.name, groups: JSON.parse(r.groups) as string[], metacontactId: r.metacontact_id };
}

const likeEscape = (s: string) => s.replace(/[\\%_]/g, (c) => '\\' + c);

function nonEmpty(s: unknown, what: string): string {
  if (typeof s !== 'string' || s.length === 0) throw new UsageError(`${what} must be a non-empty string`);
  return s;
}

export interface StoreParts {
  dir: string;
  db: DB;
  key: Buffer;
  slotsFile: slots.SlotsFile;
  lock: WriterLock | null;
  version: number;
  slotsName: string;
  /** default: read-only when no writer lock is held */
  readOnly?: boolean;
}

export class SqliteHistoryStore implements HistoryStore {
  readonly dir: string;
  readonly readOnly: boolean;
  readonly version: number;
  private db: DB;
  private key: Buffer;
  private slotsFile: slots.SlotsFile;
  private readonly slotsName: string;
  private lock: WriterLock | null;
  private readonly stmts = new Map<string, Database.Statement>();
  private maxId: number | null = null;
  /** tests set it to 0 to compare both plans; see selectiveFilter */
  filterFirstMax = FILTER_FIRST_MAX;
  /** senders already in the senders table (saves a statement per message) */
  private readonly knownSenders = new Set<string>();
  private closed = false;

  constructor(p: StoreParts) {
    this.dir = p.dir;
    this.db = p.db;
    this.key = p.key;
    this.slotsFile = p.slotsFile;
    this.slotsName = p.slotsName;
    this.lock = p.lock;
    this.readOnly = p.readOnly ?? p.lock === null;
    this.version = p.version;
  }

  // ---- plumbing ---------------------------------------------------------------------------

  private st(sql: string): Database.Statement {
    let s = this.stmts.get(sql);
    if (!s) {
      if (this.closed) throw new UsageError('the archive is closed');
      try {
        s = this.db.prepare(sql);
      } catch (err) {
        if (isCorruption(err)) throw new CorruptArchiveError('a page does not read', { cause: err });
        throw err;
      }
      this.stmts.set(sql, s);
    }
    return s;
  }

  private get<T>(sql: string, ...params: unknown[]): T | undefined {
    return this.guard(() => this.st(sql).get(...params) as T | undefined);
  }

  private all<T>(sql: string, ...params: unknown[]): T[] {
    return this.guard(() => this.st(sql).all(...params) as T[]);
  }

  private run(sql: string, ...params: unknown[]): Database.RunResult {
    this.writable();
    return this.guard(() => this.st(sql).run(...params));
  }

  private guard<T>(f: () => T): T {
    try {
      return f();
    } catch (err) {
      if (isCorruption(err)) throw new CorruptArchiveError('a page does not read', { cause: err });
      throw err;
    }
  }

  private writable(): void {
    if (this.closed) throw new UsageError('the archive is closed');
    if (this.readOnly) throw new UsageError('the archive is open read-only');
  }

  private tx<T>(f: () => T): T {
    this.writable();
    return this.guard(() => this.db.transaction(f)());
  }

  /** EXPLAIN QUERY PLAN details of a statement (tests assert the plans of hot queries) */
  explain(sql: string, params: unknown[]): string[] {
    const rows = this.db.prepare(`EXPLAIN QUERY PLAN ${sql}`).all(...params) as Array<{ detail: string }>;
    return rows.map((r) => r.detail);
  }

  /** raw connection, for tests and the bench only */
  get connection(): DB {
    return this.db;
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.stmts.clear();
    try {
      if (!this.readOnly) {
        try { this.db.pragma('optimize'); } catch { /* best effort */ }
      }
      this.db.close();
    } finally {
      this.lock?.release();
      this.lock = null;
      this.key.fill(0);
    }
  }

  // ---- key slots ----------------------------------------------------------------------------

  listSlots(): SlotInfo[] {
    return slots.listSlots(this.slotsFile);
  }

  addSlot(spec: SlotSpec): SlotInfo {
    this.writable();
    const { file, info } = slots.addSlot(this.slotsFile, this.key, spec);
    slots.writeSlotsFile(this.dir, this.slotsName, file);
    this.slotsFile = file;
    return info;
  }

  removeSlot(id: string): void {
    this.writable();
    const file = slots.removeSlot(this.slotsFile, id);
    slots.writeSlotsFile(this.dir, this.slotsName, file);
    this.slotsFile = file;
  }

  exportKeyFile(path: string): void {
    const target = resolve(path);
    let parent: string;
    try {
      parent = realpathSync(dirname(target));
    } catch {
      throw new UsageError(`the folder for the key file does not exist: ${dirname(target)}`);
    }
    const rel = relative(realpathSync(this.dir), join(parent, basename(target)));
    if (rel === '' || (!rel.startsWith('..') && !isAbsolute(rel))) {
      throw new UsageError('a raw key file must be kept outside the archive folder');
    }
    writeFileSync(target, this.key.toString('hex') + '\n', { mode: 0o600, flag: 'wx' });
  }

  // ---- accounts -------------------------------------------------------------------------------

  addAccount(input: AccountInput): Account {
    const r = this.run(
      'INSERT INTO accounts(protocol, label, config, secrets, enabled, created_at) VALUES (?, ?, ?, ?, ?, ?)',
      nonEmpty(input.protocol, 'protocol'),
      nonEmpty(input.label, 'label'),
      JSON.stringify(input.config ?? {}),
      JSON.stringify(input.secrets ?? {}),
      input.enabled === false ? 0 : 1,
      Date.now(),
    );
    return this.getAccount(Number(r.lastInsertRowid))!;
  }

  updateAccount(id: number, patch: Partial<AccountInput>): Account {
    const cur = this.get<AccountRow>('SELECT * FROM accounts WHERE id = ?', id);
    if (!cur) throw new UsageError(`no account ${id}`);
    this.run(
      'UPDATE accounts SET protocol = ?, label = ?, config = ?, secrets = ?, enabled = ? WHERE id = ?',
      patch.protocol !== undefined ? nonEmpty(patch.protocol, 'protocol') : cur.protocol,
      patch.label !== undefined ? nonEmpty(patch.label, 'label') : cur.label,
      patch.config !== undefined ? JSON.stringify(patch.config) : cur.config,
      patch.secrets !== undefined ? JSON.stringify(patch.secrets) : cur.secrets,
      patch.enabled !== undefined ? (patch.enabled ? 1 : 0) : cur.enabled,
      id,
    );
    return this.getAccount(id)!;
  }

  removeAccount(id: number, opts: { deleteHistory?: boolean } = {}): void {
    this.tx(() => {
      const has = this.get<{ x: number }>('SELECT 1 AS x FROM messages WHERE account_id = ? LIMIT 1', id);
      if (has && !opts.deleteHistory) throw new UsageError('the account has history; pass deleteHistory: true to delete it too');
      if (has) this.run('DELETE FROM messages WHERE account_id = ?', id);
      this.run('DELETE FROM accounts WHERE id = ?', id);
    });
  }

  getAccount(id: number): Account | null {
    const r = this.get<AccountRow>('SELECT * FROM accounts WHERE id = ?', id);
    return r ? toAccount(r) : null;
  }

  listAccounts(): Account[] {
    return this.all<AccountRow>('SELECT * FROM accounts ORDER BY id').map(toAccount);
  }

  accountSecrets(id: number): Record<string, string> {
    const r = this.get<{ secrets: string }>('SELECT secrets FROM accounts WHERE id = ?', id);
    if (!r) throw new UsageError(`no account ${id}`);
    return JSON.parse(r.secrets) as Record<string, string>;
  }

  // ---- contacts ----------------------------------------------------------------------------

  upsertContact(input: ContactInput): Contact {
    nonEmpty(input.address, 'address');
    const cur = this.findContact(input.accountId, input.address);
    if (cur) {
      this.run(
        'UPDATE contacts SET name = ?, groups = ? WHERE id = ?',
        input.name !== undefined ? input.name : cur.name,
        JSON.stringify(input.groups ?? cur.groups),
        cur.id,
      );
      return this.getContact(cur.id)!;
    }
    const r = this.run('INSERT INTO contacts(account_id, address, name, groups) VALUES (?, ?, ?, ?)', input.accountId, input.address, input.name ?? null, JSON.stringify(input.groups ?? []));
    const id = Number(r.lastInsertRowid);
    // a direct conversation that already exists gets its contact
    this.run("UPDATE conversations SET contact_id = ? WHERE account_id = ? AND kind = 'direct' AND address = ?", id, input.accountId, input.address);
    return this.getContact(id)!;
  }

  removeContact(id: number): void {
    this.run('DELETE FROM contacts WHERE id = ?', id);
  }

  getContact(id: number): Contact | null {
    const r = this.get<ContactRow>('SELECT * FROM contacts WHERE id = ?', id);
    return r ? toContact(r) : null;
  }

  findContact(accountId: number, address: string): Contact | null {
    const r = this.get<ContactRow>('SELECT * FROM contacts WHERE account_id = ? AND address = ?', accountId, address);
    return r ? toContact(r) : null;
  }

  listContacts(accountId?: number): Contact[] {
    const rows =
      accountId === undefined
        ? this.all<ContactRow>('SELECT * FROM contacts ORDER BY id')
        : this.all<ContactRow>('SELECT * FROM contacts WHERE account_id = ? ORDER BY id', accountId);
    return rows.map(toContact);
  }

  linkContacts(name: string, contactIds: number[]): Metacontact {
    nonEmpty(name, 'name');
    if (contactIds.length === 0) throw new UsageError('linkContacts needs at least one contact');
    return this.tx(() => {
      const existing = new Set<number>();
      for (const cid of contactIds) {
        const c = this.getContact(cid);
        if (!c) throw new UsageError(`no contact ${cid}`);
        if (c.metacontactId !== null) existing.add(c.metacontactId);
      }
      let metaId: number;
      const [firstMeta] = [...existing];
      if (firstMeta !== undefined) {
        metaId = firstMeta;
        this.run('UPDATE metacontacts SET name = ? WHERE id = ?', name, metaId);
        for (const other of existing) {
          if (other === metaId) continue;
          this.run('UPDATE contacts SET metacontact_id = ? WHERE metacontact_id = ?', metaId, other);
          this.run('DELETE FROM metacontacts WHERE id = ?', other);
        }
      } else {
        metaId = Number(this.run('INSERT INTO metacontacts(name) VALUES (?)', name).lastInsertRowid);
      }
      for (const cid of contactIds) this.run('UPDATE contacts SET metacontact_id = ? WHERE id = ?', metaId, cid);
      return this.listMetacontacts().find((m) => m.id === metaId)!;
    });
  }

  unlinkContact(contactId: number): void {
    this.tx(() => {
      const c = this.getContact(contactId);
      if (!c || c.metacontactId === null) return;
      this.run('UPDATE contacts SET metacontact_id = NULL WHERE id = ?', contactId);
      const left = this.get<{ n: number }>('SELECT count(*) AS n FROM contacts WHERE metacontact_id = ?', c.metacontactId)!;
      if (left.n === 0) this.run('DELETE FROM metacontacts WHERE id = ?', c.metacontactId);
    });
  }

  listMetacontacts(): Metacontact[] {
    const metas = this.all<{ id: number; name: string }>('SELECT id, name FROM metacontacts ORDER BY id');
    const links = this.all<{ id: number; metacontact_id: number }>('SELECT id, metacontact_id FROM contacts WHERE metacontact_id IS NOT NULL ORDER BY id');
    return metas.map((m) => ({ id: m.id, name: m.name, contactIds: links.filter((l) => l.metacontact_id === m.id).map((l) => l.id) }));
  }

  // ---- conversations -----------------------------------------------------------------------

  ensureConversation(accountId: number, kind: ConversationKind, address: string, title?: string | null): Conversation {
    if (kind !== 'direct' && kind !== 'room') throw new UsageError(`bad conversation kind ${String(kind)}`);
    nonEmpty(address, 'address');
    const cur = this.findConversation(accountId, kind, address);
    if (cur) {
      if (title !== undefined && title !== cur.title) this.setConversationTitle(cur.id, title);
      return this.getConversation(cur.id)!;
    }
    if (!this.getAccount(accountId)) throw new UsageError(`no account ${accountId}`);
    const contact = kind === 'direct' ? this.findContact(accountId, address) : null;
    const r = this.run(
      'INSERT INTO conversations(account_id, kind, address, title, contact_id, created_at) VALUES (?, ?, ?, ?, ?, ?)',
      accountId,
      kind,
      address,
      title ?? null,
      contact?.id ?? null,
      Date.now(),
    );
    return this.getConversation(Number(r.lastInsertRowid))!;
  }

  getConversation(id: number): Conversation | null {
    const r = this.get<ConversationRow>('SELECT * FROM conversations WHERE id = ?', id);
    return r ? toConversation(r) : null;
  }

  findConversation(accountId: number, kind: ConversationKind, address: string): Conversation | null {
    const r = this.get<ConversationRow>('SELECT * FROM conversations WHERE account_id = ? AND kind = ? AND address = ?', accountId, kind, address);
    return r ? toConversation(r) : null;
  }

  listConversations(accountId?: number): ConversationSummary[] {
    const rows =
      accountId === undefined
        ? this.all<ConversationRow>('SELECT * FROM conversations ORDER BY id')
        : this.all<ConversationRow>('SELECT * FROM conversations WHERE account_id = ? ORDER BY id', accountId);
    const out = rows.map((r) => {
      const last = this.get<MessageRow>('SELECT * FROM messages WHERE conversation_id = ? ORDER BY id DESC LIMIT 1', r.id);
      return { ...toConversation(r), lastMessage: last ? toMessage(last) : null, unread: this.unreadCount(r.id) };
    });
    // most recent activity first
    return out.sort((a, b) => (b.lastMessage?.id ?? b.createdAt * SEQ) - (a.lastMessage?.id ?? a.createdAt * SEQ));
  }

  setConversationTitle(id: number, title: string | null): void {
    this.run('UPDATE conversations SET title = ? WHERE id = ?', title, id);
  }

  markRead(conversationId: number, messageId: number): void {
    this.run('UPDATE conversations SET last_read_id = ? WHERE id = ? AND (last_read_id IS NULL OR last_read_id < ?)', messageId, conversationId, messageId);
  }

  unreadCount(conversationId: number, cap = 9999): number {
    const c = this.get<{ last_read_id: number | null }>('SELECT last_read_id FROM conversations WHERE id = ?', conversationId);
    if (!c) return 0;
    const r = this.get<{ n: number }>(
      'SELECT count(*) AS n FROM (SELECT 1 FROM messages WHERE conversation_id = ? AND id > ? AND direction = 0 LIMIT ?)',
      conversationId,
      c.last_read_id ?? -1,
      cap,
    )!;
    return r.n;
  }

  // ---- settings ------------------------------------------------------------------------------

  getSetting<T = unknown>(key: string): T | undefined {
    const r = this.get<{ value: string }>('SELECT value FROM settings WHERE key = ?', key);
    return r ? (JSON.parse(r.value) as T) : undefined;
  }

  setSetting(key: string, value: unknown): void {
    nonEmpty(key, 'key');
    if (value === undefined) return this.deleteSetting(key);
    this.run('INSERT INTO settings(key, value) VALUES (?, ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value', key, JSON.stringify(value));
  }

  deleteSetting(key: string): void {
    this.run('DELETE FROM settings WHERE key = ?', key);
  }

  // ---- gaps ----------------------------------------------------------------------------------

  recordGap(gap: Omit<Gap, 'id' | 'createdAt'>): Gap {
    const r = this.run(
      'INSERT INTO gaps(account_id, conversation_id, from_time, to_time, reason, created_at) VALUES (?, ?, ?, ?, ?, ?)',
      gap.accountId,
      gap.conversationId,
      gap.fromTime,
      gap.toTime,
      gap.reason,
      Date.now(),
    );
    return this.listGaps().find((g) => g.id === Number(r.lastInsertRowid))!;
  }

  listGaps(filter: { accountId?: number; conversationId?: number } = {}): Gap[] {
    const rows = this.all<{ id: number; account_id: number; conversation_id: number | null; from_time: number; to_time: number; reason: string; created_at: number }>(
      'SELECT * FROM gaps WHERE (@a IS NULL OR account_id = @a) AND (@c IS NULL OR conversation_id = @c) ORDER BY from_time',
      { a: filter.accountId ?? null, c: filter.conversationId ?? null },
    );
    return rows.map((r) => ({ id: r.id, accountId: r.account_id, conversationId: r.conversation_id, fromTime: r.from_time, toTime: r.to_time, reason: r.reason, createdAt: r.created_at }));
  }

  resolveGap(id: number): void {
    this.run('DELETE FROM gaps WHERE id = ?', id);
  }

  // ---- messages: insert ------------------------------------------------------------------------

  private allocId(serverTime: number): number {
    const base = serverTime * SEQ;
    if (this.maxId === null) {
      this.maxId = this.get<{ m: number | null }>('SELECT max(id) AS m FROM messages')!.m ?? 0;
    }
    if (base > this.maxId) {
      this.maxId = base;
      return base;
    }
    const r = this.get<{ m: number | null }>('SELECT max(id) AS m FROM messages WHERE id BETWEEN ? AND ?', base, base + SEQ - 1)!;
    let id = r.m === null ? base : r.m + 1;
    // more than 1024 messages in one millisecond: take the next free key (sorting stays within ~1 ms)
    while (id >= base + SEQ && this.get('SELECT 1 FROM messages WHERE id = ?', id)) id++;
    if (id > this.maxId) this.maxId = id;
    return id;
  }

  private validate(m: MessageInput): void {
    if (!Number.isSafeInteger(m.accountId) || !Number.isSafeInteger(m.conversationId)) throw new UsageError('accountId and conversationId must be integers');
    if (typeof m.sender !== 'string') throw new UsageError('sender must be a string');
    if (typeof m.body !== 'string') throw new UsageError('body must be a string');
    if (m.direction !== 'in' && m.direction !== 'out') throw new UsageError("direction must be 'in' or 'out'");
    if (!Number.isSafeInteger(m.serverTime) || m.serverTime < 0 || m.serverTime > MAX_MS) throw new UsageError('serverTime must be a ms epoch');
    if (m.kind !== undefined && !KINDS.has(m.kind)) throw new UsageError(`bad message kind ${String(m.kind)}`);
    if (m.state !== undefined && m.state !== null && !STATES.has(m.state)) throw new UsageError(`bad message state ${String(m.state)}`);
  }

  private insertOne(m: MessageInput, now: number, convAccount: Map<number, number>): InsertResult {
    const out = m.direction === 'out' ? 1 : 0;
    const serverId = m.serverId || null;
    const clientId = m.clientId || null;
    // 1. own message seen again (echo, carbon, MAM copy, resend): clientId within the own account
    if (out && clientId) {
      const ex = this.get<{ id: number; server_id: string | null; state: string | null }>(
        'SELECT id, server_id, state FROM messages WHERE account_id = ? AND client_id = ? AND direction = 1',
        m.accountId,
        clientId,
      );
      if (ex) {
        if (serverId && ex.server_id === null) {
          this.run(
            "UPDATE messages SET server_id = ?, state = CASE WHEN state IN ('queued', 'unconfirmed') THEN 'sent' ELSE state END WHERE id = ?",
            serverId,
            ex.id,
          );
        }
        return { id: ex.id, status: 'duplicate' };
      }
    }
    // 2. server id within the conversation
    if (serverId) {
      const ex = this.get<{ id: number }>('SELECT id FROM messages WHERE conversation_id = ? AND server_id = ?', m.conversationId, serverId);
      if (ex) return { id: ex.id, status: 'duplicate' };
    }
    // 3. same sender, same millisecond, same text (sources without ids; or the stored copy had none)
    const base = m.serverTime * SEQ;
    const same = this.get<{ id: number; server_id: string | null }>(
      'SELECT id, server_id FROM messages WHERE conversation_id = ? AND id BETWEEN ? AND ? AND sender = ? AND body = ? AND direction = ? LIMIT 1',
      m.conversationId,
      base,
      base + SEQ - 1,
      m.sender,
      m.body,
      out,
    );
    if (same && (same.server_id === null || serverId === null || same.server_id === serverId)) {
      if (serverId && same.server_id === null) this.run('UPDATE messages SET server_id = ? WHERE id = ?', serverId, same.id);
      return { id: same.id, status: 'duplicate' };
    }
    if (convAccount.get(m.conversationId) !== m.accountId) {
      const c = this.get<{ account_id: number }>('SELECT account_id FROM conversations WHERE id = ?', m.conversationId);
      if (!c || c.account_id !== m.accountId) throw new UsageError(`conversation ${m.conversationId} does not belong to account ${m.accountId}`);
      convAccount.set(m.conversationId, c.account_id);
    }
    const id = this.allocId(m.serverTime);
    const state = m.state !== undefined ? m.state : out ? (serverId ? 'sent' : 'queued') : null;
    this.run(
      `INSERT INTO messages(id, account_id, conversation_id, sender, sender_name, body, kind, direction, server_time, received_time,
         server_id, client_id, state, source, oob_url) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
      id,
      m.accountId,
      m.conversationId,
      m.sender,
      m.senderName ?? null,
      m.body,
      m.kind ?? 'chat',
      out,
      m.serverTime,
      m.receivedTime ?? now,
      serverId,
      clientId,
      state,
      m.source ?? null,
      m.oobUrl ?? null,
    );
    if (this.version >= 2) this.run(FTS_INSERT_SQL, { id, body: m.body }); // schema 1 (bench baseline) has no index
    if (this.version >= 3) {
      const k = `${m.sender}\u0000${m.senderName ?? ''}`;
      if (!this.knownSenders.has(k)) {
        this.run('INSERT OR IGNORE INTO senders(sender, name) VALUES (?, ?)', m.sender, m.senderName ?? '');
        if (this.knownSenders.size > 50_000) this.knownSenders.clear();
        this.knownSenders.add(k);
      }
    }
    return { id, status: 'inserted' };
  }

  insertMessages(rows: MessageInput[]): InsertResult[] {
    this.writable();
    if (rows.length === 0) return [];
    rows.forEach((r) => this.validate(r));
    // a message the user typed must survive a power cut: outbox commits are synchronous=FULL (see db.ts)
    const durable = rows.some((r) => r.direction === 'out' && (r.state === 'queued' || (r.state === undefined && !r.serverId)));
    if (durable) this.db.pragma('synchronous = FULL');
    try {
      const now = Date.now();
      const convAccount = new Map<number, number>();
      return this.tx(() => rows.map((r) => this.insertOne(r, now, convAccount)));
    } catch (err) {
      this.maxId = null; // a rolled-back batch may have moved it
      this.knownSenders.clear();
      throw err;
    } finally {
      if (durable) this.db.pragma('synchronous = NORMAL');
    }
  }

  insertMessage(row: MessageInput): InsertResult {
    return this.insertMessages([row])[0]!;
  }

  getMessage(id: number): Message | null {
    const r = this.get<MessageRow>('SELECT * FROM messages WHERE id = ?', id);
    return r ? toMessage(r) : null;
  }

  findByClientId(accountId: number, clientId: string): Message | null {
    const r = this.get<MessageRow>('SELECT * FROM messages WHERE account_id = ? AND client_id = ? AND direction = 1', accountId, clientId);
    return r ? toMessage(r) : null;
  }

  findByServerId(_accountId: number, conversationId: number, serverId: string): Message | null {
    const r = this.get<MessageRow>('SELECT * FROM messages WHERE conversation_id = ? AND server_id = ?', conversationId, serverId);
    return r ? toMessage(r) : null;
  }

  setState(id: number, state: MessageState, serverId?: string | null): void {
    if (!STATES.has(state)) throw new UsageError(`bad message state ${String(state)}`);
    const r =
      serverId !== undefined && serverId !== null
        ? this.run('UPDATE messages SET state = ?, server_id = coalesce(server_id, ?) WHERE id = ? AND direction = 1', state, serverId, id)
        : this.run('UPDATE messages SET state = ? WHERE id = ? AND direction = 1', state, id);
    if (r.changes === 0) throw new UsageError(`no outgoing message ${id}`);
  }

  listOutbox(accountId?: number): Message[] {
    const rows =
      accountId === undefined
        ? this.all<MessageRow>("SELECT * FROM messages WHERE state IN ('queued', 'unconfirmed') ORDER BY id")
        : this.all<MessageRow>("SELECT * FROM messages WHERE account_id = ? AND state IN ('queued', 'unconfirmed') ORDER BY id", accountId);
    return rows.map(toMessage);
  }

  editMessage(id: number, body: string, editedAt = Date.now()): void {
    if (typeof body !== 'string') throw new UsageError('body must be a string');
    const r = this.run('UPDATE messages SET body = ?, edited_at = ? WHERE id = ? AND retracted_at IS NULL', body, editedAt, id);
    if (r.changes === 0) throw new UsageError(`no message ${id} to edit`);
  }

  retractMessage(id: number, retractedAt = Date.now()): void {
    // secure-delete on the index: the old words leave no trace in the FTS pages either
    const r = this.run("UPDATE messages SET body = '', retracted_at = ? WHERE id = ?", retractedAt, id);
    if (r.changes === 0) throw new UsageError(`no message ${id}`);
  }

  /**
   * Deletes messages for good (retention): their rows and full-text entries (the delete trigger;
   * FTS5 secure-delete drops their tokens) and nothing else is keyed to a message id (read markers
   * are positions and stay valid). Runs with PRAGMA secure_delete = ON, so freed b-tree space and
   * pages are zeroed, then checkpoints the WAL (best effort: a reader holding an old snapshot keeps
   * the WAL until it finishes). Returns how many rows were deleted; unknown ids are ignored.
   */
  deleteMessages(ids: readonly number[]): number {
    this.writable();
    for (const id of ids) if (!Number.isSafeInteger(id)) throw new UsageError('message ids must be integers');
    if (ids.length === 0) return 0;
    this.db.pragma('secure_delete = ON');
    let n = 0;
    try {
      n = this.tx(() => {
        let count = 0;
        for (let i = 0; i < ids.length; i += 10_000) {
          count += this.run('DELETE FROM messages WHERE id IN (SELECT value FROM json_each(?))', JSON.stringify(ids.slice(i, i + 10_000))).changes;
        }
        return count;
      });
    } finally {
      this.db.pragma('secure_delete = OFF');
      this.maxId = null;
    }
    if (n > 0) {
      try { this.db.pragma('wal_checkpoint(TRUNCATE)'); } catch { /* a busy reader: the next checkpoint gets it */ }
    }
    return n;
  }

  // ---- messages: read -----------------------------------------------------------------------

  static readonly LATEST_SQL = 'SELECT * FROM messages WHERE conversation_id = ? ORDER BY id DESC LIMIT ?';
  static readonly BEFORE_SQL = 'SELECT * FROM messages WHERE conversation_id = ? AND id < ? ORDER BY id DESC LIMIT ?';
  static readonly AFTER_SQL = 'SELECT * FROM messages WHERE conversation_id = ? AND id > ? ORDER BY id ASC LIMIT ?';

  latest(conversationId: number, limit: number): Message[] {
    return this.all<MessageRow>(SqliteHistoryStore.LATEST_SQL, conversationId, limit).reverse().map(toMessage);
  }

  before(conversationId: number, id: number, limit: number): Message[] {
    return this.all<MessageRow>(SqliteHistoryStore.BEFORE_SQL, conversationId, id, limit).reverse().map(toMessage);
  }

  after(conversationId: number, id: number, limit: number): Message[] {
    return this.all<MessageRow>(SqliteHistoryStore.AFTER_SQL, conversationId, id, limit).map(toMessage);
  }

  messagesAround(id: number, n: number): Message[] {
    const m = this.getMessage(id);
    if (!m) return [];
    return [...this.before(m.conversationId, id, n), m, ...this.after(m.conversationId, id, n)];
  }

  lastServerId(_accountId: number, conversationId: number): string | null {
    const r = this.get<{ server_id: string }>(
      'SELECT server_id FROM messages WHERE conversation_id = ? AND server_id IS NOT NULL ORDER BY id DESC LIMIT 1',
      conversationId,
    );
    return r?.server_id ?? null;
  }

  lastMessageTime(accountId: number, conversationId?: number): number | null {
    const r =
      conversationId === undefined
        ? this.get<{ t: number }>(
            'SELECT max(m.server_time) AS t FROM conversations c, messages m WHERE c.account_id = ? AND m.id = (SELECT id FROM messages WHERE conversation_id = c.id ORDER BY id DESC LIMIT 1)',
            accountId,
          )
        : this.get<{ t: number }>('SELECT server_time AS t FROM messages WHERE conversation_id = ? ORDER BY id DESC LIMIT 1', conversationId);
    return r?.t ?? null;
  }

  countMessages(conversationId?: number): number {
    return conversationId === undefined
      ? this.get<{ n: number }>('SELECT count(*) AS n FROM messages')!.n
      : this.get<{ n: number }>('SELECT count(*) AS n FROM messages WHERE conversation_id = ?', conversationId)!.n;
  }

  // ---- search -------------------------------------------------------------------------------

  /** resolves filters into id sets and SQL; returns null when a filter matches nothing at all */
  private resolveFilters(q: ParsedQuery): { where: string[]; params: unknown[]; senders: string[] | null; convs: number[] | null } | null {
    const where: string[] = [];
    const params: unknown[] = [];
    const lower = (s: string) => s.toLowerCase();
    // conversations: in: ∩ with:
    let convs: Set<number> | null = null;
    if (q.in.length > 0) {
      const ids = new Set<number>();
      for (const v of q.in) {
        const bare = v.replace(/^#+/, '');
        for (const r of this.all<{ id: number }>(
          `SELECT id FROM conversations WHERE lower(address) = @v OR lower(address) = '#' || @bare OR lower(address) LIKE @like ESCAPE '\\' OR lower(coalesce(title, '')) = @v`,
          { v: lower(v), bare: lower(bare), like: likeEscape(lower(bare)) + '@%' },
        ))
          ids.add(r.id);
      }
      convs = ids;
    }
    if (q.with.length > 0) {
      const ids = new Set<number>();
      for (const v of q.with) {
        const contacts = this.matchContacts(v);
        for (const r of this.all<{ id: number }>(
          `SELECT c.id FROM conversations c WHERE c.kind = 'direct' AND (c.contact_id IN (SELECT value FROM json_each(@ids))
             OR EXISTS (SELECT 1 FROM contacts k WHERE k.id IN (SELECT value FROM json_each(@ids)) AND k.account_id = c.account_id AND k.address = c.address)
             OR lower(c.address) = @v OR lower(c.address) LIKE @like ESCAPE '\\' OR lower(coalesce(c.title, '')) = @v)`,
          { ids: JSON.stringify(contacts), v: lower(v), like: likeEscape(lower(v)) + '@%' },
        ))
          ids.add(r.id);
      }
      convs = convs === null ? ids : new Set([...convs].filter((x) => ids.has(x)));
    }
    if (convs !== null) {
      if (convs.size === 0) return null;
      where.push('m.conversation_id IN (SELECT value FROM json_each(?))');
      params.push(JSON.stringify([...convs]));
    }
    if (q.account.length > 0) {
      const ids = new Set<number>();
      for (const v of q.account) {
        for (const r of this.all<{ id: number }>('SELECT id FROM accounts WHERE lower(label) = @v OR lower(protocol) = @v OR CAST(id AS TEXT) = @v', { v: lower(v) })) ids.add(r.id);
      }
      if (ids.size === 0) return null;
      where.push('m.account_id IN (SELECT value FROM json_each(?))');
      params.push(JSON.stringify([...ids]));
    }
    let senders: string[] | null = null;
    if (q.from.length > 0) {
      const set = new Set<string>();
      let me = false;
      for (const v of q.from) {
        const lv = lower(v);
        if (lv === 'me') {
          me = true;
          continue;
        }
        const addrs = this.all<{ address: string }>(
          'SELECT address FROM contacts WHERE id IN (SELECT value FROM json_each(?))',
          JSON.stringify(this.matchContacts(v)),
        ).map((r) => lower(r.address));
        for (const r of this.all<{ sender: string }>(
          `SELECT DISTINCT sender FROM senders WHERE lower(sender) = @v OR lower(sender) LIKE @at ESCAPE '\\' OR lower(sender) LIKE @nick ESCAPE '\\'
             OR lower(name) = @v OR lower(substr(sender, instr(sender, '/') + 1)) IN (SELECT value FROM json_each(@addrs))`,
          { v: lv, at: likeEscape(lv) + '@%', nick: '%/' + likeEscape(lv), addrs: JSON.stringify(addrs) },
        ))
          set.add(r.sender);
      }
      if (set.size === 0 && !me) return null;
      const ors: string[] = [];
      if (set.size > 0) {
        ors.push('m.sender IN (SELECT value FROM json_each(?))');
        params.push(JSON.stringify([...set]));
      }
      if (me) ors.push('m.direction = 1');
      where.push(ors.length === 1 ? ors[0]! : `(${ors.join(' OR ')})`);
      if (!me) senders = [...set];
    }
    return { where, params, senders, convs: convs === null ? null : [...convs] };
  }

  /** contacts whose address, local part, name or person (metacontact) name is v, expanded to the whole person */
  private matchContacts(v: string): number[] {
    const lv = v.toLowerCase();
    const rows = this.all<{ id: number }>(
      `SELECT k2.id FROM contacts k
         LEFT JOIN metacontacts mc ON mc.id = k.metacontact_id
         JOIN contacts k2 ON k2.id = k.id OR (k.metacontact_id IS NOT NULL AND k2.metacontact_id = k.metacontact_id)
       WHERE lower(k.address) = @v OR lower(k.address) LIKE @like ESCAPE '\\' OR lower(coalesce(k.name, '')) = @v OR lower(coalesce(mc.name, '')) = @v`,
      { v: lv, like: likeEscape(lv) + '@%' },
    );
    return [...new Set(rows.map((r) => r.id))];
  }

  /**
   * A from:/in:/with: filter matching fewer than FILTER_FIRST_MAX messages (counted with a bounded
   * index walk) is cheaper to walk than the full-text hits of a common word; null otherwise.
   */
  private selectiveFilter(
    f: { senders: string[] | null; convs: number[] | null },
    lo: number | null,
    hi: number | null,
  ): { index: string; column: string; values: Array<string | number> } | null {
    const candidates: Array<{ index: string; column: string; values: Array<string | number> }> = [];
    if (f.senders && this.version >= 3) candidates.push({ index: 'messages_sender', column: 'sender', values: f.senders });
    if (f.convs) candidates.push({ index: 'messages_conv', column: 'conversation_id', values: f.convs });
    for (const c of candidates) {
      const where = [`${c.column} IN (SELECT value FROM json_each(?))`];
      const params: unknown[] = [JSON.stringify(c.values)];
      if (lo !== null) { where.push('id >= ?'); params.push(lo); }
      if (hi !== null) { where.push('id < ?'); params.push(hi); }
      const n = this.get<{ n: number }>(
        `SELECT count(*) AS n FROM (SELECT 1 FROM messages INDEXED BY ${c.index} WHERE ${where.join(' AND ')} LIMIT ?)`,
        ...params,
        this.filterFirstMax,
      )!.n;
      if (n < this.filterFirstMax) return c;
    }
    return null;
  }

  /** builds the SQL of a search (exposed so tests can assert its query plan) */
  buildSearch(query: string, opts: SearchOptions = {}): { sql: string; params: unknown[]; parsed: ParsedQuery; order: 'newest' | 'relevance'; limit: number; offset: number } | null {
    const parsed = parseQuery(query);
    const limit = Math.max(1, Math.min(500, Math.floor(opts.limit ?? 50)));
    const order = parsed.text && opts.order === 'relevance' ? 'relevance' : 'newest';
    let beforeId: number | null = null;
    let offset = 0;
    if (opts.cursor) {
      const m = /^([nr])(\d{1,18})$/.exec(opts.cursor);
      if (!m || (m[1] === 'n') !== (order === 'newest')) throw new QueryError('this page cursor does not belong to this search', 0);
      if (m[1] === 'n') beforeId = Number(m[2]);
      else offset = Number(m[2]);
    }
    const filters = this.resolveFilters(parsed);
    if (!filters) return null;
    const lo = parsed.time.from === null ? null : parsed.time.from * SEQ;
    let hi = parsed.time.to === null ? null : parsed.time.to * SEQ; // exclusive
    if (beforeId !== null) hi = hi === null ? beforeId : Math.min(hi, beforeId);
    const [m0, m1] = opts.markers ?? DEFAULT_MARKERS;
    if (parsed.text && order === 'newest') {
      const first = this.selectiveFilter(filters, lo, hi);
      if (first) {
        // filter first: walk the few messages of these senders / conversations (index), keep those
        // in the full-text match set (built once); bounded by FILTER_FIRST_MAX rows
        const sub = ['messages_fts MATCH ?'];
        const params: unknown[] = [JSON.stringify(first.values), compileFts(parsed.text)];
        if (lo !== null) { sub.push('rowid >= ?'); params.push(lo); }
        if (hi !== null) { sub.push('rowid < ?'); params.push(hi); }
        const where = [`m.${first.column} IN (SELECT value FROM json_each(?))`, `+m.id IN (SELECT rowid FROM messages_fts WHERE ${sub.join(' AND ')})`];
        if (lo !== null) { where.push('m.id >= ?'); params.push(lo); }
        if (hi !== null) { where.push('m.id < ?'); params.push(hi); }
        where.push(...filters.where);
        params.push(...filters.params, limit + 1);
        const sql = `SELECT m.*, NULL AS snip FROM messages m INDEXED BY ${first.index} WHERE ${where.join(' AND ')} ORDER BY m.id DESC LIMIT ?`;
        return { sql, params, parsed, order, limit, offset };
      }
    }
    if (parsed.text) {
      const where = ['messages_fts MATCH ?'];
      const match = compileFts(parsed.text);
      const params: unknown[] = [m0, m1, match];
      let lo2 = lo;
      if (order === 'relevance') {
        // rank the newest RELEVANCE_WINDOW text matches: bm25 costs a lookup per match, so a word
        // found in 100k messages would otherwise take seconds
        const w = ['messages_fts MATCH ?'];
        const wp: unknown[] = [match];
        if (lo !== null) { w.push('rowid >= ?'); wp.push(lo); }
        if (hi !== null) { w.push('rowid < ?'); wp.push(hi); }
        const floor = this.get<{ rowid: number }>(`SELECT rowid FROM messages_fts WHERE ${w.join(' AND ')} ORDER BY rowid DESC LIMIT 1 OFFSET ${RELEVANCE_WINDOW - 1}`, ...wp);
        if (floor) lo2 = floor.rowid;
      }
      if (lo2 !== null) { where.push('messages_fts.rowid >= ?'); params.push(lo2); }
      if (hi !== null) { where.push('messages_fts.rowid < ?'); params.push(hi); }
      where.push(...filters.where);
      params.push(...filters.params);
      const orderBy = order === 'newest' ? 'messages_fts.rowid DESC' : 'bm25(messages_fts)';
      params.push(limit + 1);
      if (order === 'relevance') params.push(offset);
      const sql =
        `SELECT m.*, snippet(messages_fts, 0, ?, ?, '…', 24) AS snip FROM messages_fts CROSS JOIN messages m ON m.id = messages_fts.rowid ` +
        `WHERE ${where.join(' AND ')} ORDER BY ${orderBy} LIMIT ?${order === 'relevance' ? ' OFFSET ?' : ''}`;
      return { sql, params, parsed, order, limit, offset };
    }
    const where: string[] = [];
    const params: unknown[] = [];
    if (lo !== null) { where.push('m.id >= ?'); params.push(lo); }
    if (hi !== null) { where.push('m.id < ?'); params.push(hi); }
    where.push(...filters.where);
    params.push(...filters.params, limit + 1);
    const sql = `SELECT m.*, NULL AS snip FROM messages m ${where.length ? 'WHERE ' + where.join(' AND ') : ''} ORDER BY m.id DESC LIMIT ?`;
    return { sql, params, parsed, order, limit, offset };
  }

  search(query: string, opts: SearchOptions = {}): SearchResult {
    const b = this.buildSearch(query, opts);
    if (!b) return { hits: [], nextCursor: null, groups: [] };
    let rows: Array<MessageRow & { snip: string | null }>;
    try {
      rows = this.all<MessageRow & { snip: string | null }>(b.sql, ...b.params);
    } catch (err) {
      if (err instanceof CorruptArchiveError) throw err;
      // the parser quotes every term, so this should not happen; never leak an SQL error to the user
      throw new QueryError('this search could not be run', 0);
    }
    const more = rows.length > b.limit;
    if (more) rows = rows.slice(0, b.limit);
    const markers = opts.markers ?? DEFAULT_MARKERS;
    const terms = positiveTerms(b.parsed.text);
    const convCache = new Map<number, Conversation>();
    const hits = rows.map((r) => {
      let conversation = convCache.get(r.conversation_id);
      if (!conversation) {
        conversation = this.getConversation(r.conversation_id)!;
        convCache.set(r.conversation_id, conversation);
      }
      const snippet = r.snip !== null && !hasCjk(r.body) ? r.snip : makeSnippet(r.body, terms, markers);
      const { snip: _snip, ...row } = r;
      return { message: toMessage(row), conversation, snippet };
    });
    const groups = new Map<number, number[]>();
    hits.forEach((h, i) => {
      const g = groups.get(h.conversation.id);
      if (g) g.push(i);
      else groups.set(h.conversation.id, [i]);
    });
    const last = hits[hits.length - 1];
    const nextCursor = !more || !last ? null : b.order === 'newest' ? `n${last.message.id}` : `r${b.offset + b.limit}`;
    return { hits, nextCursor, groups: [...groups].map(([id, hitIndexes]) => ({ conversation: convCache.get(id)!, hitIndexes })) };
  }

  verify(): { ok: boolean; problems: string[] } {
    const rows = this.guard(() => this.db.prepare('PRAGMA integrity_check').all() as Array<{ integrity_check: string }>);
    const problems = rows.map((r) => r.integrity_check).filter((s) => s !== 'ok');
    // the full-text index against the messages (the writer only: FTS5 runs this as a write statement)
    if (!this.readOnly && this.version >= 2) {
      try {
        this.db.exec("INSERT INTO messages_fts(messages_fts, rank) VALUES ('integrity-check', 1)");
      } catch (err) {
        problems.push(`full-text index: ${err instanceof Error ? err.message : String(err)}`);
      }
    }
    return { ok: problems.length === 0, problems };
  }
}
