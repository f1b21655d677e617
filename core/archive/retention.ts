/**
 * Retention: per account keep forever (the default) or delete messages older than N days; a legal
 * hold blocks every deletion; every policy change, hold change, deletion and blocked deletion is
 * appended to the audit log. Tables: retention_policy, legal_hold, audit_log (migration 0004).
 *
 * Deletion is real (HistoryStore.deleteMessages: rows and index entries gone, freed pages zeroed),
 * in batches, each batch in one transaction with its audit entry. While a legal hold is on, a
 * trigger refuses every DELETE on messages, so even a deletion racing a hold cannot get through.
 *
 * `retentionSteps` is a generator that yields after each batch: the CLI drains it at once, the engine
 * gives the event loop a turn between batches.
 */
import type { HistoryStore } from '../history/index';
import { appendAudit } from './audit';
import { LegalHoldError } from './errors';
import { drain } from './steps';
import { archiveDb, writeTx } from './tables';

export { auditLog, auditPage, type AuditAction, type AuditEntry } from './audit';

const DAY = 86_400_000;
/** messages deleted per transaction */
export const DELETE_BATCH = 5_000;

export interface LegalHold {
  on: boolean;
  reason: string | null;
  since: number | null;
}

export interface RetentionPolicy {
  /** account id → days to keep (absent = forever) */
  accounts: Record<string, number>;
  hold: LegalHold;
}

export function getLegalHold(store: HistoryStore): LegalHold {
  const r = archiveDb(store).prepare('SELECT since, reason FROM legal_hold WHERE id = 1').get() as { since: number; reason: string | null } | undefined;
  return r ? { on: true, reason: r.reason, since: r.since } : { on: false, reason: null, since: null };
}

export function getPolicy(store: HistoryStore): RetentionPolicy {
  const rows = archiveDb(store).prepare('SELECT account_id, days FROM retention_policy ORDER BY account_id').all() as { account_id: number; days: number }[];
  return { accounts: Object.fromEntries(rows.map((r) => [String(r.account_id), r.days])), hold: getLegalHold(store) };
}

/** days = null: keep forever */
export function setAccountRetention(store: HistoryStore, accountId: number, days: number | null, by = 'cli', now = Date.now()): RetentionPolicy {
  if (!store.getAccount(accountId)) throw new Error(`no account with id ${accountId}`);
  if (days !== null && (!Number.isInteger(days) || days < 1)) throw new Error('days must be a whole number ≥ 1 (or "forever")');
  writeTx(store, (db) => {
    if (days === null) db.prepare('DELETE FROM retention_policy WHERE account_id = ?').run(accountId);
    else db.prepare('INSERT INTO retention_policy(account_id, days, updated_at) VALUES (?, ?, ?) ON CONFLICT(account_id) DO UPDATE SET days = excluded.days, updated_at = excluded.updated_at').run(accountId, days, now);
    appendAudit(db, { at: now, action: 'set-retention', accountId, days, by });
  });
  return getPolicy(store);
}

/** turning a hold on while one is on keeps its start and updates the reason */
export function setLegalHold(store: HistoryStore, on: boolean, reason: string | null, by = 'cli', now = Date.now()): RetentionPolicy {
  writeTx(store, (db) => {
    if (on) db.prepare('INSERT INTO legal_hold(id, since, reason) VALUES (1, ?, ?) ON CONFLICT(id) DO UPDATE SET reason = excluded.reason').run(now, reason);
    else db.prepare('DELETE FROM legal_hold').run();
    appendAudit(db, { at: now, action: on ? 'hold-on' : 'hold-off', reason, by });
  });
  return getPolicy(store);
}

/** message ids sort by server time (server-ms × 1024 + sequence, see core/history/ingest.ts) */
const ID_PER_MS = 1024;

/**
 * The account's messages older than `cutoff`, walked per conversation on the (conversation, id)
 * index with an id bound a day past the cutoff (ids may run a little ahead of their time when a
 * millisecond holds more than 1024 messages), so a run never scans the whole archive.
 */
