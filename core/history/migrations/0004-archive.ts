import type { Migration } from './types';

/**
 * The archive tools' records as real tables (they lived as JSON in `settings` before):
 *   retention_policy  one row per account that does NOT keep forever (days to keep)
 *   legal_hold        one row while a legal hold is on; a trigger then refuses every DELETE on
 *                     messages, whoever asks (retention, account removal with history, a bug)
 *   audit_log         append-only (triggers refuse UPDATE and DELETE): policy and hold changes,
 *                     deletions, blocked deletions; account ids are kept even after an account goes
 *   watches           keyword watches (saved searches) with the mark of what was already reported
 * Existing settings rows ('archive.retention', 'archive.audit', 'archive.watches') are moved in
 * and removed from settings.
 */
export const migration: Migration = {
  version: 4,
  name: 'archive tables',
  up(db) {
    db.exec(`
      CREATE TABLE retention_policy(
        account_id INTEGER PRIMARY KEY REFERENCES accounts(id) ON DELETE CASCADE,
        days INTEGER NOT NULL CHECK(days >= 1),
        updated_at INTEGER NOT NULL
      );
      CREATE TABLE legal_hold(
        id INTEGER PRIMARY KEY CHECK(id = 1),
        since INTEGER NOT NULL,
        reason TEXT
      );
      CREATE TABLE audit_log(
        id INTEGER PRIMARY KEY,
        at INTEGER NOT NULL,
        action TEXT NOT NULL CHECK(action IN ('set-retention', 'hold-on', 'hold-off', 'delete', 'delete-blocked')),
        account_id INTEGER,
        days INTEGER,
        cutoff INTEGER,
        count INTEGER,
        method TEXT,
        reason TEXT,
        by TEXT
      );
      CREATE TABLE watches(
        id INTEGER PRIMARY KEY,
        name TEXT NOT NULL UNIQUE,
        query TEXT NOT NULL,
        breakthrough INTEGER NOT NULL DEFAULT 0,
        created_at INTEGER NOT NULL,
        last_received INTEGER NOT NULL
      );
      CREATE TRIGGER audit_log_no_update BEFORE UPDATE ON audit_log BEGIN
        SELECT RAISE(ABORT, 'the audit log is append-only');
      END;
      CREATE TRIGGER audit_log_no_delete BEFORE DELETE ON audit_log BEGIN
        SELECT RAISE(ABORT, 'the audit log is append-only');
      END;
      CREATE TRIGGER messages_legal_hold BEFORE DELETE ON messages WHEN EXISTS (SELECT 1 FROM legal_hold) BEGIN
        SELECT RAISE(ABORT, 'a legal hold is on: nothing may be deleted');
      END;
    `);

    const setting = (key: string): unknown => {
      const r = db.prepare('SELECT value FROM settings WHERE key = ?').get(key) as { value: string } | undefined;
      if (!r) return undefined;
      try {
        return JSON.parse(r.value);
      } catch {
        return undefined;
      }
    };
    const int = (v: unknown): number | null => (typeof v === 'number' && Number.isSafeInteger(v) ? v : null);
    const str = (v: unknown): string | null => (typeof v === 'string' ? v : null);
    const now = Date.now();

    const policy = setting('archive.retention') as { accounts?: Record<string, unknown>; hold?: { on?: unknown; reason?: unknown; since?: unknown } } | undefined;
    const hasAccount = db.prepare('SELECT 1 FROM accounts WHERE id = ?');
    const addPolicy = db.prepare('INSERT INTO retention_policy(account_id, days, updated_at) VALUES (?, ?, ?)');
    for (const [id, days] of Object.entries(policy?.accounts ?? {})) {
      const d = int(days);
      if (d !== null && d >= 1 && hasAccount.get(Number(id))) addPolicy.run(Number(id), d, now);
    }
    if (policy?.hold?.on === true) db.prepare('INSERT INTO legal_hold(id, since, reason) VALUES (1, ?, ?)').run(int(policy.hold.since) ?? now, str(policy.hold.reason));

    const audit = setting('archive.audit');
    const addAudit = db.prepare('INSERT INTO audit_log(at, action, account_id, days, cutoff, count, method, reason, by) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)');
    const ACTIONS = new Set(['set-retention', 'hold-on', 'hold-off', 'delete', 'delete-blocked']);
    if (Array.isArray(audit)) {
      for (const e of audit as Record<string, unknown>[]) {
        if (!e || typeof e !== 'object' || !ACTIONS.has(e.action as string)) continue;
        addAudit.run(int(e.at) ?? 0, e.action, int(e.accountId), int(e.days), int(e.cutoff), int(e.count), str(e.method), str(e.reason), str(e.by));
      }
    }

    const watches = setting('archive.watches');
    const addWatch = db.prepare('INSERT OR IGNORE INTO watches(name, query, breakthrough, created_at, last_received) VALUES (?, ?, ?, ?, ?)');
    if (Array.isArray(watches)) {
      for (const w of watches as Record<string, unknown>[]) {
        const name = str(w?.name), query = str(w?.query);
        if (!name || !query) continue;
        addWatch.run(name, query, w.breakthrough === true ? 1 : 0, int(w.createdAt) ?? now, int(w.lastReceived) ?? now);
      }
    }
    db.prepare("DELETE FROM settings WHERE key IN ('archive.retention', 'archive.audit', 'archive.watches')").run();
  },
};
