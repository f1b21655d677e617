import { createHash } from 'node:crypto';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3-multiple-ciphers';
import { createArchive } from '../../core/history/index';
import { migrate } from '../../core/history/archive';
import { registerFunctions, tuneWriter } from '../../core/history/db';
import { SqliteHistoryStore } from '../../core/history/store';
import type { MessageInput } from '../../core/history/types';
import { tempDir } from '../harness/util';

/** scrypt at 2^10 keeps tests quick; production slots use 2^17 (stored per slot) */
export const FAST_KDF = { N: 1024 };
export const PASS = 'correct horse battery staple';

export function newStore(prefix = 'history'): { store: SqliteHistoryStore; dir: string; remove(): void } {
  const t = tempDir(prefix);
  const dir = join(t.path, 'archive');
  const store = createArchive(dir, { passphrase: PASS, kdf: FAST_KDF }) as SqliteHistoryStore;
  return { store, dir, remove: () => { try { store.close(); } catch { /* closed */ } t.remove(); } };
}

/**
 * The store's code over an UNencrypted SQLite file (`plain.db` in dir): the only way to look at
 * what the store leaves in a file's bytes (the archive itself is encrypted page by page), and the
 * bench's baselines (withFts false: schema 1, no full-text index).
 */
export function unencryptedStore(dir: string, withFts = true): SqliteHistoryStore {
  const db = new Database(join(dir, 'plain.db'));
  db.pragma('temp_store = MEMORY');
  registerFunctions(db);
  tuneWriter(db);
  const version = migrate(db, withFts ? undefined : 1);
  return new SqliteHistoryStore({
    dir,
    db,
    key: Buffer.alloc(32),
    slotsFile: { format: 'confab-archive-keyslots', version: 1, db: 'plain.db', cipher: 'sqlcipher', keyCheck: '', slots: [] },
    lock: null,
    readOnly: false,
    version,
    slotsName: 'unused.json',
  });
}

export function plainStore(prefix = 'plain'): { store: SqliteHistoryStore; dir: string; remove(): void } {
  const t = tempDir(prefix);
  const store = unencryptedStore(t.path);
  return { store, dir: t.path, remove: () => { try { store.close(); } catch { /* closed */ } t.remove(); } };
}

/** sha256 of every file in a folder (name → hash) */
export function snapshot(dir: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const f of readdirSync(dir).sort()) {
    const p = join(dir, f);
    if (statSync(p).isFile()) out[f] = createHash('sha256').update(readFileSync(p)).digest('hex');
  }
  return out;
}

/** true when any file in the folder contains the text (utf8 or utf16le) */
export function filesContain(dir: string, text: string): string[] {
  const hits: string[] = [];
  for (const f of readdirSync(dir)) {
    const p = join(dir, f);
    if (!statSync(p).isFile()) continue;
    const b = readFileSync(p);
    if (b.includes(Buffer.from(text, 'utf8')) || b.includes(Buffer.from(text, 'utf16le'))) hits.push(f);
  }
  return hits;
}

let seq = 0;
export function msg(accountId: number, conversationId: number, body: string, extra: Partial<MessageInput> = {}): MessageInput {
  seq++;
  return { accountId, conversationId, sender: 'bob@example.org', body, direction: 'in', serverTime: Date.UTC(2024, 4, 1, 12) + seq * 1000, ...extra };
}
