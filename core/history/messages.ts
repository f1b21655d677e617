/** Stored messages after ingest: lookups, outbox states, edits, retractions and deletion for good. */
import type { Conn } from './conn';
import { UsageError } from './errors';
import { STATES, type Ingest } from './ingest';
import { toMessage, type MessageRow } from './rows';
import type { Message, MessageState } from './types';

export class Messages {
  constructor(
    private readonly c: Conn,
    private readonly ingest: Ingest,
  ) {}

  get(id: number): Message | null {
    const r = this.c.get<MessageRow>('SELECT * FROM messages WHERE id = ?', id);
    return r ? toMessage(r) : null;
  }

  findByClientId(accountId: number, clientId: string): Message | null {
    const r = this.c.get<MessageRow>('SELECT * FROM messages WHERE account_id = ? AND client_id = ? AND direction = 1', accountId, clientId);
    return r ? toMessage(r) : null;
  }

  findByServerId(conversationId: number, serverId: string): Message | null {
    const r = this.c.get<MessageRow>('SELECT * FROM messages WHERE conversation_id = ? AND server_id = ?', conversationId, serverId);
    return r ? toMessage(r) : null;
  }

  setState(id: number, state: MessageState, serverId?: string | null): void {
    if (!STATES.has(state)) throw new UsageError(`bad message state ${String(state)}`);
    const r =
      serverId !== undefined && serverId !== null
        ? this.c.run('UPDATE messages SET state = ?, server_id = coalesce(server_id, ?) WHERE id = ? AND direction = 1', state, serverId, id)
        : this.c.run('UPDATE messages SET state = ? WHERE id = ? AND direction = 1', state, id);
    if (r.changes === 0) throw new UsageError(`no outgoing message ${id}`);
  }

  listOutbox(accountId?: number): Message[] {
    const rows =
      accountId === undefined
        ? this.c.all<MessageRow>("SELECT * FROM messages WHERE state IN ('queued', 'unconfirmed') ORDER BY id")
        : this.c.all<MessageRow>("SELECT * FROM messages WHERE account_id = ? AND state IN ('queued', 'unconfirmed') ORDER BY id", accountId);
    return rows.map(toMessage);
  }

  edit(id: number, body: string, editedAt = Date.now()): void {
    if (typeof body !== 'string') throw new UsageError('body must be a string');
    const r = this.c.run('UPDATE messages SET body = ?, edited_at = ? WHERE id = ? AND retracted_at IS NULL', body, editedAt, id);
    if (r.changes === 0) throw new UsageError(`no message ${id} to edit`);
  }

  retract(id: number, retractedAt = Date.now()): void {
    // secure-delete on the index: the old words leave no trace in the FTS pages either
    const r = this.c.run("UPDATE messages SET body = '', retracted_at = ? WHERE id = ?", retractedAt, id);
    if (r.changes === 0) throw new UsageError(`no message ${id}`);
  }

  /**
   * Deletes messages for good (retention): their rows and full-text entries (the delete trigger;
   * FTS5 secure-delete drops their tokens) and nothing else is keyed to a message id (read markers
   * are positions and stay valid). Runs with PRAGMA secure_delete = ON, so freed b-tree space and
   * pages are zeroed, then checkpoints the WAL (best effort: a reader holding an old snapshot keeps
   * the WAL until it finishes). Returns how many rows were deleted; unknown ids are ignored.
   */
  delete(ids: readonly number[]): number {
    this.c.writable();
    for (const id of ids) if (!Number.isSafeInteger(id)) throw new UsageError('message ids must be integers');
    if (ids.length === 0) return 0;
    this.c.db.pragma('secure_delete = ON');
    let n = 0;
    try {
      n = this.c.tx(() => {
        let count = 0;
        for (let i = 0; i < ids.length; i += 10_000) {
          count += this.c.run('DELETE FROM messages WHERE id IN (SELECT value FROM json_each(?))', JSON.stringify(ids.slice(i, i + 10_000))).changes;
        }
        return count;
      });
    } finally {
      this.c.db.pragma('secure_delete = OFF');
      this.ingest.forgetIds();
    }
    if (n > 0) {
      try { this.c.db.pragma('wal_checkpoint(TRUNCATE)'); } catch { /* a busy reader: the next checkpoint gets it */ }
    }
    return n;
  }
}
