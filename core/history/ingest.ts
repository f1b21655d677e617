/**
 * Storing new messages: validation, time-sorted ids, dedup and the full-text row, one transaction
 * per batch. Only this path inserts into `messages` (new rows are indexed here, not by a trigger —
 * see migrations/0002-search.ts).
 */
import type { Conn } from './conn';
import { UsageError } from './errors';
import { SEQ } from './rows';
import { indexedSql } from './text';
import type { InsertResult, MessageInput, MessageKind, MessageState } from './types';

/** indexes a new row (see migrations/0002-search.ts for why this is not an INSERT trigger) */
const FTS_INSERT_SQL = `INSERT INTO messages_fts(rowid, body) VALUES (@id, ${indexedSql('@body')})`;

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
      return this.c.tx(() => rows.map((r) => this.insertOne(r, now, convAccount)));
    } catch (err) {
      this.maxId = null; // a rolled-back batch may have moved it
      this.knownSenders.clear();
      throw err;
    } finally {
      if (durable) this.c.db.pragma('synchronous = NORMAL');
    }
  }

  /** server-ms × 1024 + the next free sequence in that millisecond (a rowid seek, never a scan) */
  private allocId(serverTime: number): number {
    const base = serverTime * SEQ;
    if (this.maxId === null) {
      this.maxId = this.c.get<{ m: number | null }>('SELECT max(id) AS m FROM messages')!.m ?? 0;
    }
    if (base > this.maxId) {
      this.maxId = base;
      return base;
    }
    const r = this.c.get<{ m: number | null }>('SELECT max(id) AS m FROM messages WHERE id BETWEEN ? AND ?', base, base + SEQ - 1)!;
    let id = r.m === null ? base : r.m + 1;
    // more than 1024 messages in one millisecond: take the next free key (sorting stays within ~1 ms)
    while (id >= base + SEQ && this.c.get('SELECT 1 FROM messages WHERE id = ?', id)) id++;
    if (id > this.maxId) this.maxId = id;
    return id;
  }

  private insertOne(m: MessageInput, now: number, convAccount: Map<number, number>): InsertResult {
    const out = m.direction === 'out' ? 1 : 0;
    const serverId = m.serverId || null;
    const clientId = m.clientId || null;
    // 1. own message seen again (echo, carbon, MAM copy, resend): clientId within the own account
    if (out && clientId) {
      const ex = this.c.get<{ id: number; server_id: string | null; state: string | null }>(
        'SELECT id, server_id, state FROM messages WHERE account_id = ? AND client_id = ? AND direction = 1',
        m.accountId,
        clientId,
      );
      if (ex) {
        if (serverId && ex.server_id === null) {
          this.c.run(
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
      const ex = this.c.get<{ id: number }>('SELECT id FROM messages WHERE conversation_id = ? AND server_id = ?', m.conversationId, serverId);
      if (ex) return { id: ex.id, status: 'duplicate' };
    }
    // 3. same sender, same millisecond, same text (sources without ids; or the stored copy had none)
    const base = m.serverTime * SEQ;
    const same = this.c.get<{ id: number; server_id: string | null }>(
      'SELECT id, server_id FROM messages WHERE conversation_id = ? AND id BETWEEN ? AND ? AND sender = ? AND body = ? AND direction = ? LIMIT 1',
      m.conversationId,
      base,
      base + SEQ - 1,
      m.sender,
      m.body,
      out,
    );
    if (same && (same.server_id === null || serverId === null || same.server_id === serverId)) {
      if (serverId && same.server_id === null) this.c.run('UPDATE messages SET server_id = ? WHERE id = ?', serverId, same.id);
      return { id: same.id, status: 'duplicate' };
    }
    if (convAccount.get(m.conversationId) !== m.accountId) {
      const c = this.c.get<{ account_id: number }>('SELECT account_id FROM conversations WHERE id = ?', m.conversationId);
      if (!c || c.account_id !== m.accountId) throw new UsageError(`conversation ${m.conversationId} does not belong to account ${m.accountId}`);
      convAccount.set(m.conversationId, c.account_id);
    }
    const id = this.allocId(m.serverTime);
    const state = m.state !== undefined ? m.state : out ? (serverId ? 'sent' : 'queued') : null;
    this.c.run(
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
    if (this.c.version >= 2) this.c.run(FTS_INSERT_SQL, { id, body: m.body }); // schema 1 (bench baseline) has no index
    if (this.c.version >= 3) {
      const k = `${m.sender}\u0000${m.senderName ?? ''}`;
      if (!this.knownSenders.has(k)) {
        this.c.run('INSERT OR IGNORE INTO senders(sender, name) VALUES (?, ?)', m.sender, m.senderName ?? '');
        if (this.knownSenders.size > 50_000) this.knownSenders.clear();
        this.knownSenders.add(k);
      }
    }
    return { id, status: 'inserted' };
  }
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
