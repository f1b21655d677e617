/**
 * Hostile server input (raw TCP fixture): invalid UTF-8, a 1 MB line, numerics and commands with
 * missing parameters, unknown commands, a CTCP flood, NUL bytes. No exception escapes, the account
 * reports the problem and keeps working, and another account on a real server is unaffected.
 */
import { afterAll, beforeAll, expect, it } from 'vitest';
import { startNgircd, type IrcServer } from '../harness/ngircd';
import { nick, online, type TestAccount } from './adapter-helpers';
import { startHostileServer, type Fixture } from './fixtures';

let hostile: Fixture;
let real: IrcServer;
const accounts: TestAccount[] = [];
beforeAll(async () => { [hostile, real] = await Promise.all([startHostileServer(), startNgircd()]); });
afterAll(async () => {
  await Promise.all(accounts.map((a) => a.stop()));
  await Promise.all([hostile?.stop(), real?.stop()]);
});

it('survives broken input, reports it, and stays usable; other accounts keep working', async () => {
  const errorsBefore: unknown[] = [];
  const onUncaught = (e: unknown) => errorsBefore.push(e);
  process.on('uncaughtException', onUncaught);
  try {
    const a = await online({ server: '127.0.0.1', port: real.port, tls: false, nick: nick('okay') });
    const b = await online({ server: '127.0.0.1', port: real.port, tls: false, nick: nick('fine') });
    accounts.push(a, b);
    const victim = await online({ server: '127.0.0.1', port: hostile.port, tls: false, nick: 'victim' });
    accounts.push(victim);

    // the good message after all the garbage arrives
    await victim.waitFor('message', (e) => e.message.body === 'still alive', 20_000);
    // the oversized line was dropped and reported, not delivered
    expect(victim.events.some((e) => e.type === 'error' && /oversized/.test(e.error.message))).toBe(true);
    const bodies = victim.events.flatMap((e) => (e.type === 'message' ? [e.message.body] : []));
    expect(bodies.some((b) => b.length > 100_000)).toBe(false);
    // invalid UTF-8 shows as replacement characters; NUL bytes are removed
    expect(bodies).toContain('bad \uFFFD\uFFFD bytes');
    expect(bodies).toContain('nulbyte');
    // the CTCP flood got at most 3 answers
    await expect.poll(() => hostile.received.filter((l) => l.includes('\x01VERSION')).length).toBeGreaterThan(0);
    expect(hostile.received.filter((l) => l.includes('\x01VERSION')).length).toBeLessThanOrEqual(3);
    // still online: no state change to offline
    expect(victim.events.filter((e) => e.type === 'state'), hostile.received.join('\n')).toEqual([]);

    // the other accounts were never disturbed
    await a.adapter.send({ kind: 'direct', id: b.nick.toLowerCase() }, { body: 'unaffected', clientId: 'u1' });
    await b.waitFor('message', (e) => e.message.body === 'unaffected');
    expect(errorsBefore).toEqual([]);
  } finally {
    process.off('uncaughtException', onUncaught);
  }
});
