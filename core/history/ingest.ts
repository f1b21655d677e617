/**
 * Storing new messages: validation, time-sorted ids, dedup and the full-text row, one transaction
 * per batch. Only this path inserts into `messages` (new rows are indexed here, not by a trigger —
 * see migrations/0002-search.ts).
 */
import type Database from 'better-sqlite3-multiple-ciphers';
import type { Conn } from './conn';
import { UsageError } from './errors';
import { SEQ } from './rows';
import { indexedText, senderToken } from './text';
import type { InsertResult, MessageInput, MessageKind, MessageState } from './types';

/**
 * indexes a new row (see migrations/0002-search.ts for why this is not an INSERT trigger); the
 * indexed form is made here in JS (text.ts: the same as the SQL expression the triggers use, which
 * costs a GLOB over every body)
 */
const FTS_INSERT_SQL = 'INSERT INTO messages_fts(rowid, body, who) VALUES (?, ?, ?)';

/** ON CONFLICT DO NOTHING: a serverId / clientId already stored (unique indexes) is a duplicate, see insertOne */
const INSERT_SQL = `INSERT INTO messages(id, account_id, conversation_id, sender, sender_name, body, kind, direction, server_time, received_time,
  server_id, client_id, state, source, oob_url) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT DO NOTHING`;

const MAX_MS = Math.floor(Number.MAX_SAFE_INTEGER / SEQ) - 1;
const KINDS = new Set<MessageKind>(['chat', 'action', 'notice', 'system']);
export const STATES = new Set<MessageState>(['queued', 'sent', 'delivered', 'read', 'failed', 'unconfirmed']);

export class Ingest {
  private maxId: number | null = null;
  /** senders already in the senders table (saves a statement per message) */
  private readonly knownSenders = new Set<string>();

  constructor(private readonly c: Conn) {}

  /** after deletes or a rolled-back batch: the cached newest id may be wrong */
  forgetIds(): void {
    this.maxId = null;
  }

  insert(rows: MessageInput[]): InsertResult[] {
    this.c.writable();
    if (rows.length === 0) return [];
    rows.forEach(validate);
    // a message the user typed must survive a power cut: outbox commits are synchronous=FULL (see db.ts)
    const durable = rows.some((r) => r.direction === 'out' && (r.state === 'queued' || (r.state === undefined && !r.serverId)));
    if (durable) this.c.db.pragma('synchronous = FULL');
    try {
      const now = Date.now();
      const convAccount = new Map<number, number>();
      const st = this.statements();
      return this.c.tx(() => {
        this.knowMaxId();
        return rows.map((r) => this.insertOne(r, now, convAccount, st));
      });
    } catch (err) {
      this.maxId = null; // a rolled-back batch may have moved it
      this.knownSenders.clear();
      throw err;
    } finally {
      if (durable) this.c.db.pragma('synchronous = NORMAL');
    }
  }

  /** the newest stored id (an upper bound of it after a conflict), read once by a rowid seek */
  private knowMaxId(): number {
    if (this.maxId === null) this.maxId = this.c.get<{ m: number | null }>('SELECT max(id) AS m FROM messages')!.m ?? 0;
    return this.maxId;
  }

  /** server-ms × 1024 + the next free sequence in that millisecond (a rowid seek, never a scan) */
  private allocId(serverTime: number): number {
    const base = serverTime * SEQ;
    if (base > this.knowMaxId()) {
      this.maxId = base;
      return base;
    }
    const r = this.c.get<{ m: number | null }>('SELECT max(id) AS m FROM messages WHERE id BETWEEN ? AND ?', base, base + SEQ - 1)!;
    let id = r.m === null ? base : r.m + 1;
    // more than 1024 messages in one millisecond: take the next free key (sorting stays within ~1 ms)
    while (id >= base + SEQ && this.c.get('SELECT 1 FROM messages WHERE id = ?', id)) id++;
    if (id > this.knowMaxId()) this.maxId = id;
    return id;
  }

