/** Settings (JSON values by key) and gaps (time ranges catch-up could not fill). */
import type { Conn } from './conn';
import { nonEmpty } from './rows';
import type { Gap } from './types';

export class Settings {
  constructor(private readonly c: Conn) {}

  get<T = unknown>(key: string): T | undefined {
    const r = this.c.get<{ value: string }>('SELECT value FROM settings WHERE key = ?', key);
    return r ? (JSON.parse(r.value) as T) : undefined;
  }

  set(key: string, value: unknown): void {
    nonEmpty(key, 'key');
    if (value === undefined) return this.delete(key);
    this.c.run('INSERT INTO settings(key, value) VALUES (?, ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value', key, JSON.stringify(value));
  }

  delete(key: string): void {
    this.c.run('DELETE FROM settings WHERE key = ?', key);
  }
}

interface GapRow {
  id: number;
  account_id: number;
  conversation_id: number | null;
  from_time: number;
  to_time: number;
  reason: string;
  created_at: number;
}

export class Gaps {
  constructor(private readonly c: Conn) {}

  record(gap: Omit<Gap, 'id' | 'createdAt'>): Gap {
    const r = this.c.run(
      'INSERT INTO gaps(account_id, conversation_id, from_time, to_time, reason, created_at) VALUES (?, ?, ?, ?, ?, ?)',
      gap.accountId,
      gap.conversationId,
      gap.fromTime,
      gap.toTime,
      gap.reason,
      Date.now(),
    );
    return this.list().find((g) => g.id === Number(r.lastInsertRowid))!;
  }

  list(filter: { accountId?: number; conversationId?: number } = {}): Gap[] {
    const rows = this.c.all<GapRow>(
      'SELECT * FROM gaps WHERE (@a IS NULL OR account_id = @a) AND (@c IS NULL OR conversation_id = @c) ORDER BY from_time',
      { a: filter.accountId ?? null, c: filter.conversationId ?? null },
    );
    return rows.map((r) => ({ id: r.id, accountId: r.account_id, conversationId: r.conversation_id, fromTime: r.from_time, toTime: r.to_time, reason: r.reason, createdAt: r.created_at }));
  }

  resolve(id: number): void {
    this.c.run('DELETE FROM gaps WHERE id = ?', id);
  }
}
