/**
 * Public types of the history store (core/history). The store is synchronous (better-sqlite3):
 * use it only inside the engine process or a CLI, never in a UI thread.
 */

export type Direction = 'in' | 'out';
export type MessageKind = 'chat' | 'action' | 'notice' | 'system';
/** outbox states of an outgoing message; incoming messages have state null */
export type MessageState = 'queued' | 'sent' | 'delivered' | 'read' | 'failed' | 'unconfirmed';
export type ConversationKind = 'direct' | 'room';

// ---- opening -------------------------------------------------------------------------------

export interface KdfParams {
  /** scrypt cost (power of two). Default 2^17. Stored in the slot, so it can change per slot. */
  N?: number;
  r?: number;
  p?: number;
}

export interface CreateOptions {
  passphrase: string;
  /** scrypt cost for the first passphrase slot (tests lower it; production keeps the default) */
  kdf?: KdfParams;
  /** native binding override for better-sqlite3 (Electron builds) */
  nativeBinding?: string;
}

/** How to unlock an archive: any slot works. */
export type Unlock =
  | { passphrase: string }
  /** the raw 32-byte key (from a key file kept outside the data folder, or from a sealed slot the host opened) */
  | { key: Buffer }
  /** a host-sealed slot: the store hands the slot's blob to `unseal` and gets the raw key back */
  | { sealed: string; unseal: (blob: Buffer) => Buffer };

export interface OpenOptions {
  /** read/search only, no writer lock taken: the CLI may read while the app writes */
  readOnly?: boolean;
  nativeBinding?: string;
}

export type SlotSpec =
  | { kind: 'passphrase'; passphrase: string; kdf?: KdfParams }
  /** `seal` receives the raw key and returns the host-sealed blob (e.g. Electron safeStorage.encryptString) */
  | { kind: 'sealed'; name: string; seal: (key: Buffer) => Buffer };

export interface SlotInfo {
  id: string;
  kind: 'passphrase' | 'sealed';
  /** for sealed slots: who sealed it, e.g. "safeStorage" */
  name?: string;
  createdAt: number;
}

// ---- entities --------------------------------------------------------------------------------

export interface Account {
  id: number;
  /** protocol descriptor id: 'xmpp', 'irc', … */
  protocol: string;
  label: string;
  /** non-secret configuration (server, nick, …) */
  config: Record<string, unknown>;
  enabled: boolean;
  createdAt: number;
}

export interface AccountInput {
  protocol: string;
  label: string;
  config?: Record<string, unknown>;
  /** passwords, tokens: stored inside the encrypted database only, returned only by accountSecrets() */
  secrets?: Record<string, string>;
  enabled?: boolean;
}

export interface Contact {
  id: number;
  accountId: number;
  /** normalized address (JID, nick) */
  address: string;
  name: string | null;
  groups: string[];
  metacontactId: number | null;
}

export interface ContactInput {
  accountId: number;
  address: string;
  name?: string | null;
  groups?: string[];
}

export interface Metacontact {
  id: number;
  name: string;
  contactIds: number[];
}

export interface Conversation {
  id: number;
  accountId: number;
  kind: ConversationKind;
  /** normalized peer or room address */
  address: string;
  title: string | null;
  /** the contact of a direct conversation, when known */
  contactId: number | null;
  lastReadId: number | null;
  createdAt: number;
}

export interface ConversationSummary extends Conversation {
  lastMessage: Message | null;
  unread: number;
}

export interface Gap {
  id: number;
  accountId: number;
  conversationId: number | null;
  /** ms epoch range where catch-up could not fill history */
  fromTime: number;
  toTime: number;
  reason: string;
  createdAt: number;
}

// ---- messages --------------------------------------------------------------------------------

export interface Message {
  /** sorts by time: serverTime × 1024 + sequence */
  id: number;
  accountId: number;
  conversationId: number;
  /** normalized sender address (in rooms: as the adapter reports it) */
  sender: string;
  senderName: string | null;
  body: string;
  kind: MessageKind;
  direction: Direction;
  /** ms epoch (server time when known) */
  serverTime: number;
  /** ms epoch when Confab stored it */
  receivedTime: number;
  serverId: string | null;
  clientId: string | null;
  state: MessageState | null;
  /** when the body was corrected (the original is replaced) */
  editedAt: number | null;
  /** when the message was retracted (its body is then empty) */
  retractedAt: number | null;
  /** set for imported messages: where they came from (e.g. "pidgin-log") */
  source: string | null;
  oobUrl: string | null;
}

export interface MessageInput {
  accountId: number;
  conversationId: number;
  sender: string;
  senderName?: string | null;
  body: string;
  kind?: MessageKind;
  direction: Direction;
  serverTime: number;
  /** default: now */
  receivedTime?: number;
  serverId?: string | null;
  clientId?: string | null;
  /** default: 'queued' for outgoing messages without serverId, null for incoming */
  state?: MessageState | null;
  source?: string | null;
  oobUrl?: string | null;
}

export interface InsertResult {
  id: number;
  /** 'duplicate': the message was already stored; id is the stored one */
  status: 'inserted' | 'duplicate';
}

// ---- search ----------------------------------------------------------------------------------

export interface SearchOptions {
  /** page size, default 50, max 500 */
  limit?: number;
  /** from the previous page's nextCursor */
  cursor?: string | null;
  /** default 'newest' */
  order?: 'newest' | 'relevance';
  /** snippet markers, default '\u0002' and '\u0003' (renderers turn them into <mark>) */
  markers?: [string, string];
}

