// The engine compacts the full-text index by itself (core/engine/indexCompactionSchedule.ts): an
// archive written in many transactions (here: by a previous run) has many segments; after unlock
// and a quiet moment the engine merges them, searches keep finding the same messages, and a
// reader (the CLI) can search all the while.
import { afterAll, describe, expect, it } from 'vitest';
import { openArchive } from '../../core/history/index';
import { tempDir } from '../harness/util';
import { PASSPHRASE, startTestEngine, until } from './helpers';

const tmp = tempDir('engine-compaction');
afterAll(() => tmp.remove());

describe('full-text index compaction in the engine', () => {
  it('an index of many segments is merged after unlock while nothing arrives; search results unchanged', async () => {
    let t = await startTestEngine(tmp.path, 'create');
    const store = t.engine.archive.require();
    const acc = store.addAccount({ protocol: 'xmpp', label: 'old', config: {} });
    const conv = store.ensureConversation(acc.id, 'direct', 'bob@example.org');
    for (let b = 0; b < 30; b++) {
      store.insertMessages(Array.from({ length: 100 }, (_, i) => ({
        accountId: acc.id, conversationId: conv.id, sender: 'bob@example.org', direction: 'in' as const,
        body: `batch ${b} item ${i} ${i % 10 === 0 ? 'wombat' : 'koala'}`, serverTime: Date.UTC(2022, 0, 1) + (b * 100 + i) * 1000, serverId: `m${b}-${i}`,
      })));
    }
    const dir = store.dir;
    const reader = () => openArchive(dir, { passphrase: PASSPHRASE }, { readOnly: true });
    const count = (q: string) => {
      const r = reader();
      try {
        return { segments: r.indexSegments(), hits: r.search(q, { limit: 500 }).hits.length };
      } finally {
        r.close();
      }
    };
    const before = count('wombat');
    expect(before.segments).toBeGreaterThan(4);
    expect(before.hits).toBe(300);
    await t.close();

    t = await startTestEngine(tmp.path, 'unlock');
    try {
      const after = await until(() => {
        const c = count('wombat');
        return c.segments <= 2 ? c : null;
      }, 'the index compacted', 40_000);
      expect(after.hits).toBe(300);
      expect((await t.call('search.query', { query: 'koala', limit: 200 })).hits).toHaveLength(200);
    } finally {
      await t.close();
    }
  });
});
