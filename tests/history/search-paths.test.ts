/**
 * The fast paths of search keep their answers: date ranges and page cursors handed to the full-text
 * index as INTEGER bounds (FTS5 ignores REAL ones and walks the whole index), and `from:` resolved
 * through the in-memory senders index, which must notice senders added later — by this connection
 * or by the writer while a read-only reader has the archive open.
 */
import Database from 'better-sqlite3-multiple-ciphers';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openArchive } from '../../core/history/index';
import type { SqliteHistoryStore } from '../../core/history/store';
import { newStore, PASS } from './helpers';

let store: SqliteHistoryStore;
let dir: string;
let remove: () => void;
let conv: number;
let account: number;
const DAY = 24 * 3600 * 1000;
const T0 = new Date(2024, 0, 1, 12).getTime(); // local time, like the date filters
const probe = new Database(':memory:');
const sqlType = (v: unknown) => (probe.prepare('SELECT typeof(?) AS t').get(v) as { t: string }).t;

beforeAll(() => {
  const s = newStore('search-paths');
  store = s.store;
  dir = s.dir;
  remove = s.remove;
  account = store.addAccount({ protocol: 'xmpp', label: 'work' }).id;
  conv = store.ensureConversation(account, 'room', 'team@conference.example.org', 'Team').id;
  // 120 days, three messages a day; "deploy" in every third message, so each day has exactly one
  const rows = [];
  for (let d = 0; d < 120; d++) {
    for (let k = 0; k < 3; k++) {
      rows.push({
        accountId: account,
        conversationId: conv,
        sender: `team@conference.example.org/${k === 0 ? 'alice' : 'bob'}`,
        body: k === 0 ? `deploy number ${d}` : `chatter ${d}-${k}`,
        serverTime: T0 + d * DAY + k * 60_000,
        direction: 'in' as const,
      });
    }
  }
  store.insertMessages(rows);
});
afterAll(() => {
  probe.close();
  remove();
});

const bodies = (q: string, opts = {}) => store.search(q, opts).hits.map((h) => h.message.body);

describe('search fast paths', () => {
  it('date filters and page cursors reach the full-text index as INTEGER rowid bounds (a REAL bound is ignored by FTS5)', () => {
    const first = store.search('deploy after:2024-02-01', { limit: 10 });
    const b = store.buildSearch('deploy after:2024-02-01 before:2024-03-01', { cursor: first.nextCursor! })!;
    const bounds = b.params.filter((p) => typeof p !== 'string');
    expect(bounds.length).toBe(3); // limit, lower bound, upper bound (the cursor, below before:)
    for (const p of bounds.slice(0, 2)) expect(sqlType(p)).toBe('integer');
    const rel = store.buildSearch('deploy on:2024-02', { order: 'relevance' })!;
    expect(rel.params.filter((p) => typeof p === 'bigint').length).toBe(2);
  });

  it('a month, paged newest-first through its cursors, returns exactly that month once', () => {
    const seen: string[] = [];
    let cursor: string | undefined;
    for (;;) {
      const r = store.search('deploy on:2024-02', { limit: 7, ...(cursor ? { cursor } : {}) });
      seen.push(...r.hits.map((h) => h.message.body));
      if (!r.nextCursor) break;
      cursor = r.nextCursor;
    }
    // February 2024 is days 31..59 after Jan 1st
    expect(seen).toEqual(Array.from({ length: 29 }, (_, i) => `deploy number ${59 - i}`));
    expect(bodies('deploy before:2024-01-03')).toEqual(['deploy number 1', 'deploy number 0']);
    expect(bodies('deploy after:2024-04-28')).toEqual(['deploy number 119', 'deploy number 118']); // day 119 is April 29th
  });

  it('from: finds a sender who first wrote after an earlier from: search (the senders index follows the table)', () => {
    expect(bodies('deploy from:alice', { limit: 2 })).toEqual(['deploy number 119', 'deploy number 118']);
    expect(bodies('from:carol')).toEqual([]);
    store.insertMessage({ accountId: account, conversationId: conv, sender: 'team@conference.example.org/Carol', body: 'deploy is done', serverTime: T0 + 200 * DAY, direction: 'in' });
    expect(bodies('from:carol')).toEqual(['deploy is done']);
    expect(bodies('deploy from:CAROL')).toEqual(['deploy is done']);
    expect(bodies('from:team@conference.example.org/carol')).toEqual(['deploy is done']);
  });

  it('search hits and conversation pages (read as arrays) are the same messages getMessage returns, every field', () => {
    const edited = store.search('deploy number 7', { limit: 1 }).hits[0]!.message;
    store.editMessage(edited.id, 'deploy number 7 (fixed)');
    store.insertMessage({
      accountId: account, conversationId: conv, sender: 'me@example.org', senderName: 'Me', body: 'deploy log attached', kind: 'chat',
      serverTime: T0 + 150 * DAY, direction: 'out', serverId: 'srv-1', clientId: 'cl-1', state: 'delivered', oobUrl: 'https://example.org/log.txt',
    });
    const hits = store.search('deploy', { limit: 40 }).hits.map((h) => h.message);
    const pages = [...store.latest(conv, 30), ...store.messagesAround(edited.id, 5), ...store.before(conv, edited.id, 3), ...store.after(conv, edited.id, 3)];
    for (const m of [...hits, ...pages]) expect(m).toEqual(store.getMessage(m.id));
    expect(pages.find((m) => m.id === edited.id)?.editedAt).not.toBeNull();
    expect(hits.find((m) => m.body === 'deploy log attached')).toMatchObject({ direction: 'out', senderName: 'Me', clientId: 'cl-1', serverId: 'srv-1', state: 'delivered', oobUrl: 'https://example.org/log.txt' });
  });

  it('a read-only reader sees senders the writer adds while it is open', () => {
    const reader = openArchive(dir, { passphrase: PASS }, { readOnly: true });
    try {
      expect(reader.search('from:dave').hits).toEqual([]);
      store.insertMessage({ accountId: account, conversationId: conv, sender: 'dave@example.org', senderName: 'Dave Duck', body: 'hello team', serverTime: T0 + 201 * DAY, direction: 'in' });
      expect(reader.search('from:dave').hits.map((h) => h.message.body)).toEqual(['hello team']);
      expect(reader.search('from:"dave duck"').hits.map((h) => h.message.body)).toEqual(['hello team']);
    } finally {
      reader.close();
    }
  });
});
