/**
 * Keyword watch against a real encrypted archive (core/history): new matches only, each reported
 * once, and the Do Not Disturb breakthrough rule as the engine's notification decision applies it.
 */
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addWatch, listWatches, pollWatches, removeWatch, watchNotifyInput, type Watch, type WatchMatch } from '../../core/archive/watch';
import { decideNotification } from '../../core/engine/notify';
import { createArchive, QueryError, type HistoryStore } from '../../core/history/index';
import { tempDir } from '../harness/util';

const tmp = tempDir('archive-watch');
let store: HistoryStore;
let conv = 0, acc = 0;
const T0 = Date.now();
const decideWatchNotification = (w: Watch, m: WatchMatch, c: { dnd: boolean; muted: boolean }) =>
  decideNotification(watchNotifyInput(w, m, { ...c, settings: { enabled: true, sound: true, rooms: 'mentions' } }));
let t = T0;

/** messages arrive one second apart, "now" (server time = time stored) */
function say(body: string, over: { direction?: 'in' | 'out'; kind?: 'chat' | 'system'; serverTime?: number } = {}) {
  t += 1000;
  return store.insertMessage({
    accountId: acc, conversationId: conv, sender: 'bob', body, direction: over.direction ?? 'in', kind: over.kind ?? 'chat',
    serverTime: over.serverTime ?? t, receivedTime: t, serverId: `s${t}`,
  });
}

beforeAll(() => {
  store = createArchive(join(tmp.path, 'archive'), { passphrase: 'p', kdf: { N: 1024 } });
  acc = store.addAccount({ protocol: 'irc', label: 'libera' }).id;
  conv = store.ensureConversation(acc, 'room', '#ops').id;
});
afterAll(() => { store.close(); tmp.remove(); });

describe('keyword watch', () => {
  it('reports only messages stored after the watch was added, each once, oldest first', () => {
    say('the server is down since noon');
    const w = addWatch(store, 'outage', 'down OR outage', { breakthrough: true, now: t });
    expect(listWatches(store)).toEqual([w]);
    expect(pollWatches(store)).toEqual([]);
    say('unrelated chatter');
    say('big outage in the west');
    say('db is down again');
    const got = pollWatches(store);
    expect(got.map((m) => [m.watch, m.hit.message.body])).toEqual([['outage', 'big outage in the west'], ['outage', 'db is down again']]);
    expect(pollWatches(store)).toEqual([]);
    say('still down');
    expect(pollWatches(store, { advance: false }).map((m) => m.hit.message.body)).toEqual(['still down']);
    expect(pollWatches(store).map((m) => m.hit.message.body)).toEqual(['still down']); // peek did not consume it
  });

  it('history stored now but written long ago (imports, catch-up) does not fire', () => {
    say('outage report from 2019', { serverTime: Date.UTC(2019, 5, 1) });
    expect(pollWatches(store)).toEqual([]);
  });

  it('obeys Do Not Disturb: only breakthrough watches notify; own and system messages never', () => {
    addWatch(store, 'lunch', 'lunch', { now: t });
    say('lunch at one?');
    say('lunch is served', { kind: 'system' });
    say('my lunch', { direction: 'out' });
    const matches = pollWatches(store);
    const lunch = listWatches(store).find((w) => w.name === 'lunch')!;
    const outage = listWatches(store).find((w) => w.name === 'outage')!;
    const first = matches.find((m) => m.hit.message.body === 'lunch at one?')!;
    expect(decideWatchNotification(lunch, first, { dnd: false, muted: false })).toMatchObject({ notify: true });
    expect(decideWatchNotification(lunch, first, { dnd: true, muted: false })).toMatchObject({ notify: false, why: 'do not disturb' });
    expect(decideWatchNotification(outage, first, { dnd: true, muted: false })).toMatchObject({ notify: true });
    expect(decideWatchNotification(lunch, first, { dnd: false, muted: true })).toMatchObject({ notify: false, why: 'muted' });
    expect(decideWatchNotification(outage, first, { dnd: false, muted: true })).toMatchObject({ notify: true });
    expect(decideWatchNotification(lunch, matches.find((m) => m.hit.message.kind === 'system')!, { dnd: false, muted: false })).toMatchObject({ notify: false });
    expect(decideWatchNotification(lunch, matches.find((m) => m.hit.message.direction === 'out')!, { dnd: false, muted: false })).toMatchObject({ notify: false, why: 'own message' });
  });

  it('refuses malformed queries and duplicate names; removes watches', () => {
    expect(() => addWatch(store, 'bad', '"open')).toThrow(QueryError);
    expect(() => addWatch(store, 'lunch', 'x')).toThrow(/exists/);
    expect(removeWatch(store, 'lunch')).toBe(true);
    expect(removeWatch(store, 'lunch')).toBe(false);
    expect(listWatches(store).map((w) => w.name)).toEqual(['outage']);
  });
});

describe('keyword watch on a common word', () => {
  it('looks at the newest matches only, so a poll stays cheap; new ones among them are reported', () => {
    const w = addWatch(store, 'common', 'chatter', { now: t });
    for (let i = 0; i < 30; i++) say(`chatter ${i}`);
    const got = pollWatches(store, { maxScan: 10 }).filter((m) => m.watch === 'common');
    expect(got.map((m) => m.hit.message.body)).toEqual(Array.from({ length: 10 }, (_, i) => `chatter ${20 + i}`));
    expect(removeWatch(store, w.id)).toBe(true);
  });
});
