/**
 * deleteMessages (retention): rows, full-text entries and the text's bytes are gone; the writer
 * rule holds (a read-only open refuses). Dedup keeps working around deleted rows.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { UsageError, openArchive } from '../../core/history/index';
import type { SqliteHistoryStore } from '../../core/history/store';
import { PASS, filesContain, msg, newStore, plainStore } from './helpers';

const cleanups: Array<() => void> = [];
afterAll(() => cleanups.forEach((f) => f()));

/** a body long enough to need an overflow page, with a word found nowhere else */
const secret = (tag: string) => `${tag} ${'zq'.repeat(10)}-unique-${tag} `.repeat(150);

function seed(s: { store: SqliteHistoryStore }) {
  const a = s.store.addAccount({ protocol: 'xmpp', label: 'work' });
  const c = s.store.ensureConversation(a.id, 'direct', 'bob@example.org');
  const keep = Array.from({ length: 40 }, (_, i) => msg(a.id, c.id, `an ordinary message number ${i} about lunch`));
  const gone = [msg(a.id, c.id, 'the vault code is plumcrumble'), msg(a.id, c.id, secret('mandarinfox'), { serverId: 'S-del' })];
  const res = s.store.insertMessages([...keep.slice(0, 20), ...gone, ...keep.slice(20)]);
  return { a, c, goneIds: [res[20]!.id, res[21]!.id], gone };
}

describe('deleteMessages', () => {
  it('removes the rows and their index entries, returns the count, ignores unknown ids', () => {
    const s = newStore('delete');
    cleanups.push(s.remove);
    const { c, goneIds } = seed(s);
    expect(s.store.search('plumcrumble').hits).toHaveLength(1);
    expect(s.store.deleteMessages([...goneIds, 12345])).toBe(2);
    expect(s.store.deleteMessages([])).toBe(0);
    expect(s.store.search('plumcrumble').hits).toEqual([]);
    expect(s.store.search('mandarinfox*').hits).toEqual([]);
    expect(s.store.search('"vault code"').hits).toEqual([]);
    expect(goneIds.map((id) => s.store.getMessage(id))).toEqual([null, null]);
    expect(s.store.countMessages(c.id)).toBe(40);
    expect(s.store.search('lunch', { limit: 500 }).hits).toHaveLength(40);
    expect(s.store.verify()).toEqual({ ok: true, problems: [] });
    expect(() => s.store.deleteMessages([1.5])).toThrow(UsageError);
  });

  it('a read-only open (next to the writer) refuses to delete; the writer can', () => {
    const s = newStore('delete-ro');
    cleanups.push(s.remove);
    const { goneIds } = seed(s);
    const reader = openArchive(s.dir, { passphrase: PASS }, { readOnly: true });
    try {
      expect(() => reader.deleteMessages(goneIds)).toThrow(/read-only/);
      expect(() => openArchive(s.dir, { passphrase: PASS })).toThrow('the archive is open in Confab');
      expect(reader.search('plumcrumble').hits).toHaveLength(1);
    } finally {
      reader.close();
    }
    expect(s.store.deleteMessages(goneIds)).toBe(2);
  });

  it('dedup still holds around deleted rows: other messages are not suppressed, the same ms reuses no live id', () => {
    const s = newStore('delete-dedup');
    cleanups.push(s.remove);
    const { c, goneIds, gone } = seed(s);
    s.store.deleteMessages(goneIds);
    const again = s.store.insertMessages([gone[0]!, { ...gone[0]!, body: 'another text in the same millisecond' }]);
    expect(again.map((r) => r.status)).toEqual(['inserted', 'inserted']);
    expect(new Set(again.map((r) => r.id)).size).toBe(2);
    expect(s.store.insertMessage({ ...gone[0]! }).status).toBe('duplicate');
    expect(s.store.countMessages(c.id)).toBe(42);
  });

  it('the deleted text is not in the bytes of any file after the checkpoint (store code over an unencrypted file)', () => {
    // the archive is encrypted page by page, so its bytes never show text; the same store code over
    // a plain SQLite file shows whether deleted text is really overwritten (secure_delete + FTS5 secure-delete)
    const p = plainStore('delete-bytes');
    cleanups.push(p.remove);
    const { goneIds } = seed(p);
    p.store.connection.pragma('wal_checkpoint(TRUNCATE)');
    expect(filesContain(p.dir, 'plumcrumble')).not.toEqual([]);
    expect(filesContain(p.dir, 'zqzqzqzqzqzqzqzqzqzq-unique-mandarinfox')).not.toEqual([]);
    expect(p.store.deleteMessages(goneIds)).toBe(2);
    expect(filesContain(p.dir, 'plumcrumble')).toEqual([]);
    expect(filesContain(p.dir, 'mandarinfox')).toEqual([]);
    expect(filesContain(p.dir, 'an ordinary message number 7 about lunch')).not.toEqual([]);
    p.store.close();
    expect(filesContain(p.dir, 'plumcrumble')).toEqual([]);
  });

  it('control: a plain DELETE without secure_delete leaves the text in the file (so the check above can fail)', () => {
    const p = plainStore('delete-control');
    cleanups.push(p.remove);
    const { goneIds } = seed(p);
    const db = p.store.connection;
    db.pragma('wal_checkpoint(TRUNCATE)');
    db.prepare('DELETE FROM messages WHERE id IN (?, ?)').run(...goneIds);
    db.pragma('wal_checkpoint(TRUNCATE)');
    expect(filesContain(p.dir, 'plumcrumble')).not.toEqual([]);
  });

  it('the encrypted archive: deleted text neither searchable nor readable at rest', () => {
    const s = newStore('delete-enc');
    cleanups.push(s.remove);
    const { goneIds } = seed(s);
    s.store.deleteMessages(goneIds);
    s.store.close();
    expect(filesContain(s.dir, 'plumcrumble')).toEqual([]);
    const r = openArchive(s.dir, { passphrase: PASS }, { readOnly: true });
    try {
      expect(r.search('plumcrumble').hits).toEqual([]);
      expect(r.countMessages()).toBe(40);
    } finally {
      r.close();
    }
  });
});
