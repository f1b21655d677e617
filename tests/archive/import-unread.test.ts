// Imported logs are history the user has already read: importing them must not light up unread
// badges, and must not swallow a live message the user has not read yet either.
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { importLogs } from '../../core/archive/importer';
import { tempDir } from '../harness/util';
import { newStore } from '../history/helpers';

const fixtures = join(import.meta.dirname, 'fixtures', 'irssi');

describe('imported history and unread counts', () => {
  const { store, remove } = newStore('import-unread');
  const logs = tempDir('import-unread-logs');
  afterAll(() => {
    remove();
    logs.remove();
  });

  const room = () => store.listConversations().find((c) => c.kind === 'room' && c.address.includes('#confab'))!;

  it('imported messages are not unread', () => {
    const sum = importLogs(store, [fixtures]);
    expect(sum.inserted).toBeGreaterThan(5);
    const convs = store.listConversations();
    expect(convs.length).toBeGreaterThanOrEqual(2);
    for (const c of convs) expect(c.unread, c.address).toBe(0);
  });

  it('a live message stays unread when older or newer logs are imported after it', () => {
    const c = room();
    const [live] = store.insertMessages([
      { accountId: c.accountId, conversationId: c.id, sender: 'carol', body: 'live and unread', direction: 'in', serverTime: Date.UTC(2027, 0, 5, 9) },
    ]);
    expect(live?.status).toBe('inserted');
    expect(store.unreadCount(c.id)).toBe(1);

    // a log of the same channel from days AFTER the live message
    const dir = join(logs.path, 'libera');
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, '#confab.log'), '--- Log opened Sat Jan 09 10:00:00 2027\n10:01 < alice> written after the live one\n10:02 < carol> and another\n');
    const sum = importLogs(store, [logs.path]);
    expect(sum.inserted).toBe(2);
    expect(room().id).toBe(c.id);
    expect(store.unreadCount(c.id)).toBe(1);
  });
});
