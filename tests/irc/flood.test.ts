/**
 * The send queue against real flood protection: InspIRCd configured like a strict network (4 commands
 * a second, disconnect past 10). A client writing a 15-line paste at once is thrown off; the adapter,
 * pacing its lines, delivers all of them and stays connected.
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
  // 3 at once, then one line every 400 ms (2.5/s, well under the server's 4/s even when timers bunch up on a busy machine)
  const base = { server: s.host, port: s.port, tls: false, sendBurst: 3, sendIntervalMs: 400 };
  const [a, b] = await Promise.all([online({ ...base, nick: nick('paced') }), online({ ...base, nick: nick('reader') })]);
  accounts.push(a!, b!);
  await a!.adapter.send({ kind: 'direct', id: b!.nick.toLowerCase() }, { body: paste, clientId: 'paste-1' });
  const receipt = await a!.waitFor('receipt', (e) => e.clientId === 'paste-1', 20_000);
  expect(receipt.status, JSON.stringify(a!.events.filter((e) => e.type !== 'message'))).toBe('sent');
  await expect.poll(() => b!.events.flatMap((e) => (e.type === 'message' ? [e.message.body] : []))).toEqual(paste.split('\n'));
  expect(a!.events.filter((e) => e.type === 'state')).toEqual([]);
});
