/** One test per numbered migration, plus the rules around them. */
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { migrate } from '../../core/history/archive';
import { connect, tuneWriter, type DB } from '../../core/history/db';
import { HistoryError, openArchive, readKeyFile } from '../../core/history/index';
import { LATEST_VERSION, MIGRATIONS } from '../../core/history/migrations/index';
import { tempDir } from '../harness/util';
import { PASS, newStore } from './helpers';

const cleanups: Array<() => void> = [];
afterAll(() => cleanups.forEach((f) => f()));

/** an archive folder whose database is at schema `version` (built by running migrations up to it) */
function archiveAt(version: number): { dir: string; key: Buffer; db: DB } {
  const s = newStore(`mig${version}`);
  cleanups.push(s.remove);
  const keyFile = join(tempDir('migkey').path, 'k.hex');
  s.store.exportKeyFile(keyFile);
  s.store.close();
  for (const f of ['history.db', 'history.db-wal', 'history.db-shm']) rmSync(join(s.dir, f), { force: true });
  const key = readKeyFile(keyFile);
  const db = connect(join(s.dir, 'history.db'), key, { readOnly: false, create: true });
  tuneWriter(db);
  expect(migrate(db, version)).toBe(version);
  return { dir: s.dir, key, db };
}

const tables = (db: DB) => (db.prepare("SELECT name FROM sqlite_schema WHERE type IN ('table', 'trigger') ORDER BY name").all() as Array<{ name: string }>).map((r) => r.name);

