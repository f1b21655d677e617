/** Search semantics on a small real archive, paging, snippets, groups, and the plans of hot queries. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { QueryError } from '../../core/history/index';
import { SqliteHistoryStore } from '../../core/history/store';
import { senderToken } from '../../core/history/text';
import { newStore } from './helpers';

let store: SqliteHistoryStore;
let remove: () => void;
const ids: Record<string, number> = {};
const T = (d: number, h = 12) => new Date(2024, 4, d, h).getTime(); // local time, like the date filters

beforeAll(() => {
  const s = newStore('search');
  store = s.store;
  remove = s.remove;
  const work = store.addAccount({ protocol: 'xmpp', label: 'work' });
  const irc = store.addAccount({ protocol: 'irc', label: 'libera' });
  const bobX = store.upsertContact({ accountId: work.id, address: 'bob@example.org', name: 'Bob' });
  const bobI = store.upsertContact({ accountId: irc.id, address: 'bobby' });
  store.linkContacts('Bob Builder', [bobX.id, bobI.id]);
  const dmBob = store.ensureConversation(work.id, 'direct', 'bob@example.org');
  const dmBobIrc = store.ensureConversation(irc.id, 'direct', 'bobby');
  const dmCarol = store.ensureConversation(work.id, 'direct', 'carol@example.org');
  const room = store.ensureConversation(irc.id, 'room', '#confab', 'Confab dev');
  const add = (key: string, accountId: number, conversationId: number, sender: string, body: string, t: number, direction: 'in' | 'out' = 'in') => {
    ids[key] = store.insertMessage({ accountId, conversationId, sender, body, serverTime: t, direction, ...(direction === 'out' ? { state: 'sent' as const } : {}) }).id;
  };
  add('cafe', work.id, dmBob.id, 'bob@example.org', 'Lunch at the Café Müller tomorrow?', T(1));
  add('release', work.id, dmBob.id, 'me@example.org', 'The release notes are ready for review', T(2), 'out');
  add('conf', work.id, dmCarol.id, 'carol@example.org', 'The conference talk was about release engineering', T(3));
  add('ircbob', irc.id, dmBobIrc.id, 'bobby', 'release party tonight at the harbour', T(4));
  add('room1', irc.id, room.id, '#confab/alice', 'who broke the build again', T(5));
  add('room2', irc.id, room.id, '#confab/bobby', 'not me, the build was green', T(6));
  add('cjk', work.id, dmCarol.id, 'carol@example.org', '明日は東京駅で会いましょう', T(7));
  add('cjkmix', work.id, dmCarol.id, 'carol@example.org', '会议 tomorrow 在北京', T(8));
  add('quote', work.id, dmCarol.id, 'carol@example.org', 'she said "ship it" and left', T(9));
});
afterAll(() => remove());

const plan = (b: { sql: string; params: unknown[] } | null) => store.explain(b!.sql, b!.params).join('\n');
const found = (q: string, opts = {}) => store.search(q, opts).hits.map((h) => Object.entries(ids).find(([, v]) => v === h.message.id)![0]);

describe('search', () => {
  it('words, case and diacritics folded, newest first', () => {
    expect(found('release')).toEqual(['ircbob', 'conf', 'release']);
    expect(found('cafe muller')).toEqual(['cafe']);
    expect(found('CAFÉ')).toEqual(['cafe']);
  });

  it('phrases, prefixes, AND / OR / NOT, groups', () => {
    expect(found('"release notes"')).toEqual(['release']);
    expect(found('"notes release"')).toEqual([]);
    expect(found('"ship it"')).toEqual(['quote']);
    expect(found('conf*')).toEqual(['conf']);
    expect(found('build AND green')).toEqual(['room2']);
    expect(found('lunch OR party')).toEqual(['ircbob', 'cafe']);
    expect(found('release NOT party')).toEqual(['conf', 'release']);
    expect(found('release -party -engineering')).toEqual(['release']);
    expect(found('(lunch OR party) tomorrow')).toEqual(['cafe']);
  });

  it('CJK text is found by any run of characters, alone or mixed with other words', () => {
    expect(found('東京')).toEqual(['cjk']);
    expect(found('東京駅')).toEqual(['cjk']);
    expect(found('駅')).toEqual(['cjk']);
    expect(found('京東')).toEqual([]);
    expect(found('北京 tomorrow')).toEqual(['cjkmix']);
    expect(found('会')).toEqual(['cjkmix', 'cjk']);
    const hit = store.search('東京').hits[0]!;
    expect(hit.snippet).toBe('明日は\u0002東京\u0003駅で会いましょう');
  });

  it('filters: from, in, with (one person across networks), account, dates', () => {
    expect(found('release from:me')).toEqual(['release']);
    expect(found('from:carol')).toEqual(['quote', 'cjkmix', 'cjk', 'conf']);
    // a known contact stands for the whole person (bobby on IRC is linked with bob@example.org)
    expect(found('from:bobby')).toEqual(['room2', 'ircbob', 'cafe']);
    expect(found('from:alice')).toEqual(['room1']);
    expect(found('from:"Bob Builder"')).toEqual(['room2', 'ircbob', 'cafe']);
    expect(found('build in:#confab')).toEqual(['room2', 'room1']);
    expect(found('in:"confab dev" from:alice')).toEqual(['room1']);
    expect(found('with:bob')).toEqual(['ircbob', 'release', 'cafe']);
    expect(found('release with:"Bob Builder"')).toEqual(['ircbob', 'release']);
    expect(found('release account:libera')).toEqual(['ircbob']);
    expect(found('release account:xmpp')).toEqual(['conf', 'release']);
    expect(found('release after:2024-05-03')).toEqual(['ircbob', 'conf']);
    expect(found('release before:2024-05-03')).toEqual(['release']);
    expect(found('on:2024-05-05')).toEqual(['room1']);
    expect(found('release in:nowhere')).toEqual([]);
    expect(found('release account:nosuch')).toEqual([]);
    // the index's sender tokens are not words: typing one finds nothing
    expect(found(senderToken('carol@example.org'))).toEqual([]);
  });

  it('both plans give the same answers (filter walked first, or full-text hits walked and filtered)', () => {
    const qs = ['release from:me', 'build from:bobby', 'release from:"Bob Builder"', 'build in:#confab', 'release with:bob', 'release with:"Bob Builder" after:2024-05-02', '会 from:carol', 'the in:"confab dev" from:alice'];
    const first = qs.map((q) => found(q));
    expect(first.flat().length).toBeGreaterThan(10);
    store.filterFirstMax = 0;
    try {
      expect(qs.map((q) => found(q))).toEqual(first);
      expect(plan(store.buildSearch('release from:bob'))).toMatch(/SCAN messages_fts VIRTUAL TABLE INDEX/);
    } finally {
      store.filterFirstMax = 20_000;
    }
  });

  it('paging by cursor walks every hit once, in order; relevance order with bm25', () => {
    const all = found('the');
    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const page = store.search('the', { limit: 2, cursor });
      seen.push(...page.hits.map((h) => Object.entries(ids).find(([, v]) => v === h.message.id)![0]));
      cursor = page.nextCursor;
    } while (cursor);
    expect(seen).toEqual(all);
    expect(all.length).toBeGreaterThan(4);
    const rel = store.search('release', { order: 'relevance' }).hits.map((h) => h.message.id);
    expect(new Set(rel)).toEqual(new Set([ids.ircbob, ids.conf, ids.release]));
    const relPaged = [...store.search('release', { order: 'relevance', limit: 2 }).hits];
    const next = store.search('release', { order: 'relevance', limit: 2, cursor: store.search('release', { order: 'relevance', limit: 2 }).nextCursor });
    expect([...relPaged, ...next.hits].map((h) => h.message.id)).toEqual(rel);
    expect(() => store.search('release', { cursor: 'r2' })).toThrow(QueryError);
    expect(() => store.search('release', { cursor: "n1; DROP TABLE messages" })).toThrow(QueryError);
  });

  it('relevance order ranks inside the index and fetches only the page (no filter, or only from:); other filters join first — same answers', () => {
    const rel = (q: string) => store.search(q, { order: 'relevance', limit: 500 }).hits.map((h) => h.message.id).sort();
    const newest = (q: string) => store.search(q, { limit: 500 }).hits.map((h) => h.message.id).sort();
    for (const q of ['release', 'the', 'release from:bobby', 'the from:carol', 'release account:libera', 'the in:#confab', '会']) expect(rel(q), q).toEqual(newest(q));
    expect(plan(store.buildSearch('release', { order: 'relevance' }))).toMatch(/CO-ROUTINE f\nSCAN messages_fts VIRTUAL TABLE[^\n]*\nUSE TEMP B-TREE FOR ORDER BY\nSCAN f\nSEARCH m USING INTEGER PRIMARY KEY/);
    expect(plan(store.buildSearch('release account:libera', { order: 'relevance' }))).not.toMatch(/CO-ROUTINE/);
  });

  it('snippets mark the matches; hits are grouped by conversation and open in context', () => {
    const r = store.search('release', { markers: ['[', ']'] });
    expect(r.hits.map((h) => h.snippet)).toEqual([
      '[release] party tonight at the harbour',
      'The conference talk was about [release] engineering',
      'The [release] notes are ready for review',
    ]);
    expect(r.groups.map((g) => [g.conversation.address, g.hitIndexes])).toEqual([
      ['bobby', [0]],
      ['carol@example.org', [1]],
      ['bob@example.org', [2]],
    ]);
    const around = store.messagesAround(r.hits[1]!.message.id, 1).map((m) => m.id);
    expect(around).toEqual([ids.conf, ids.cjk]);
  });

  it('snippets highlight what the index matched: whole tokens, prefixes, phrases, folded case and diacritics', () => {
    const snip = (q: string) => store.search(q, { markers: ['[', ']'] }).hits.map((h) => h.snippet);
    expect(snip('the from:carol')).toEqual(['[The] conference talk was about release engineering']);
    expect(snip('conf*')).toEqual(['The [conference] talk was about release engineering']);
    expect(snip('"release notes"')).toEqual(['The [release notes] are ready for review']);
    expect(snip('cafe MULLER')).toEqual(['Lunch at the [Café] [Müller] tomorrow?']);
    expect(snip('北京 tomorrow')).toEqual(['会议 [tomorrow] 在[北京]']);
  });

  it('the index stays consistent with CJK rows, edits and retractions (integrity_check)', () => {
    const extra = store.insertMessage({ accountId: 1, conversationId: 1, sender: 'bob@example.org', body: '臨時の東京メモ', direction: 'in', serverTime: T(20) });
    ids.extra = extra.id;
    store.editMessage(extra.id, '修正した京都メモ');
    expect(found('京都')).toEqual(['extra']);
    expect(found('東京')).toEqual(['cjk']);
    store.retractMessage(extra.id);
    expect(found('京都')).toEqual([]);
    expect(store.verify()).toEqual({ ok: true, problems: [] });
  });

  it('malformed queries give QueryError, never an SQL error', () => {
    for (const q of ['"open', 'a AND', 'NOT x', 'on:2024-99-01', '(a', 'from:']) expect(() => store.search(q)).toThrow(QueryError);
  });
});

describe('query plans of hot queries', () => {

  it('newest-first search walks the FTS index in rowid order with LIMIT (no sort of all matches)', () => {
    for (const q of ['release', 'release on:2024-05-02', '東京 account:work', 'a OR b -c']) {
      const p = plan(store.buildSearch(q));
      expect(p).toMatch(/SCAN messages_fts VIRTUAL TABLE INDEX/);
      expect(p).toMatch(/SEARCH m USING INTEGER PRIMARY KEY \(rowid=\?\)/);
      expect(p).not.toMatch(/TEMP B-TREE/);
    }
  });

  it('from: is a column filter inside the full-text query: FTS5 intersects it newest-first, no sender index walk', () => {
    for (const q of ['release from:bob', 'release from:bob on:2024-05-02', 'from:carol', 'from:"Bob Builder" build']) {
      const b = store.buildSearch(q)!;
      const p = plan(b);
      expect(p).toMatch(/SCAN messages_fts VIRTUAL TABLE INDEX/);
      expect(p).toMatch(/SEARCH m USING INTEGER PRIMARY KEY \(rowid=\?\)/);
      expect(p).not.toMatch(/TEMP B-TREE|messages_sender|SCAN m\b/);
      expect(b.params.some((x) => typeof x === 'string' && /^(\{body\} : \(.*\) AND )?\{who\} : \(s[0-9a-z]+( OR s[0-9a-z]+)*\)$/.test(x))).toBe(true);
    }
    // the date range is a rowid range of the full-text walk
    expect(store.buildSearch('release from:bob on:2024-05-02')!.sql).toMatch(/messages_fts\.rowid >= \? AND messages_fts\.rowid < \?/);
  });

  it('a selective in:/with: filter is walked first by its index, full-text hits probed from a set built once', () => {
    for (const [q, index] of [
      ['"release notes" in:#confab', /SEARCH m USING INDEX messages_conv \(conversation_id=\?\)/],
      ['release with:bob', /SEARCH m USING INDEX messages_conv \(conversation_id=\?\)/],
      ['release with:bob on:2024-05-02', /SEARCH m USING INDEX messages_conv \(conversation_id=\? AND id>\? AND id<\?\)/],
    ] as const) {
      const p = plan(store.buildSearch(q));
      expect(p).toMatch(index);
      expect(p).toMatch(/LIST SUBQUERY \d+\n.*SCAN messages_fts VIRTUAL TABLE INDEX/);
      expect(p).not.toMatch(/SCAN m\b/);
    }
  });

  it('filter-only search walks messages by key, date filters become key ranges', () => {
    const p = plan(store.buildSearch('on:2024-05-05'));
    expect(p).toMatch(/SEARCH m USING INTEGER PRIMARY KEY \(rowid>\? AND rowid<\?\)/);
    expect(p).not.toMatch(/TEMP B-TREE/);
  });

  it('latest / before / after use the conversation index without sorting; outbox its partial index', () => {
    for (const [sql, params] of [
      [SqliteHistoryStore.LATEST_SQL, [1, 100]],
      [SqliteHistoryStore.BEFORE_SQL, [1, 5, 100]],
      [SqliteHistoryStore.AFTER_SQL, [1, 5, 100]],
    ] as const) {
      const p = store.explain(sql, [...params]).join('\n');
      expect(p).toMatch(/SEARCH messages USING INDEX messages_conv \(conversation_id=\?/);
      expect(p).not.toMatch(/TEMP B-TREE/);
    }
    const ob = store.explain("SELECT * FROM messages WHERE account_id = ? AND state IN ('queued', 'unconfirmed') ORDER BY id", [1]).join('\n');
    expect(ob).toMatch(/USING INDEX messages_outbox/);
  });

  it('dedup lookups use their unique indexes', () => {
    expect(store.explain('SELECT id FROM messages WHERE conversation_id = ? AND server_id = ?', [1, 'x']).join()).toMatch(/messages_server_id/);
    expect(store.explain('SELECT id, server_id, state FROM messages WHERE account_id = ? AND client_id = ? AND direction = 1', [1, 'x']).join()).toMatch(/messages_client_id/);
  });
});
