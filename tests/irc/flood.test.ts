/**
 * The send queue against real flood protection: InspIRCd configured like a strict network (4 commands
 * a second, disconnect past 10). A client writing a 15-line paste at once is thrown off; the adapter,
 * pacing its lines, delivers all of them and stays connected.
 *
 * Nothing here depends on how fast the machine is: the blast arrives in one write (15 lines, well past
 * 10 even if the server's per-second allowance is counted twice in between); the adapter sends at most
 * 2 labeled lines before the server has answered them (send window) and no faster than 2.5 lines/s,
 * so even a server that stalls and then reads everything at once finds at most 2 of our lines waiting.
 * The waits below are generous liveness bounds, not speed assertions.
 */
import { afterAll, beforeAll, expect, it } from 'vitest';
import { startInspircd, type InspircdServer } from '../harness/inspircd';
import { needsHarness, nick, online, type TestAccount } from './adapter-helpers';
import { wireClient } from './wire-clients';

let s: InspircdServer;
const accounts: TestAccount[] = [];
beforeAll(async () => { s = await startInspircd({ strictFlood: { commandsPerSecond: 4, threshold: 10 } }); });
afterAll(async () => {
  await Promise.all(accounts.map((a) => a.stop()));
  await s?.stop();
});

const paste = Array.from({ length: 15 }, (_, i) => `pasted line ${i + 1}`).join('\n');

it('an unpaced burst is disconnected for flooding (the server is strict)', async () => {
  if (needsHarness(s, 'a server with known flood limits')) return;
  const blaster = await wireClient({ host: s.host, port: s.port, tls: false, nick: nick('blast') });
  const target = await wireClient({ host: s.host, port: s.port, tls: false, nick: nick('tgt') });
  try {
    const closed = new Promise((r) => blaster.client.once('close', r));
    blaster.client.say(target.client.user.nick, paste);
    await closed;
  } finally {
    blaster.close();
    target.close();
  }
});

it('the adapter paces a 15-line paste: everything arrives, still connected', async () => {
  if (needsHarness(s, 'a server with known flood limits')) return;
  // 2 at once, then one line every 400 ms (2.5/s, under the server's 4/s), never more than 2 unanswered
  const base = { server: s.host, port: s.port, tls: false, sendBurst: 2, sendIntervalMs: 400 };
  const [a, b] = await Promise.all([online({ ...base, nick: nick('paced') }), online({ ...base, nick: nick('reader') })]);
  accounts.push(a!, b!);
  await a!.adapter.send({ kind: 'direct', id: b!.nick.toLowerCase() }, { body: paste, clientId: 'paste-1' });
  const receipt = await a!.waitFor('receipt', (e) => e.clientId === 'paste-1', 120_000);
  expect(receipt.status, JSON.stringify(a!.events.filter((e) => e.type !== 'message'))).toBe('sent');
  // every line, in order, once
  await expect.poll(() => b!.events.flatMap((e) => (e.type === 'message' ? [e.message.body] : [])), { timeout: 60_000 }).toHaveLength(15);
  expect(b!.events.flatMap((e) => (e.type === 'message' ? [e.message.body] : []))).toEqual(paste.split('\n'));
  // not thrown off: no state change, no error on either side
  expect(a!.events.filter((e) => e.type === 'state' || e.type === 'error')).toEqual([]);
  expect(b!.events.filter((e) => e.type === 'state')).toEqual([]);
}, 200_000);
