/**
 * Compacting the full-text index (core/history/indexCompaction.ts): an archive written in many
 * transactions has many FTS5 segments; bounded merge steps bring it down to one or two, every
 * search gives the same hits as before, the index passes its integrity check, and a read-only
 * store refuses to merge.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { openArchive } from '../../core/history/index';
import type { SqliteHistoryStore } from '../../core/history/store';
import { msg, newStore, PASS } from './helpers';

const s = newStore('compaction');
afterAll(() => s.remove());
const WORDS = ['alpha', 'bravo', 'charlie', 'delta', 'echo', 'foxtrot', 'golf', 'hotel', 'india', 'juliett', 'kilo', 'lima'];
const T0 = Date.UTC(2023, 0, 1);

function fill(store: SqliteHistoryStore) {
  const acc = store.addAccount({ protocol: 'xmpp', label: 'work', config: {} });
  const convs = [0, 1, 2].map((i) => store.ensureConversation(acc.id, 'direct', `p${i}@example.org`).id);
  // 40 transactions of 150 messages: FTS5 writes a segment per transaction and merges few of them
  for (let b = 0; b < 40; b++) {
    const rows = [];
    for (let i = 0; i < 150; i++) {
      const n = b * 150 + i;
      rows.push(msg(acc.id, convs[n % 3]!, `${WORDS[n % 12]} ${WORDS[(n * 7) % 12]} message ${n} ${n % 97 === 0 ? 'zebra' : ''} 会议${n % 5}`, { serverTime: T0 + n * 60_000, serverId: `s${n}`, sender: `p${n % 3}@example.org` }));
    }
    store.insertMessages(rows);
  }
}

const QUERIES = ['alpha', 'zebra', '"bravo hotel"', 'del*', 'echo -golf', 'from:p1@example.org kilo', 'on:2023-01-02 lima', '会议3', 'india OR juliett'];

function allHits(store: SqliteHistoryStore, q: string): number[] {
  const ids: number[] = [];
  let cursor: string | null = null;
  do {
    const page = store.search(q, { limit: 200, cursor });
    ids.push(...page.hits.map((h) => h.message.id));
    cursor = page.nextCursor;
  } while (cursor);
  return ids;
}

describe('full-text index compaction', () => {
  it('merges many segments into few in bounded steps; searches find exactly the same messages', () => {
    fill(s.store);
    const before = s.store.indexSegments();
    expect(before).toBeGreaterThan(4);
    const hitsBefore = QUERIES.map((q) => allHits(s.store, q));
    expect(Object.fromEntries(QUERIES.map((q, i) => [q, hitsBefore[i]!.length > 0]))).toEqual(Object.fromEntries(QUERIES.map((q) => [q, true])));
    let steps = 0;
    while (s.store.compactIndexStep(16)) steps++;
    const after = s.store.indexSegments();
    expect(after).toBeLessThanOrEqual(2);
    expect(steps).toBeGreaterThan(1); // bounded: more than one step was needed for this much
    expect(QUERIES.map((q) => allHits(s.store, q))).toEqual(hitsBefore);
    expect(s.store.verify()).toEqual({ ok: true, problems: [] });
    // nothing left to do: the next step reports so, and changes nothing
    expect(s.store.compactIndexStep(16)).toBe(false);
    expect(s.store.indexSegments()).toBe(after);
  });

  it('a reader counts segments but may not merge', () => {
    const r = openArchive(s.dir, { passphrase: PASS }, { readOnly: true });
    try {
      expect(r.indexSegments()).toBe(s.store.indexSegments());
      expect(() => r.compactIndexStep()).toThrow(/read-only/);
    } finally {
      r.close();
    }
  });
});