  /**
   * Dedup, in this order: (1) an own message seen again by clientId within the account, (2) the
   * serverId within the conversation, (3) same sender, millisecond, direction and text (sources
   * without ids). Rule 3 can only match a message in the same millisecond, so a message newer than
   * everything stored (live traffic, in-order imports: the common case) skips it, and rules 1–2
   * are left to the unique indexes the INSERT maintains anyway (ON CONFLICT DO NOTHING); only a
   * conflict costs the lookups. Older messages (catch-up) take the full path, probes first.
   */
  private insertOne(m: MessageInput, now: number, convAccount: Map<number, number>, st: Statements): InsertResult {
    const out = m.direction === 'out' ? 1 : 0;
    const serverId = m.serverId || null;
    const clientId = m.clientId || null;
    const base = m.serverTime * SEQ;
    const newest = this.maxId !== null && base > this.maxId;
    if (!newest) {
      const dup = this.findDuplicate(m, out, serverId, clientId, base, st);
      if (dup) return dup;
    }
    if (convAccount.get(m.conversationId) !== m.accountId) {
      const c = st.convAccount.get(m.conversationId) as { account_id: number } | undefined;
      if (!c || c.account_id !== m.accountId) throw new UsageError(`conversation ${m.conversationId} does not belong to account ${m.accountId}`);
      convAccount.set(m.conversationId, c.account_id);
    }
    const id = this.allocId(m.serverTime);
    const state = m.state !== undefined ? m.state : out ? (serverId ? 'sent' : 'queued') : null;
    const r = st.insert.run(
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
    if (r.changes === 0) {
      // a serverId / clientId already stored (only the fast path gets here: the full path probed first)
      const dup = this.findDuplicate(m, out, serverId, clientId, base, st);
      if (!dup) throw new UsageError(`message id ${id} is taken`); // allocId guarantees a free id: not reached
      return dup;
    }
    if (st.fts) st.fts.run(id, indexedText(m.body), senderToken(m.sender)); // schema 1 (bench baseline) has no index
    if (st.sender) {
      const k = `${m.sender}\u0000${m.senderName ?? ''}`;
      if (!this.knownSenders.has(k)) {
        st.sender.run(m.sender, m.senderName ?? '');
        if (this.knownSenders.size > 50_000) this.knownSenders.clear();
        this.knownSenders.add(k);
      }
    }
    return { id, status: 'inserted' };
  }

  /** the stored copy of m by the three dedup rules, in order (filling in a serverId it lacked) */
  private findDuplicate(m: MessageInput, out: number, serverId: string | null, clientId: string | null, base: number, st: Statements): InsertResult | null {
    // 1. own message seen again (echo, carbon, MAM copy, resend): clientId within the own account
    if (out && clientId) {
      const ex = st.byClientId.get(m.accountId, clientId) as { id: number; server_id: string | null } | undefined;
      if (ex) {
        if (serverId && ex.server_id === null) st.fillServerIdSent.run(serverId, ex.id);
        return { id: ex.id, status: 'duplicate' };
      }
    }
    // 2. server id within the conversation
    if (serverId) {
      const ex = st.byServerId.get(m.conversationId, serverId) as { id: number } | undefined;
      if (ex) return { id: ex.id, status: 'duplicate' };
    }
    // 3. same sender, same millisecond, same text (sources without ids; or the stored copy had none)
    const same = st.byContent.get(m.conversationId, base, base + SEQ - 1, m.sender, m.body, out) as { id: number; server_id: string | null } | undefined;
    if (same && (same.server_id === null || serverId === null || same.server_id === serverId)) {
      if (serverId && same.server_id === null) st.fillServerId.run(serverId, same.id);
      return { id: same.id, status: 'duplicate' };
    }
    return null;
  }

  private statements(): Statements {
    const c = this.c;
    return {
      insert: c.st(INSERT_SQL),
      fts: c.version >= 2 ? c.st(FTS_INSERT_SQL) : null, // a writer is always at the latest schema; 1 is the bench's baseline
      sender: c.version >= 3 ? c.st('INSERT OR IGNORE INTO senders(sender, name) VALUES (?, ?)') : null,
      convAccount: c.st('SELECT account_id FROM conversations WHERE id = ?'),
      byClientId: c.st('SELECT id, server_id FROM messages WHERE account_id = ? AND client_id = ? AND direction = 1'),
      byServerId: c.st('SELECT id FROM messages WHERE conversation_id = ? AND server_id = ?'),
      byContent: c.st('SELECT id, server_id FROM messages WHERE conversation_id = ? AND id BETWEEN ? AND ? AND sender = ? AND body = ? AND direction = ? LIMIT 1'),
      fillServerIdSent: c.st("UPDATE messages SET server_id = ?, state = CASE WHEN state IN ('queued', 'unconfirmed') THEN 'sent' ELSE state END WHERE id = ?"),
      fillServerId: c.st('UPDATE messages SET server_id = ? WHERE id = ?'),
    };
  }
}

interface Statements {
  insert: Database.Statement;
  fts: Database.Statement | null;
  sender: Database.Statement | null;
  convAccount: Database.Statement;
  byClientId: Database.Statement;
  byServerId: Database.Statement;
  byContent: Database.Statement;
  fillServerIdSent: Database.Statement;
  fillServerId: Database.Statement;
}

function validate(m: MessageInput): void {
  if (!Number.isSafeInteger(m.accountId) || !Number.isSafeInteger(m.conversationId)) throw new UsageError('accountId and conversationId must be integers');
  if (typeof m.sender !== 'string') throw new UsageError('sender must be a string');
  if (typeof m.body !== 'string') throw new UsageError('body must be a string');
  if (m.direction !== 'in' && m.direction !== 'out') throw new UsageError("direction must be 'in' or 'out'");
  if (!Number.isSafeInteger(m.serverTime) || m.serverTime < 0 || m.serverTime > MAX_MS) throw new UsageError('serverTime must be a ms epoch');
  if (m.kind !== undefined && !KINDS.has(m.kind)) throw new UsageError(`bad message kind ${String(m.kind)}`);
  if (m.state !== undefined && m.state !== null && !STATES.has(m.state)) throw new UsageError(`bad message state ${String(m.state)}`);
}
