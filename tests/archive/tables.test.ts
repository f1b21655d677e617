/**
 * Migration 0004 (archive tables) and retention on them, against a real encrypted archive:
 * settings rows from before the migration move into the tables, deletion is real (rows gone, not
 * findable), the audit log is append-only, and a legal hold refuses every deletion — even one that
 * bypasses the retention code.
 */
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { LegalHoldError } from '../../core/archive/errors';
import { applyRetention, auditLog, auditPage, getPolicy, retentionSteps, setAccountRetention, setLegalHold } from '../../core/archive/retention';
import { listWatches, pollWatches } from '../../core/archive/watch';
import { migrate } from '../../core/history/archive';
import { connect, tuneWriter } from '../../core/history/db';
import { createArchive, openArchive, readKeyFile, type HistoryStore } from '../../core/history/index';
import { LATEST_VERSION } from '../../core/history/migrations/index';
import { tempDir } from '../harness/util';

const PASS = 'correct horse battery staple';
const KDF = { N: 1024 };
const DAY = 86_400_000;
const cleanups: Array<() => void> = [];
afterAll(() => cleanups.forEach((f) => f()));

function fresh(name: string): { store: HistoryStore; dir: string } {
  const t = tempDir(name);
  cleanups.push(() => t.remove());
  const dir = join(t.path, 'archive');
  const store = createArchive(dir, { passphrase: PASS, kdf: KDF });
  cleanups.push(() => { try { store.close(); } catch { /* closed */ } });
  return { store, dir };
}

describe('migration 0004: archive tables', () => {
  it('moves retention policy, legal hold, audit and watches out of settings into tables', () => {
    const { store, dir } = fresh('mig4');
    const keyFile = join(tempDir('mig4key').path, 'k.hex');
    store.exportKeyFile(keyFile);
    store.close();
    for (const f of ['history.db', 'history.db-wal', 'history.db-shm']) rmSync(join(dir, f), { force: true });
    const key = readKeyFile(keyFile);
    const db = connect(join(dir, 'history.db'), key, { readOnly: false, create: true });
    tuneWriter(db);
    expect(migrate(db, 3)).toBe(3);
    db.exec("INSERT INTO accounts(id, protocol, label, created_at) VALUES (1, 'irc', 'libera', 0), (2, 'xmpp', 'work', 0)");
    const set = db.prepare('INSERT INTO settings(key, value) VALUES (?, ?)');
    set.run('archive.retention', JSON.stringify({ accounts: { '1': 30, '2': null, '9': 5 }, hold: { on: true, reason: 'case 9', since: 1234 } }));
    set.run('archive.audit', JSON.stringify([{ at: 1, action: 'set-retention', accountId: 1, days: 30, by: 'cli' }, { at: 2, action: 'hold-on', reason: 'case 9', by: 'cli' }, { at: 3, action: 'bogus' }]));
    set.run('archive.watches', JSON.stringify([{ name: 'outage', query: 'outage', breakthrough: true, createdAt: 5, lastReceived: 6 }]));
    set.run('engine.settings', JSON.stringify({ keep: 'me' }));
    expect(migrate(db)).toBe(LATEST_VERSION);
    const names = (db.prepare("SELECT name FROM sqlite_schema WHERE type IN ('table', 'trigger')").pluck().all() as string[]);
    expect(names).toEqual(expect.arrayContaining(['retention_policy', 'legal_hold', 'audit_log', 'watches', 'messages_legal_hold', 'audit_log_no_update', 'audit_log_no_delete']));
    expect(db.prepare("SELECT key FROM settings ORDER BY key").pluck().all()).toEqual(['engine.settings']);
    db.close();

    const s = openArchive(dir, { key });
    cleanups.push(() => s.close());
    // account 9 does not exist and 2 keeps forever: only account 1 has a period
    expect(getPolicy(s)).toEqual({ accounts: { '1': 30 }, hold: { on: true, reason: 'case 9', since: 1234 } });
    expect(auditLog(s).map((e) => [e.at, e.action])).toEqual([[1, 'set-retention'], [2, 'hold-on']]);
    expect(listWatches(s)).toEqual([{ id: 1, name: 'outage', query: 'outage', breakthrough: true, createdAt: 5, lastReceived: 6 }]);
  });
});

