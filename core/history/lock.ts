/**
 * The single-writer lock: an exclusive SQLite lock on a tiny side file (`writer.lock`), held by the
 * writer's connection for as long as the archive is open. It is an OS byte-range lock, so it is
 * released by the kernel when the holder exits or crashes (no stale lock files), and it works across
 * processes and between connections of one process. The file holds no data but the holder's pid.
 */
import Database from 'better-sqlite3-multiple-ciphers';
import { closeSync, openSync } from 'node:fs';
import { ArchiveLockedError } from './errors';
import { isBusy, type DB } from './db';

export interface WriterLock {
  release(): void;
}

export function acquireWriterLock(path: string, nativeBinding?: string): WriterLock {
  closeSync(openSync(path, 'a', 0o600)); // private, like every file of the archive
  const db: DB = new Database(path, { timeout: 0, ...(nativeBinding ? { nativeBinding } : {}) });
  try {
    db.pragma('locking_mode = EXCLUSIVE');
    db.pragma('journal_mode = MEMORY');
    db.exec('BEGIN EXCLUSIVE');
    db.exec('CREATE TABLE IF NOT EXISTS holder(pid INTEGER, since INTEGER)');
    db.exec('DELETE FROM holder');
    db.prepare('INSERT INTO holder VALUES (?, ?)').run(process.pid, Date.now());
    db.exec('COMMIT');
  } catch (err) {
    try { db.close(); } catch { /* ignore */ }
    if (isBusy(err)) throw new ArchiveLockedError();
    throw err;
  }
  // in EXCLUSIVE locking mode the lock taken by the write above stays until the connection closes
  return {
    release() {
      if (db.open) db.close();
    },
  };
}
