/** Conversations (direct and rooms, unique per account/kind/address), read markers and unread counts. */
import type { Accounts } from './accounts';
import type { Conn } from './conn';
import type { Contacts } from './contacts';
import { UsageError } from './errors';
import { SEQ, nonEmpty, toConversation, toMessage, type ConversationRow, type MessageRow } from './rows';
import type { Conversation, ConversationKind, ConversationSummary } from './types';

export class Conversations {
  constructor(
    private readonly c: Conn,
    private readonly accounts: Accounts,
    private readonly contacts: Contacts,
  ) {}

  ensure(accountId: number, kind: ConversationKind, address: string, title?: string | null): Conversation {
    if (kind !== 'direct' && kind !== 'room') throw new UsageError(`bad conversation kind ${String(kind)}`);
    nonEmpty(address, 'address');
    const cur = this.find(accountId, kind, address);
    if (cur) {
      if (title !== undefined && title !== cur.title) this.setTitle(cur.id, title);
      return this.get(cur.id)!;
    }
    if (!this.accounts.get(accountId)) throw new UsageError(`no account ${accountId}`);
    const contact = kind === 'direct' ? this.contacts.find(accountId, address) : null;
    const r = this.c.run(
      'INSERT INTO conversations(account_id, kind, address, title, contact_id, created_at) VALUES (?, ?, ?, ?, ?, ?)',
      accountId,
      kind,
      address,
      title ?? null,
      contact?.id ?? null,
      Date.now(),
    );
    return this.get(Number(r.lastInsertRowid))!;
  }

  get(id: number): Conversation | null {
    const r = this.c.get<ConversationRow>('SELECT * FROM conversations WHERE id = ?', id);
    return r ? toConversation(r) : null;
  }

  find(accountId: number, kind: ConversationKind, address: string): Conversation | null {
    const r = this.c.get<ConversationRow>('SELECT * FROM conversations WHERE account_id = ? AND kind = ? AND address = ?', accountId, kind, address);
    return r ? toConversation(r) : null;
  }

  /** with last message and unread count, most recent activity first */
  list(accountId?: number): ConversationSummary[] {
    const rows =
      accountId === undefined
        ? this.c.all<ConversationRow>('SELECT * FROM conversations ORDER BY id')
        : this.c.all<ConversationRow>('SELECT * FROM conversations WHERE account_id = ? ORDER BY id', accountId);
    const out = rows.map((r) => {
      const last = this.c.get<MessageRow>('SELECT * FROM messages WHERE conversation_id = ? ORDER BY id DESC LIMIT 1', r.id);
      return { ...toConversation(r), lastMessage: last ? toMessage(last) : null, unread: this.unreadCount(r.id) };
    });
    return out.sort((a, b) => (b.lastMessage?.id ?? b.createdAt * SEQ) - (a.lastMessage?.id ?? a.createdAt * SEQ));
  }

  setTitle(id: number, title: string | null): void {
    this.c.run('UPDATE conversations SET title = ? WHERE id = ?', title, id);
  }

  /** forward only: a marker never moves back */
  markRead(conversationId: number, messageId: number): void {
    this.c.run('UPDATE conversations SET last_read_id = ? WHERE id = ? AND (last_read_id IS NULL OR last_read_id < ?)', messageId, conversationId, messageId);
  }

  /**
   * Imported logs are history the user has read elsewhere: the read marker moves over the imported
   * messages, but never over a live message still unread (those stay counted).
   */
  markImportedRead(conversationId: number): void {
    const c = this.c.get<{ last_read_id: number | null }>('SELECT last_read_id FROM conversations WHERE id = ?', conversationId);
    if (!c) return;
    const firstLiveUnread = this.c.get<{ id: number | null }>(
      'SELECT min(id) AS id FROM messages WHERE conversation_id = ? AND id > ? AND direction = 0 AND source IS NULL',
      conversationId,
      c.last_read_id ?? -1,
    )?.id;
    const lastImported = this.c.get<{ id: number | null }>(
      'SELECT max(id) AS id FROM messages WHERE conversation_id = ? AND id < ? AND source IS NOT NULL',
      conversationId,
      firstLiveUnread ?? Number.MAX_SAFE_INTEGER,
    )?.id;
    if (lastImported != null) this.markRead(conversationId, lastImported);
  }

  /**
   * live incoming messages after the read marker, counted by an index walk bounded by cap (imported
   * ones are history; the marker is moved over them, see markImportedRead, so few are walked)
   */
  unreadCount(conversationId: number, cap = 9999): number {
    const c = this.c.get<{ last_read_id: number | null }>('SELECT last_read_id FROM conversations WHERE id = ?', conversationId);
    if (!c) return 0;
    const r = this.c.get<{ n: number }>(
      'SELECT count(*) AS n FROM (SELECT 1 FROM messages WHERE conversation_id = ? AND id > ? AND direction = 0 AND source IS NULL LIMIT ?)',
      conversationId,
      c.last_read_id ?? -1,
      cap,
    )!;
    return r.n;
  }
}
