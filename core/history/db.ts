/**
 * Opening one SQLite connection on the encrypted database, with the pragmas every connection needs.
 *
 * synchronous: the archive runs in WAL mode with synchronous=NORMAL. In WAL mode NORMAL never
 * corrupts the database; a crash of Confab (or a kill) loses nothing that was committed; only an OS
 * crash or power loss may roll back the last commits. Those are healed by catch-up (MAM /
 * CHATHISTORY / bouncer playback: lastServerId() rolls back together with the messages). The one
 * thing catch-up cannot bring back is a message the user typed that is still only in the outbox:
 * commits that queue outgoing messages switch to synchronous=FULL for that transaction (see
 * store.ts `insertMessages`). FULL on every commit costs ~2–10× on small commits, for nothing the
 * server does not hold anyway.
 */
import Database from 'better-sqlite3-multiple-ciphers';
import { CorruptArchiveError } from './errors';
import { cjkSplit, senderToken, SPLIT_FN, WHO_FN } from './text';

export type DB = Database.Database;

export interface ConnectOptions {
  readOnly: boolean;
  create: boolean;
  nativeBinding?: string | undefined;
}

function sqliteCode(err: unknown): string {
  return typeof err === 'object' && err && 'code' in err ? String((err as { code: unknown }).code) : '';
}

export function isCorruption(err: unknown): boolean {
  const c = sqliteCode(err);
  return c === 'SQLITE_NOTADB' || c.startsWith('SQLITE_CORRUPT');
}

export function isBusy(err: unknown): boolean {
  return sqliteCode(err).startsWith('SQLITE_BUSY');
}

/**
 * Opens the database with the key and proves the key reads it, before anything is written.
 * The caller has already checked the key against keyslots.json, so a page that does not decrypt here
 * means damage, not a wrong key.
 */
export function connect(path: string, key: Buffer, opts: ConnectOptions): DB {
  let db: DB;
  try {
    db = new Database(path, {
      readonly: opts.readOnly,
      fileMustExist: !opts.create,
      timeout: 5000,
      ...(opts.nativeBinding ? { nativeBinding: opts.nativeBinding } : {}),
    });
  } catch (err) {
    throw new CorruptArchiveError('the database file cannot be opened', { cause: err });
  }
  try {
    db.pragma(`cipher = 'sqlcipher'`);
    db.pragma(`key = "x'${key.toString('hex')}'"`);
    // SQLite's temporary files (sorts, temp b-trees) are NOT encrypted: keep them in memory.
    db.pragma('temp_store = MEMORY');
    registerFunctions(db);
    // reads page 1 and the schema; this is where a damaged file is noticed (no history is scanned)
    db.prepare('SELECT count(*) FROM sqlite_schema').get();
  } catch (err) {
    db.close();
    if (isCorruption(err)) throw new CorruptArchiveError('the database does not decrypt or its schema is damaged', { cause: err });
    throw err;
  }
  return db;
}

/** SQL functions the triggers call: every connection registers them */
export function registerFunctions(db: DB): void {
  db.function(SPLIT_FN, { deterministic: true }, (s: unknown) => (typeof s === 'string' ? cjkSplit(s) : s));
  db.function(WHO_FN, { deterministic: true }, (s: unknown) => (typeof s === 'string' ? senderToken(s) : null));
}

/**
 * The writer's page cache, in KiB (pages are allocated as they are used, so a small archive never
 * holds this much). Every cache miss re-reads AND re-decrypts a page (AES + HMAC check); at 1M
 * messages the unique-id indexes and the full-text segments being merged no longer fit in the old
 * 32 MB. Measured at 1M messages (docs/history-ingest.md): 64 MiB gives most of what 128 MiB does.
 */
export const WRITER_CACHE_KIB = 64 * 1024;

/**
 * Checkpoint when the WAL holds this many bytes (and truncate it back to that size afterwards).
 * With page encryption a checkpoint decrypts every page from the WAL and encrypts it again into
 * the database; a page written by several commits in between (index leaves, the full-text index's
 * structure and merge pages) is copied once. Bounds: the WAL on disk, the crash-recovery read of it
 * on the next open (never more than this, whatever the archive's size), and the checkpoint at close.
 */
export const WAL_CHECKPOINT_BYTES = 64 * 1024 * 1024;

/** writer connections: WAL, NORMAL sync (see top), bigger page cache, foreign keys for the small tables */
export function tuneWriter(db: DB): void {
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = NORMAL');
  db.pragma('foreign_keys = ON');
  db.pragma(`cache_size = -${WRITER_CACHE_KIB}`);
  const pageSize = db.pragma('page_size', { simple: true }) as number;
  db.pragma(`wal_autocheckpoint = ${Math.max(1000, Math.floor(WAL_CHECKPOINT_BYTES / pageSize))}`);
  db.pragma(`journal_size_limit = ${WAL_CHECKPOINT_BYTES}`);
}

export function tuneReader(db: DB): void {
  db.pragma('cache_size = -16000');
  db.pragma('query_only = ON');
}