function dueWhere(store: HistoryStore, accountId: number, cutoff: number): { convs: number[]; bound: number } {
  const convs = archiveDb(store).prepare('SELECT id FROM conversations WHERE account_id = ? ORDER BY id').pluck().all(accountId) as number[];
  return { convs, bound: (cutoff + DAY) * ID_PER_MS };
}

/** ids of the account's messages older than cutoff, at most `limit` */
export function dueMessages(store: HistoryStore, accountId: number, cutoff: number, limit = Number.MAX_SAFE_INTEGER): number[] {
  const { convs, bound } = dueWhere(store, accountId, cutoff);
  const st = archiveDb(store).prepare('SELECT id FROM messages WHERE conversation_id = ? AND id < ? AND server_time < ? ORDER BY id LIMIT ?').pluck();
  const ids: number[] = [];
  for (const c of convs) {
    if (ids.length >= limit) break;
    ids.push(...(st.all(c, bound, cutoff, limit - ids.length) as number[]));
  }
  return ids;
}

function countDue(store: HistoryStore, accountId: number, cutoff: number): number {
  const { convs, bound } = dueWhere(store, accountId, cutoff);
  const st = archiveDb(store).prepare('SELECT count(*) FROM messages WHERE conversation_id = ? AND id < ? AND server_time < ?').pluck();
  return convs.reduce((n, c) => n + (st.get(c, bound, cutoff) as number), 0);
}

export interface RetentionRun {
  blocked: boolean;
  accounts: { accountId: number; days: number; cutoff: number; due: number; deleted: number }[];
}

export interface RetentionOptions {
  now?: number;
  /** count only: delete nothing, audit nothing */
  dryRun?: boolean;
  by?: string;
  batch?: number;
}

/**
 * Applies the policy, yielding after each deleted batch; returns what it did. When a legal hold is
 * on and anything is due, nothing is deleted, the blocked attempt is audited (not on a dry run) and
 * the run says `blocked`.
 */
export function* retentionSteps(store: HistoryStore, opts: RetentionOptions = {}): Generator<RetentionRun, RetentionRun> {
  const now = opts.now ?? Date.now();
  const by = opts.by ?? 'cli';
  const p = getPolicy(store);
  const run: RetentionRun = { blocked: false, accounts: [] };
  for (const [id, days] of Object.entries(p.accounts)) {
    const accountId = Number(id);
    const cutoff = Math.max(0, now - days * DAY); // a period longer than the epoch keeps everything
    run.accounts.push({ accountId, days, cutoff, due: countDue(store, accountId, cutoff), deleted: 0 });
  }
  const due = run.accounts.reduce((n, a) => n + a.due, 0);
  if (p.hold.on && due > 0) {
    run.blocked = true;
    if (!opts.dryRun) writeTx(store, (db) => appendAudit(db, { at: now, action: 'delete-blocked', count: due, reason: p.hold.reason, by }));
    return run;
  }
  if (opts.dryRun) return run;
  const db = archiveDb(store);
  for (const a of run.accounts) {
    while (a.deleted < a.due) {
      const ids = dueMessages(store, a.accountId, a.cutoff, opts.batch ?? DELETE_BATCH);
      if (!ids.length) break;
      // the batch and its audit entry commit together (deleteMessages' own transaction nests)
      const n = writeTx(store, (tx) => {
        const deleted = store.deleteMessages(ids);
        appendAudit(tx, { at: now, action: 'delete', accountId: a.accountId, days: a.days, cutoff: a.cutoff, count: deleted, by });
        return deleted;
      });
      a.deleted += n;
      yield run;
    }
  }
  if (run.accounts.some((a) => a.deleted > 0)) {
    try { db.pragma('wal_checkpoint(TRUNCATE)'); } catch { /* a busy reader: the next checkpoint gets it */ }
  }
  return run;
}

/** runs retentionSteps to the end; throws LegalHoldError when a hold blocked it (after auditing) */
export function applyRetention(store: HistoryStore, opts: RetentionOptions = {}): RetentionRun {
  const run = drain(retentionSteps(store, opts));
  if (run.blocked && !opts.dryRun) throw new LegalHoldError(getLegalHold(store).reason);
  return run;
}
