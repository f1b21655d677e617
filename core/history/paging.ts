/** Reading a conversation by key: latest page, older/newer pages, a message in context, catch-up markers. */
import type { Conn } from './conn';
import { messageColumns, messageRows } from './search/messageRows';
import type { Message } from './types';

/** all three walk messages_conv(conversation_id, id) without sorting (tests assert the plans) */
export const LATEST_SQL = `SELECT ${messageColumns()} FROM messages WHERE conversation_id = ? ORDER BY id DESC LIMIT ?`;
export const BEFORE_SQL = `SELECT ${messageColumns()} FROM messages WHERE conversation_id = ? AND id < ? ORDER BY id DESC LIMIT ?`;
export const AFTER_SQL = `SELECT ${messageColumns()} FROM messages WHERE conversation_id = ? AND id > ? ORDER BY id ASC LIMIT ?`;
const BY_ID_SQL = `SELECT ${messageColumns()} FROM messages WHERE id = ?`;

export class Paging {
  constructor(private readonly c: Conn) {}

  latest(conversationId: number, limit: number): Message[] {
    return messageRows(this.c, LATEST_SQL, conversationId, limit).reverse();
  }

  before(conversationId: number, id: number, limit: number): Message[] {
    return messageRows(this.c, BEFORE_SQL, conversationId, id, limit).reverse();
  }

  after(conversationId: number, id: number, limit: number): Message[] {
    return messageRows(this.c, AFTER_SQL, conversationId, id, limit);
  }

  around(id: number, n: number): Message[] {
    const m = messageRows(this.c, BY_ID_SQL, id)[0];
    if (!m) return [];
    return [...this.before(m.conversationId, id, n), m, ...this.after(m.conversationId, id, n)];
  }

  lastServerId(conversationId: number): string | null {
    const r = this.c.get<{ server_id: string }>(
      'SELECT server_id FROM messages WHERE conversation_id = ? AND server_id IS NOT NULL ORDER BY id DESC LIMIT 1',
      conversationId,
    );
    return r?.server_id ?? null;
  }

  lastMessageTime(accountId: number, conversationId?: number): number | null {
    const r =
      conversationId === undefined
        ? this.c.get<{ t: number }>(
            'SELECT max(m.server_time) AS t FROM conversations c, messages m WHERE c.account_id = ? AND m.id = (SELECT id FROM messages WHERE conversation_id = c.id ORDER BY id DESC LIMIT 1)',
            accountId,
          )
        : this.c.get<{ t: number }>('SELECT server_time AS t FROM messages WHERE conversation_id = ? ORDER BY id DESC LIMIT 1', conversationId);
    return r?.t ?? null;
  }

  count(conversationId?: number): number {
    return conversationId === undefined
      ? this.c.get<{ n: number }>('SELECT count(*) AS n FROM messages')!.n
      : this.c.get<{ n: number }>('SELECT count(*) AS n FROM messages WHERE conversation_id = ?', conversationId)!.n;
  }
}