describe('retention on the tables', () => {
  const { store } = fresh('retention');
  const now = Date.UTC(2026, 5, 1);
  const acc = store.addAccount({ protocol: 'irc', label: 'old' }).id;
  const other = store.addAccount({ protocol: 'irc', label: 'keep' }).id;
  const c1 = store.ensureConversation(acc, 'room', '#a').id;
  const c2 = store.ensureConversation(acc, 'direct', 'bob').id;
  const c3 = store.ensureConversation(other, 'room', '#b').id;
  const rows = [];
  for (let i = 0; i < 30; i++) {
    const t = now - (i + 1) * 10 * DAY; // 10, 20 … 300 days old
    rows.push({ accountId: acc, conversationId: i % 2 ? c1 : c2, sender: 'zed', body: `oldword number ${i}`, direction: 'in' as const, serverTime: t });
    rows.push({ accountId: other, conversationId: c3, sender: 'amy', body: `keepword number ${i}`, direction: 'in' as const, serverTime: t });
  }
  store.insertMessages(rows);

  it('keeps forever by default; N days deletes the older rows for real, in audited batches', () => {
    expect(getPolicy(store).accounts).toEqual({});
    expect(applyRetention(store, { now }).accounts).toEqual([]);
    setAccountRetention(store, acc, 95, 'test', now);
    const dry = applyRetention(store, { now, dryRun: true });
    expect(dry.accounts).toEqual([expect.objectContaining({ accountId: acc, due: 21, deleted: 0 })]);
    const steps = retentionSteps(store, { now, by: 'test', batch: 8 });
    let yields = 0;
    let r = steps.next();
    while (!r.done) { yields++; r = steps.next(); }
    expect(yields).toBe(3); // 8 + 8 + 5
    expect(r.value.accounts).toEqual([expect.objectContaining({ due: 21, deleted: 21 })]);
    expect(store.search('oldword').hits).toHaveLength(9);
    expect(store.countMessages(c1) + store.countMessages(c2)).toBe(9);
    expect(store.search('keepword').hits).toHaveLength(30);
    const deletes = auditLog(store).filter((e) => e.action === 'delete');
    expect(deletes.map((e) => e.count)).toEqual([8, 8, 5]);
    expect(deletes[0]).toMatchObject({ accountId: acc, days: 95, cutoff: now - 95 * DAY, by: 'test' });
  });

  it('a legal hold blocks retention (audited) and every other deletion of messages', () => {
    setAccountRetention(store, acc, 30, 'test', now);
    setLegalHold(store, true, 'case 17', 'test', now);
    expect(() => applyRetention(store, { now })).toThrow(LegalHoldError);
    expect(store.countMessages(c1) + store.countMessages(c2)).toBe(9);
    expect(auditLog(store).at(-1)).toMatchObject({ action: 'delete-blocked', count: 6, reason: 'case 17' });
    // not even the store's own deletion nor an account removal with its history gets through
    const anyId = store.latest(c1, 1)[0]!.id;
    expect(() => store.deleteMessages([anyId])).toThrow(/legal hold/);
    expect(() => store.removeAccount(other, { deleteHistory: true })).toThrow(/legal hold/);
    expect(store.search('keepword').hits).toHaveLength(30);
    setLegalHold(store, false, null, 'test', now);
    expect(applyRetention(store, { now }).accounts).toEqual([expect.objectContaining({ due: 6, deleted: 6 })]);
  });

  it('the audit log is append-only and pages newest first', () => {
    const db = (store as HistoryStore & { connection: import('../../core/history/db').DB }).connection;
    expect(() => db.prepare('DELETE FROM audit_log').run()).toThrow(/append-only/);
    expect(() => db.prepare("UPDATE audit_log SET reason = 'x'").run()).toThrow(/append-only/);
    const all = auditLog(store);
    const p1 = auditPage(store, { limit: 3 });
    expect(p1.entries.map((e) => e.id)).toEqual(all.slice(-3).reverse().map((e) => e.id));
    const p2 = auditPage(store, { limit: 100, before: p1.nextBefore! });
    expect(p2.nextBefore).toBeUndefined();
    expect([...p1.entries, ...p2.entries].map((e) => e.id)).toEqual(all.map((e) => e.id).reverse());
  });

  it('a read-only store (the app holds the write lock) refuses policy changes', () => {
    const ro = openArchive(store.dir, { passphrase: PASS }, { readOnly: true });
    try {
      expect(getPolicy(ro).accounts).toEqual({ [String(acc)]: 30 });
      expect(() => setAccountRetention(ro, acc, 10)).toThrow(/read-only/);
      expect(() => pollWatches(ro)).not.toThrow();
    } finally {
      ro.close();
    }
  });
});
