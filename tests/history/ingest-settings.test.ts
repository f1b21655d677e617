/**
 * The writer's ingest settings (db.ts, measured in docs/history-ingest.md): a 64 MiB page cache, a
 * WAL checkpointed every 64 MiB and truncated back to that size — whatever the page size of the
 * archive (archives of older releases keep theirs). What a user relies on: the WAL stays bounded
 * (disk use and the crash-recovery read on the next open), and closing leaves everything in the
 * database file, readable by a reader process without the WAL.
 */
import { existsSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { openArchive } from '../../core/history/index';
import { WAL_CHECKPOINT_BYTES, WRITER_CACHE_KIB } from '../../core/history/db';
import type { SqliteHistoryStore } from '../../core/history/store';
import { msg, newStore, PASS } from './helpers';

const s = newStore('ingest-settings');
afterAll(() => s.remove());

describe('writer settings', () => {
  it('bounds the WAL and the page cache; closing checkpoints everything into the database', () => {
    const db = s.store.connection;
    const pageSize = db.pragma('page_size', { simple: true }) as number;
    expect(db.pragma('cache_size', { simple: true })).toBe(-WRITER_CACHE_KIB);
    expect((db.pragma('wal_autocheckpoint', { simple: true }) as number) * pageSize).toBe(WAL_CHECKPOINT_BYTES);
    expect(db.pragma('journal_size_limit', { simple: true })).toBe(WAL_CHECKPOINT_BYTES);
    expect(WRITER_CACHE_KIB).toBeLessThanOrEqual(128 * 1024); // the app's memory budget for the archive

    const a = s.store.addAccount({ protocol: 'xmpp', label: 'work' });
    const c = s.store.ensureConversation(a.id, 'direct', 'bob@example.org');
    const rows = Array.from({ length: 3000 }, (_, i) => msg(a.id, c.id, `settings message ${i} quince`));
    for (let i = 0; i < rows.length; i += 500) s.store.insertMessages(rows.slice(i, i + 500));
    const wal = join(s.dir, 'history.db-wal');
    expect(statSync(wal).size).toBeGreaterThan(0); // not yet checkpointed: below the bound
    expect(statSync(wal).size).toBeLessThanOrEqual(WAL_CHECKPOINT_BYTES + 4 * 1024 * 1024);
    s.store.close();
    expect(existsSync(wal) ? statSync(wal).size : 0).toBe(0);

    const reader = openArchive(s.dir, { passphrase: PASS }, { readOnly: true }) as SqliteHistoryStore;
    try {
      expect(reader.countMessages(c.id)).toBe(3000);
      expect(reader.search('quince', { limit: 5 }).hits).toHaveLength(5);
    } finally {
      reader.close();
    }
  });
});
