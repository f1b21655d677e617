/**
 * IRCv3 CHATHISTORY (BEFORE / AFTER / LATEST). No Debian IRC server offers it, so this runs against a
 * small spec-following fixture server (tests/irc/fixtures.ts), not a real server.
 */
import { afterAll, beforeAll, expect, it } from 'vitest';
import { startInspircd, type InspircdServer } from '../harness/inspircd';
import { nick, online, type TestAccount } from './adapter-helpers';
import { startHistoryServer, type Fixture, type HistoryMessage } from './fixtures';

let f: Fixture & { messages: HistoryMessage[] };
let s: InspircdServer;
let a: TestAccount;
const chan = '#hist';
const room = { kind: 'room' as const, id: chan };

beforeAll(async () => {
  [f, s] = await Promise.all([startHistoryServer(chan, 30), startInspircd()]);
  a = await online({ server: '127.0.0.1', port: f.port, tls: false, nick: 'reader' });
});
afterAll(async () => {
  await a?.stop();
  await Promise.all([f?.stop(), s?.stop()]);
});

it('LATEST returns the newest page, oldest first, as replayed messages with server time and msgid', async () => {
  const page = await a.adapter.history!.fetchHistory(room, { limit: 10 });
  expect(page.messages.map((m) => m.body)).toEqual(f.messages.slice(20).map((m) => m.text));
  expect(page.messages[0]).toMatchObject({ replay: true, serverTimeTrusted: true, serverId: 'm21', serverTime: Date.parse(f.messages[20]!.time), conversation: room, direction: 'in' });
  expect(page).toMatchObject({ first: 'm21', last: 'm30', complete: false });
  // history is returned, not also pushed as live messages
  expect(a.events.filter((e) => e.type === 'message')).toEqual([]);
});

it('BEFORE pages backwards until the start, AFTER forwards', async () => {
  const before = await a.adapter.history!.fetchHistory(room, { before: 'm21', limit: 10 });
  expect(before.messages.map((m) => m.serverId)).toEqual(f.messages.slice(10, 20).map((m) => m.msgid));
  const oldest = await a.adapter.history!.fetchHistory(room, { before: 'm11', limit: 20 });
  expect(oldest.messages).toHaveLength(10);
  expect(oldest.complete).toBe(true);
  const after = await a.adapter.history!.fetchHistory(room, { after: 'm5', limit: 3 });
  expect(after.messages.map((m) => m.serverId)).toEqual(['m6', 'm7', 'm8']);
  const byTime = await a.adapter.history!.fetchHistory(room, { after: f.messages[27]!.time, limit: 5 });
  expect(byTime.messages.map((m) => m.serverId)).toEqual(['m28', 'm29', 'm30']);
});

it('a refused request is a non-fatal protocol error', async () => {
  await expect(a.adapter.history!.fetchHistory({ kind: 'room', id: '#elsewhere' }, { limit: 5 })).rejects.toMatchObject({ kind: 'protocol', fatal: false, code: 'INVALID_TARGET' });
});

it('a real server without CHATHISTORY says so instead of hanging', async () => {
  const b = await online({ server: s.host, port: s.port, tls: false, nick: nick('nohist') });
  try {
    await expect(b.adapter.history!.fetchHistory(room, { limit: 5 })).rejects.toMatchObject({ kind: 'protocol', message: expect.stringMatching(/CHATHISTORY/) });
  } finally {
    await b.stop();
  }
});
