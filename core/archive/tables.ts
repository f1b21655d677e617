/**
 * The archive tools' own tables (migration 0004: retention_policy, legal_hold, audit_log, watches).
 *
 * They live in the history database and their statements run on the store's own SQLite connection
 * (SqliteHistoryStore.connection, documented for modules that own tables there). That keeps
 * them inside the same encrypted database and the same writer lock: a read-only store (another
 * process holds the lock) refuses writes here exactly as it does for messages.
 */
import type { DB } from '../history/db';
import { UsageError, type HistoryStore } from '../history/index';

/** the schema version that has the archive tables */
export const ARCHIVE_TABLES_VERSION = 4;

export function archiveDb(store: HistoryStore): DB {
  const db = (store as HistoryStore & { connection?: DB }).connection;
  if (!db) throw new UsageError('this history store has no SQLite connection for the archive tables');
  if (store.version < ARCHIVE_TABLES_VERSION) throw new UsageError(`the archive (schema ${store.version}) needs an upgrade: open it once for writing`);
  return db;
}

/** a write on the archive tables: refused on a read-only store, in one transaction */
export function writeTx<T>(store: HistoryStore, f: (db: DB) => T): T {
  if (store.readOnly) throw new UsageError('the archive is open read-only');
  const db = archiveDb(store);
  return db.transaction(() => f(db))();
}
