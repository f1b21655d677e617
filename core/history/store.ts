/**
 * The SQLite implementation of HistoryStore: one connection (+ the writer lock when not read-only)
 * shared by one part per responsibility — accounts, contacts, conversations, settings and gaps,
 * ingest (new messages, ids, dedup), messages (outbox, edits, deletion), paging, search. This file
 * only wires them and owns what belongs to the archive as a whole: key slots, verify, close.
 */
import { realpathSync, writeFileSync } from 'node:fs';
import { basename, dirname, join, relative, resolve, isAbsolute } from 'node:path';
import { Accounts } from './accounts';
import { Conn } from './conn';
import { Contacts } from './contacts';
import { Conversations } from './conversations';
import type { DB } from './db';
import { UsageError } from './errors';
import { Ingest } from './ingest';
import * as slots from './keyslots';
import type { WriterLock } from './lock';
import { Messages } from './messages';
import { AFTER_SQL, BEFORE_SQL, LATEST_SQL, Paging } from './paging';
import { FILTER_FIRST_MAX, planSearch, type SearchPlan } from './search/plan';
import { runSearch } from './search/run';
import { IndexCompaction } from './indexCompaction';
import { Gaps, Settings } from './settings';
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
  MessageState,
  Metacontact,
  SearchOptions,
  SearchResult,
  SlotInfo,
  SlotSpec,
} from './types';

