/** Creating and opening archive folders: key slots first, then the writer lock, then the database. */
import { randomBytes } from 'node:crypto';
import { chmodSync, closeSync, existsSync, mkdirSync, openSync, readFileSync, rmSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { connect, tuneReader, tuneWriter, type DB } from './db';
import { ArchiveExistsError, CorruptArchiveError, HistoryError, NewerVersionError, UsageError, WrongKeyError } from './errors';
import * as slots from './keyslots';
import { acquireWriterLock, type WriterLock } from './lock';
import { LATEST_VERSION, MIGRATIONS } from './migrations/index';
import { SqliteHistoryStore } from './store';
import type { CreateOptions, HistoryStore, OpenOptions, Unlock } from './types';

export const DB_FILE = 'history.db';
export const SLOTS_FILE = 'keyslots.json';
export const LOCK_FILE = 'writer.lock';

/** files are 0600 and the folder 0700: SQLite gives -wal/-shm the database file's mode */
export function createPrivateFile(path: string): void {
  closeSync(openSync(path, 'a', 0o600));
}

function tightenModes(dir: string): void {
  for (const f of [DB_FILE, `${DB_FILE}-wal`, `${DB_FILE}-shm`, LOCK_FILE, SLOTS_FILE]) {
    const p = join(dir, f);
    try {
      if ((statSync(p).mode & 0o077) !== 0) chmodSync(p, 0o600);
    } catch {
      // not there
    }
  }
  try {
    if ((statSync(dir).mode & 0o077) !== 0) chmodSync(dir, 0o700);
  } catch {
    // not ours to change
  }
}

/** true when the folder holds a Confab archive (its key slots file) */
export function archiveExists(dir: string): boolean {
  return existsSync(join(dir, SLOTS_FILE));
}

function userVersion(db: DB): number {
  return db.pragma('user_version', { simple: true }) as number;
}

/** runs the missing numbered migrations, each in its own transaction */
export function migrate(db: DB, target = LATEST_VERSION): number {
  let v = userVersion(db);
  for (const m of MIGRATIONS) {
    if (m.version <= v || m.version > target) continue;
    db.transaction(() => {
      m.up(db);
      db.pragma(`user_version = ${m.version}`);
    })();
    v = m.version;
  }
  return v;
}

/** creates a new archive folder (or uses an empty existing one) with one passphrase slot */
export function createArchive(dir: string, opts: CreateOptions): HistoryStore {
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  if (archiveExists(dir) || existsSync(join(dir, DB_FILE))) throw new ArchiveExistsError(dir);
  const key = randomBytes(slots.KEY_BYTES);
  const file = slots.newSlotsFile(DB_FILE, key, { kind: 'passphrase', passphrase: opts.passphrase, ...(opts.kdf ? { kdf: opts.kdf } : {}) });
  let lock: WriterLock | null = null;
  let db: DB | null = null;
  try {
    lock = acquireWriterLock(join(dir, LOCK_FILE), opts.nativeBinding);
    slots.writeSlotsFile(dir, SLOTS_FILE, file);
    createPrivateFile(join(dir, DB_FILE));
    db = connect(join(dir, DB_FILE), key, { readOnly: false, create: true, nativeBinding: opts.nativeBinding });
    tuneWriter(db);
    const version = migrate(db);
    tightenModes(dir);
    return new SqliteHistoryStore({ dir, db, key, slotsFile: file, lock, version, slotsName: SLOTS_FILE });
  } catch (err) {
    try { db?.close(); } catch { /* ignore */ }
    lock?.release();
    if (!(err instanceof ArchiveExistsError)) {
      for (const f of [SLOTS_FILE, DB_FILE, `${DB_FILE}-wal`, `${DB_FILE}-shm`]) rmSync(join(dir, f), { force: true });
    }
    throw err;
  }
}

function unlockKey(file: slots.SlotsFile, unlock: Unlock): Buffer {
  if ('passphrase' in unlock) return slots.unlockWithPassphrase(file, unlock.passphrase);
  if ('key' in unlock) {
    if (!Buffer.isBuffer(unlock.key) || !slots.checkKey(file, unlock.key)) throw new WrongKeyError();
    return Buffer.from(unlock.key);
  }
  if ('sealed' in unlock) return slots.unlockSealed(file, unlock.sealed, unlock.unseal);
  throw new UsageError('unlock needs a passphrase, a key or a sealed slot');
}

/**
 * Opens an archive. The key is checked against the slots file before the database is touched, so a
 * wrong key writes nothing. A writer takes the writer lock first (ArchiveLockedError if another
 * process holds it); readOnly opens read and search alongside a running writer.
 */
export function openArchive(dir: string, unlock: Unlock, opts: OpenOptions = {}): HistoryStore {
  const file = slots.readSlotsFile(dir, SLOTS_FILE);
  if (!file) throw new WrongKeyError();
  const key = unlockKey(file, unlock);
  const dbPath = join(dir, file.db === DB_FILE ? DB_FILE : file.db);
  if (!existsSync(dbPath)) throw new CorruptArchiveError(`${DB_FILE} is missing`);
  const readOnly = opts.readOnly === true;
  let lock: WriterLock | null = null;
  let db: DB | null = null;
  try {
    // read-only checks first (damage, schema version): a refused archive is left exactly as it was
    db = connect(dbPath, key, { readOnly, create: false, nativeBinding: opts.nativeBinding });
    const found = userVersion(db);
    if (found > LATEST_VERSION) throw new NewerVersionError(found, LATEST_VERSION);
    let version = found;
    if (readOnly) {
      if (found < LATEST_VERSION) throw new HistoryError('the archive needs an upgrade: open it once in Confab (not read-only) first');
      tuneReader(db);
    } else {
      lock = acquireWriterLock(join(dir, LOCK_FILE), opts.nativeBinding);
      tightenModes(dir); // archives made before files were created 0600
      tuneWriter(db);
      version = migrate(db);
    }
    return new SqliteHistoryStore({ dir, db, key, slotsFile: file, lock, version, slotsName: SLOTS_FILE });
  } catch (err) {
    try { db?.close(); } catch { /* ignore */ }
    lock?.release();
    key.fill(0);
    throw err;
  }
}

/** reads a raw key file written by exportKeyFile (64 hex characters) */
export function readKeyFile(path: string): Buffer {
  const text = readFileSync(path, 'utf8').trim();
  if (!/^[0-9a-fA-F]{64}$/.test(text)) throw new UsageError('a key file holds 64 hex characters');
  return Buffer.from(text, 'hex');
}