export interface SearchHit {
  message: Message;
  conversation: Conversation;
  /** the body around the match, matched terms wrapped in the markers; '…' where cut */
  snippet: string;
}

export interface SearchGroup {
  conversation: Conversation;
  /** indexes into hits, in page order */
  hitIndexes: number[];
}

export interface SearchResult {
  hits: SearchHit[];
  nextCursor: string | null;
  /** the returned page grouped by conversation, groups in order of their first hit */
  groups: SearchGroup[];
}

// ---- the store -------------------------------------------------------------------------------

export interface HistoryStore {
  readonly dir: string;
  readonly readOnly: boolean;
  /** schema version of the open database */
  readonly version: number;
  close(): void;

  // key slots (the database is never rewritten by these)
  listSlots(): SlotInfo[];
  addSlot(spec: SlotSpec): SlotInfo;
  /** refuses to remove the last slot */
  removeSlot(id: string): void;
  /** writes the raw key to a file OUTSIDE the archive folder (mode 0600), for scripts */
  exportKeyFile(path: string): void;

  // accounts (secrets live only inside the encrypted database)
  addAccount(input: AccountInput): Account;
  updateAccount(id: number, patch: Partial<AccountInput>): Account;
  /** also deletes its conversations and messages when deleteHistory is true (default false: refuses if history exists) */
  removeAccount(id: number, opts?: { deleteHistory?: boolean }): void;
  getAccount(id: number): Account | null;
  listAccounts(): Account[];
  accountSecrets(id: number): Record<string, string>;

  // contacts and metacontacts
  upsertContact(input: ContactInput): Contact;
  /** many contacts in one transaction */
  upsertContacts(inputs: readonly ContactInput[]): Contact[];
  removeContact(id: number): void;
  getContact(id: number): Contact | null;
  findContact(accountId: number, address: string): Contact | null;
  listContacts(accountId?: number): Contact[];
  /** groups contacts of several networks into one person; returns the metacontact */
  linkContacts(name: string, contactIds: number[]): Metacontact;
  unlinkContact(contactId: number): void;
  listMetacontacts(): Metacontact[];

  // conversations, read markers, unread counts
  ensureConversation(accountId: number, kind: ConversationKind, address: string, title?: string | null): Conversation;
  getConversation(id: number): Conversation | null;
  findConversation(accountId: number, kind: ConversationKind, address: string): Conversation | null;
  listConversations(accountId?: number): ConversationSummary[];
  setConversationTitle(id: number, title: string | null): void;
  /** moves the read marker forward only (never back) */
  markRead(conversationId: number, messageId: number): void;
  /** imported messages count as read (the marker never passes a live unread message) */
  markImportedRead(conversationId: number): void;
  /** incoming messages after the read marker (capped at `cap`, default 9999) */
  unreadCount(conversationId: number, cap?: number): number;

  // settings (JSON values)
  getSetting<T = unknown>(key: string): T | undefined;
  setSetting(key: string, value: unknown): void;
  deleteSetting(key: string): void;

  // gaps: where catch-up could not fill history
  recordGap(gap: Omit<Gap, 'id' | 'createdAt'>): Gap;
  listGaps(filter?: { accountId?: number; conversationId?: number }): Gap[];
  resolveGap(id: number): void;

  // messages
  /** batched, one transaction; per input row its stored id and whether it was new or a duplicate */
  insertMessages(rows: MessageInput[]): InsertResult[];
  insertMessage(row: MessageInput): InsertResult;
  getMessage(id: number): Message | null;
  findByClientId(accountId: number, clientId: string): Message | null;
  findByServerId(accountId: number, conversationId: number, serverId: string): Message | null;
  /** outbox transitions queued → sent → delivered | failed | unconfirmed; serverId may arrive with 'sent' */
  setState(id: number, state: MessageState, serverId?: string | null): void;
  /** messages to (re)send: state queued or unconfirmed, oldest first */
  listOutbox(accountId?: number): Message[];
  editMessage(id: number, body: string, editedAt?: number): void;
  retractMessage(id: number, retractedAt?: number): void;
  /**
   * deletes messages for good (retention): rows and their full-text entries, freed space zeroed,
   * WAL checkpointed; returns how many were deleted (unknown ids are ignored)
   */
  deleteMessages(ids: readonly number[]): number;
  /** newest `limit` messages of a conversation, returned oldest first */
  latest(conversationId: number, limit: number): Message[];
  /** `limit` messages older than id, returned oldest first */
  before(conversationId: number, id: number, limit: number): Message[];
  /** `limit` messages newer than id, returned oldest first */
  after(conversationId: number, id: number, limit: number): Message[];
  /** the message plus up to n before and n after it in its conversation, oldest first */
  messagesAround(id: number, n: number): Message[];
  /** for catch-up: the newest serverId stored in a conversation (of messages that have one) */
  lastServerId(accountId: number, conversationId: number): string | null;
  /** for catch-up: server time of the newest message of a conversation (or account when conversationId omitted) */
  lastMessageTime(accountId: number, conversationId?: number): number | null;
  countMessages(conversationId?: number): number;

  // search
  /** query language: see docs/history.md; malformed queries throw QueryError */
  search(query: string, opts?: SearchOptions): SearchResult;

  /** segments of the full-text index (each search term opens an iterator in every one) */
  indexSegments(): number;
  /**
   * one bounded step of merging the full-text index's segments (one transaction, ~`pages` pages
   * written); false when nothing is left to merge. Writer only. See indexCompaction.ts.
   */
  compactIndexStep(pages?: number): boolean;

  /** full integrity check (reads every page: slow on big archives; for `confab verify`) */
  verify(): { ok: boolean; problems: string[] };
}
