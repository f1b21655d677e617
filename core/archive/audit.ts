/**
 * The audit log (table audit_log, append-only by trigger): retention and legal-hold changes,
 * deletions and blocked deletions. Entries never hold message text.
 */
import type { HistoryStore } from '../history/index';
import type { DB } from '../history/db';
import { archiveDb } from './tables';

export type AuditAction = 'set-retention' | 'hold-on' | 'hold-off' | 'delete' | 'delete-blocked';

export interface AuditEntry {
  id: number;
  at: number;
  action: AuditAction;
  accountId?: number;
  /** null: keep forever */
  days?: number | null;
  /** messages older than this (ms epoch) were concerned */
  cutoff?: number;
  count?: number;
  /** entries moved from before migration 0004 may say 'retract' (text blanked, row kept) */
  method?: string;
  reason?: string | null;
  /** who asked: 'cli', 'app', 'schedule' */
  by?: string;
}

export type NewAuditEntry = Omit<AuditEntry, 'id'>;

interface Row {
  id: number;
  at: number;
  action: AuditAction;
  account_id: number | null;
  days: number | null;
  cutoff: number | null;
  count: number | null;
  method: string | null;
  reason: string | null;
  by: string | null;
}

function toEntry(r: Row): AuditEntry {
  const e: AuditEntry = { id: r.id, at: r.at, action: r.action };
  if (r.account_id !== null) e.accountId = r.account_id;
  // a retention change records "forever" as days null; other actions carry no days
  if (r.action === 'set-retention' || r.days !== null) e.days = r.days;
  if (r.cutoff !== null) e.cutoff = r.cutoff;
  if (r.count !== null) e.count = r.count;
  if (r.method !== null) e.method = r.method;
  if (r.reason !== null) e.reason = r.reason;
  if (r.by !== null) e.by = r.by;
  return e;
}

/** appends one entry (call inside the transaction of the change it records) */
export function appendAudit(db: DB, e: NewAuditEntry): void {
  db.prepare('INSERT INTO audit_log(at, action, account_id, days, cutoff, count, reason, by) VALUES (?, ?, ?, ?, ?, ?, ?, ?)').run(
    e.at, e.action, e.accountId ?? null, e.days ?? null, e.cutoff ?? null, e.count ?? null, e.reason ?? null, e.by ?? null,
  );
}

/** the whole log, oldest first */
export function auditLog(store: HistoryStore): AuditEntry[] {
  return (archiveDb(store).prepare('SELECT * FROM audit_log ORDER BY id').all() as Row[]).map(toEntry);
}

/** a page of the log, newest first; `before` is the id of the last entry of the previous page */
export function auditPage(store: HistoryStore, opts: { before?: number; limit: number }): { entries: AuditEntry[]; nextBefore?: number } {
  const rows = archiveDb(store)
    .prepare('SELECT * FROM audit_log WHERE id < ? ORDER BY id DESC LIMIT ?')
    .all(opts.before ?? Number.MAX_SAFE_INTEGER, opts.limit + 1) as Row[];
  const more = rows.length > opts.limit;
  const entries = rows.slice(0, opts.limit).map(toEntry);
  return more ? { entries, nextBefore: entries[entries.length - 1]!.id } : { entries };
}