describe('migrations', () => {
  it('are numbered 1..n without holes, and each has a test here', () => {
    expect(MIGRATIONS.map((m) => m.version)).toEqual(Array.from({ length: LATEST_VERSION }, (_, i) => i + 1));
    expect(COVERED).toEqual(MIGRATIONS.map((m) => m.version));
  });

  it('0001 core tables: accounts, contacts, metacontacts, conversations, messages, settings, gaps', () => {
    const { db } = archiveAt(1);
    expect(db.pragma('user_version', { simple: true })).toBe(1);
    expect(tables(db)).toEqual(['accounts', 'contacts', 'conversations', 'gaps', 'messages', 'metacontacts', 'settings']);
    const cols = (db.prepare('PRAGMA table_info(messages)').all() as Array<{ name: string }>).map((c) => c.name);
    expect(cols).toEqual(expect.arrayContaining(['account_id', 'conversation_id', 'sender', 'body', 'server_time', 'received_time', 'direction', 'kind', 'server_id', 'client_id', 'state', 'edited_at', 'retracted_at', 'source']));
    db.close();
  });

  it('0002 full-text index: indexes the messages already there, then follows inserts, edits and deletes', () => {
    const { dir, key, db } = archiveAt(1);
    db.exec("INSERT INTO accounts(id, protocol, label, created_at) VALUES (1, 'xmpp', 'a', 0)");
    db.exec("INSERT INTO conversations(id, account_id, kind, address, created_at) VALUES (1, 1, 'direct', 'bob', 0)");
    const ins = db.prepare("INSERT INTO messages(id, account_id, conversation_id, sender, body, direction, server_time, received_time) VALUES (?, 1, 1, 'bob', ?, 0, ?, ?)");
    ins.run(1000 * 1024, 'an old message about penguins', 1000, 1000);
    ins.run(2000 * 1024, '古い東京のメッセージ', 2000, 2000);
    expect(migrate(db, 2)).toBe(2);
    expect(tables(db)).toEqual(expect.arrayContaining(['messages_fts', 'messages_fts_ad', 'messages_fts_au']));
    expect((db.prepare("SELECT v FROM messages_fts_config WHERE k = 'secure-delete'").get() as { v: number }).v).toBe(1);
    db.close();
    const s = openArchive(dir, { key });
    expect(s.version).toBe(LATEST_VERSION);
    expect(s.search('penguins').hits).toHaveLength(1);
    expect(s.search('東京').hits).toHaveLength(1);
    const [m] = s.insertMessages([{ accountId: 1, conversationId: 1, sender: 'bob', body: 'new walrus', direction: 'in', serverTime: 3000 }]);
    expect(s.search('walrus').hits).toHaveLength(1);
    s.editMessage(m!.id, 'new seal');
    expect(s.search('walrus').hits).toHaveLength(0);
    expect(s.search('seal').hits).toHaveLength(1);
    s.close();
  });

  it('0003 senders: the distinct senders of the messages already there, then of new ones; from: resolves through them', () => {
    const { dir, key, db } = archiveAt(2);
    db.exec("INSERT INTO accounts(id, protocol, label, created_at) VALUES (1, 'irc', 'a', 0)");
    db.exec("INSERT INTO conversations(id, account_id, kind, address, created_at) VALUES (1, 1, 'room', '#c', 0)");
    const ins = db.prepare("INSERT INTO messages(id, account_id, conversation_id, sender, sender_name, body, direction, server_time, received_time) VALUES (?, 1, 1, ?, ?, 'old walrus talk', 0, ?, ?)");
    ins.run(1000 * 1024, '#c/alice', 'Alice A.', 1000, 1000);
    ins.run(2000 * 1024, '#c/alice', 'Alice A.', 2000, 2000);
    ins.run(3000 * 1024, '#c/bob', null, 3000, 3000);
    db.exec("INSERT INTO messages_fts(rowid, body) SELECT id, body FROM messages_fts_src");
    expect(migrate(db, 3)).toBe(3);
    expect(db.prepare('SELECT sender, name FROM senders ORDER BY sender').all()).toEqual([
      { sender: '#c/alice', name: 'Alice A.' },
      { sender: '#c/bob', name: '' },
    ]);
    expect(tables(db)).toContain('senders');
    db.close();
    const s = openArchive(dir, { key });
    s.insertMessages([{ accountId: 1, conversationId: 1, sender: '#c/carol', body: 'new walrus', direction: 'in', serverTime: 4000 }]);
    expect(s.search('walrus from:alice').hits).toHaveLength(2);
    expect(s.search('walrus from:"alice a."').hits).toHaveLength(2);
    expect(s.search('walrus from:carol').hits).toHaveLength(1);
    expect(s.search('walrus from:nobody').hits).toHaveLength(0);
    s.close();
  });

  it('0005 senders in the full-text index: rebuilt with a who column, messages(sender) index dropped, from: still finds the old messages', () => {
    const { dir, key, db } = archiveAt(4);
    db.exec("INSERT INTO accounts(id, protocol, label, created_at) VALUES (1, 'irc', 'a', 0)");
    db.exec("INSERT INTO conversations(id, account_id, kind, address, created_at) VALUES (1, 1, 'room', '#c', 0)");
    const ins = db.prepare("INSERT INTO messages(id, account_id, conversation_id, sender, body, direction, server_time, received_time) VALUES (?, 1, 1, ?, ?, 0, ?, ?)");
    ins.run(1000 * 1024, '#c/alice', 'old walrus talk', 1000, 1000);
    ins.run(2000 * 1024, '#c/bob', 'old walrus 東京', 2000, 2000);
    db.exec("INSERT INTO messages_fts(rowid, body) SELECT id, body FROM messages_fts_src");
    db.exec("INSERT OR IGNORE INTO senders(sender, name) SELECT DISTINCT sender, '' FROM messages");
    expect(db.prepare("SELECT name FROM sqlite_schema WHERE name = 'messages_sender'").get()).toBeTruthy();
    expect(migrate(db, 5)).toBe(5);
    expect((db.prepare('PRAGMA table_info(messages_fts)').all() as Array<{ name: string }>).map((c) => c.name)).toEqual(['body', 'who']);
    expect(db.prepare("SELECT name FROM sqlite_schema WHERE name = 'messages_sender'").get()).toBeUndefined();
    expect((db.prepare("SELECT v FROM messages_fts_config WHERE k = 'secure-delete'").get() as { v: number }).v).toBe(1);
    db.close();
    const s = openArchive(dir, { key });
    expect(s.verify()).toEqual({ ok: true, problems: [] });
    expect(s.search('walrus from:alice').hits.map((h) => h.message.body)).toEqual(['old walrus talk']);
    expect(s.search('東京 from:bob').hits).toHaveLength(1);
    expect(s.search('from:bob').hits).toHaveLength(1);
    // a word never matches a sender token, and edits / deletes keep both columns in step
    const [m] = s.insertMessages([{ accountId: 1, conversationId: 1, sender: '#c/carol', body: 'new walrus', direction: 'in', serverTime: 4000 }]);
    expect(s.search('walrus from:carol').hits).toHaveLength(1);
    s.editMessage(m!.id, 'new seal');
    expect(s.search('seal from:carol').hits).toHaveLength(1);
    s.deleteMessages([m!.id]);
    expect(s.search('from:carol').hits).toHaveLength(0);
    expect(s.verify()).toEqual({ ok: true, problems: [] });
    s.close();
  });

  it('an older archive is upgraded by the writer; a read-only open asks for that first', () => {
    const { dir, key, db } = archiveAt(1);
    db.close();
    expect(() => openArchive(dir, { key }, { readOnly: true })).toThrow(HistoryError);
    expect(() => openArchive(dir, { key }, { readOnly: true })).toThrow(/needs an upgrade/);
    const w = openArchive(dir, { passphrase: PASS });
    expect(w.version).toBe(LATEST_VERSION);
    w.close();
    openArchive(dir, { key }, { readOnly: true }).close();
  });
});

/** 0004 (archive tables) is owned and tested by the archive tools: tests/archive/tables.test.ts */
const COVERED = [1, 2, 3, 4, 5];
