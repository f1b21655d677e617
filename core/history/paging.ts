/** Reading a conversation by key: latest page, older/newer pages, a message in context, catch-up markers. */
import type { Conn } from './conn';
import { toMessage, type MessageRow } from './rows';
import type { Message } from './types';

/** all three walk messages_conv(conversation_id, id) without sorting (tests assert the plans) */
export const LATEST_SQL = 'SELECT * FROM messages WHERE conversation_id = ? ORDER BY id DESC LIMIT ?';
export const BEFORE_SQL = 'SELECT * FROM messages WHERE conversation_id = ? AND id < ? ORDER BY id DESC LIMIT ?';
export const AFTER_SQL = 'SELECT * FROM messages WHERE conversation_id = ? AND id > ? ORDER BY id ASC LIMIT ?';

export class Paging {
  constructor(private readonly c: Conn) {}

  latest(conversationId: number, limit: number): Message[] {
    return this.c.all<MessageRow>(LATEST_SQL, conversationId, limit).reverse().map(toMessage);
  }

  before(conversationId: number, id: number, limit: number): Message[] {
    return this.c.all<MessageRow>(BEFORE_SQL, conversationId, id, limit).reverse().map(toMessage);
  }

  after(conversationId: number, id: number, limit: number): Message[] {
    return this.c.all<MessageRow>(AFTER_SQL, conversationId, id, limit).map(toMessage);
  }

  around(id: number, n: number): Message[] {
    const r = this.c.get<MessageRow>('SELECT * FROM messages WHERE id = ?', id);
    if (!r) return [];
    return [...this.before(r.conversation_id, id, n), toMessage(r), ...this.after(r.conversation_id, id, n)];
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