export { SEQ } from './rows';
export { FILTER_FIRST_MAX, RELEVANCE_WINDOW } from './search/plan';

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
  static readonly LATEST_SQL = LATEST_SQL;
  static readonly BEFORE_SQL = BEFORE_SQL;
  static readonly AFTER_SQL = AFTER_SQL;

  readonly dir: string;
  readonly readOnly: boolean;
  readonly version: number;
  /** tests set it to 0 to compare both search plans; see search/plan.ts */
  filterFirstMax = FILTER_FIRST_MAX;
  private readonly c: Conn;
  private key: Buffer;
  private slotsFile: slots.SlotsFile;
  private readonly slotsName: string;
  private lock: WriterLock | null;
  private readonly accounts: Accounts;
  private readonly contacts: Contacts;
  private readonly conversations: Conversations;
  private readonly settings: Settings;
  private readonly gaps: Gaps;
  private readonly ingest: Ingest;
  private readonly messages: Messages;
  private readonly paging: Paging;
  private readonly compaction: IndexCompaction;

  constructor(p: StoreParts) {
    this.dir = p.dir;
    this.key = p.key;
    this.slotsFile = p.slotsFile;
    this.slotsName = p.slotsName;
    this.lock = p.lock;
    this.readOnly = p.readOnly ?? p.lock === null;
    this.version = p.version;
    this.c = new Conn(p.db, this.readOnly, p.version);
    this.accounts = new Accounts(this.c);
    this.contacts = new Contacts(this.c);
    this.conversations = new Conversations(this.c, this.accounts, this.contacts);
    this.settings = new Settings(this.c);
    this.gaps = new Gaps(this.c);
    this.ingest = new Ingest(this.c);
    this.messages = new Messages(this.c, this.ingest);
    this.paging = new Paging(this.c);
    this.compaction = new IndexCompaction(this.c);
  }

  // ---- the archive as a whole -----------------------------------------------------------------

  /** EXPLAIN QUERY PLAN details of a statement (tests assert the plans of hot queries) */
  explain(sql: string, params: unknown[]): string[] {
    return this.c.explain(sql, params);
  }

  /**
   * the raw connection: for modules that own tables in this database (core/archive/tables.ts, under
   * the same key and writer lock), tests and the bench. Writes through it must check `readOnly`.
   */
  get connection(): DB {
    return this.c.db;
  }

  close(): void {
    if (this.c.isClosed) return;
    this.c.markClosed();
    try {
      if (!this.readOnly) {
        try { this.c.db.pragma('optimize'); } catch { /* best effort */ }
      }
      this.c.db.close();
    } finally {
      this.lock?.release();
      this.lock = null;
      this.key.fill(0);
    }
  }

  verify(): { ok: boolean; problems: string[] } {
    const rows = this.c.guard(() => this.c.db.prepare('PRAGMA integrity_check').all() as Array<{ integrity_check: string }>);
    const problems = rows.map((r) => r.integrity_check).filter((s) => s !== 'ok');
    // the full-text index against the messages (the writer only: FTS5 runs this as a write statement)
    if (!this.readOnly && this.version >= 2) {
      try {
        this.c.db.exec("INSERT INTO messages_fts(messages_fts, rank) VALUES ('integrity-check', 1)");
      } catch (err) {
        problems.push(`full-text index: ${err instanceof Error ? err.message : String(err)}`);
      }
    }
    return { ok: problems.length === 0, problems };
  }

  indexSegments(): number {
    return this.c.guard(() => this.compaction.segments());
  }

  compactIndexStep(pages = 64): boolean {
    return this.compaction.step(pages);
  }

  // ---- key slots (keyslots.json only; the database is never rewritten) -----------------------------

  listSlots(): SlotInfo[] {
    return slots.listSlots(this.slotsFile);
  }

  addSlot(spec: SlotSpec): SlotInfo {
    this.c.writable();
    const { file, info } = slots.addSlot(this.slotsFile, this.key, spec);
    slots.writeSlotsFile(this.dir, this.slotsName, file);
    this.slotsFile = file;
    return info;
  }

  removeSlot(id: string): void {
    this.c.writable();
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

  // ---- accounts, contacts, conversations, settings, gaps -------------------------------------------

  addAccount(input: AccountInput): Account { return this.accounts.add(input); }
  updateAccount(id: number, patch: Partial<AccountInput>): Account { return this.accounts.update(id, patch); }
  removeAccount(id: number, opts: { deleteHistory?: boolean } = {}): void { this.accounts.remove(id, opts); }
  getAccount(id: number): Account | null { return this.accounts.get(id); }
  listAccounts(): Account[] { return this.accounts.list(); }
  accountSecrets(id: number): Record<string, string> { return this.accounts.secrets(id); }

  upsertContact(input: ContactInput): Contact { return this.contacts.upsert(input); }
  upsertContacts(inputs: readonly ContactInput[]): Contact[] { return this.contacts.upsertMany(inputs); }
  removeContact(id: number): void { this.contacts.remove(id); }
  getContact(id: number): Contact | null { return this.contacts.get(id); }
  findContact(accountId: number, address: string): Contact | null { return this.contacts.find(accountId, address); }
  listContacts(accountId?: number): Contact[] { return this.contacts.list(accountId); }
  linkContacts(name: string, contactIds: number[]): Metacontact { return this.contacts.link(name, contactIds); }
  unlinkContact(contactId: number): void { this.contacts.unlink(contactId); }
  listMetacontacts(): Metacontact[] { return this.contacts.listMeta(); }

  ensureConversation(accountId: number, kind: ConversationKind, address: string, title?: string | null): Conversation {
    return this.conversations.ensure(accountId, kind, address, title);
  }
  getConversation(id: number): Conversation | null { return this.conversations.get(id); }
  findConversation(accountId: number, kind: ConversationKind, address: string): Conversation | null { return this.conversations.find(accountId, kind, address); }
  listConversations(accountId?: number): ConversationSummary[] { return this.c.read(() => this.conversations.list(accountId)); }
  setConversationTitle(id: number, title: string | null): void { this.conversations.setTitle(id, title); }
  markRead(conversationId: number, messageId: number): void { this.conversations.markRead(conversationId, messageId); }
  markImportedRead(conversationId: number): void { this.conversations.markImportedRead(conversationId); }
  unreadCount(conversationId: number, cap?: number): number { return this.conversations.unreadCount(conversationId, cap); }

  getSetting<T = unknown>(key: string): T | undefined { return this.settings.get<T>(key); }
  setSetting(key: string, value: unknown): void { this.settings.set(key, value); }
  deleteSetting(key: string): void { this.settings.delete(key); }

  recordGap(gap: Omit<Gap, 'id' | 'createdAt'>): Gap { return this.gaps.record(gap); }
  listGaps(filter: { accountId?: number; conversationId?: number } = {}): Gap[] { return this.gaps.list(filter); }
  resolveGap(id: number): void { this.gaps.resolve(id); }

  // ---- messages ---------------------------------------------------------------------------------

  insertMessages(rows: MessageInput[]): InsertResult[] { return this.ingest.insert(rows); }
  insertMessage(row: MessageInput): InsertResult { return this.ingest.insert([row])[0]!; }
  getMessage(id: number): Message | null { return this.messages.get(id); }
  findByClientId(accountId: number, clientId: string): Message | null { return this.messages.findByClientId(accountId, clientId); }
  findByServerId(_accountId: number, conversationId: number, serverId: string): Message | null { return this.messages.findByServerId(conversationId, serverId); }
  setState(id: number, state: MessageState, serverId?: string | null): void { this.messages.setState(id, state, serverId); }
  listOutbox(accountId?: number): Message[] { return this.messages.listOutbox(accountId); }
  editMessage(id: number, body: string, editedAt?: number): void { this.messages.edit(id, body, editedAt); }
  retractMessage(id: number, retractedAt?: number): void { this.messages.retract(id, retractedAt); }
  deleteMessages(ids: readonly number[]): number { return this.messages.delete(ids); }

  latest(conversationId: number, limit: number): Message[] { return this.paging.latest(conversationId, limit); }
  before(conversationId: number, id: number, limit: number): Message[] { return this.paging.before(conversationId, id, limit); }
  after(conversationId: number, id: number, limit: number): Message[] { return this.paging.after(conversationId, id, limit); }
  messagesAround(id: number, n: number): Message[] { return this.c.read(() => this.paging.around(id, n)); }
  lastServerId(_accountId: number, conversationId: number): string | null { return this.paging.lastServerId(conversationId); }
  lastMessageTime(accountId: number, conversationId?: number): number | null { return this.paging.lastMessageTime(accountId, conversationId); }
  countMessages(conversationId?: number): number { return this.paging.count(conversationId); }

  // ---- search -----------------------------------------------------------------------------------

  /** the SQL of a search (exposed so tests can assert its query plan) */
  buildSearch(query: string, opts: SearchOptions = {}): SearchPlan | null {
    return planSearch(this.c, query, opts, this.filterFirstMax);
  }

  search(query: string, opts: SearchOptions = {}): SearchResult {
    return this.c.read(() => runSearch(this.c, this.buildSearch(query, opts), opts, (id) => this.conversations.get(id)));
  }
}
