// Responsiveness under a burst (issue 9, item 6): the real engine process with an IRC account on a
// server that writes thousands of lines in ONE socket write. The engine answers a ping before the
// burst has been shown to the host, shows every message in order, and stores them all. Asserted by
// the order of what the host receives, never by time. (The slicing itself, turn by turn:
// tests/irc/burst.test.ts.)
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { join } from 'node:path';
import { tempDir } from '../harness/util';
import { startBurstServer } from '../irc/fixtures';
import { ircConfig, startEngine, until, type Eng, pingDuringBurst } from '../reliability/lib';

const N = 5000;
const tmp = tempDir('engine-burst');
let server: Awaited<ReturnType<typeof startBurstServer>>;
let eng: Eng;
beforeAll(async () => {
  server = await startBurstServer();
  eng = await startEngine(join(tmp.path, 'data'), { unlock: 'create' });
});
afterAll(async () => {
  await eng?.proc.close();
  await server?.stop();
  tmp.remove();
});


describe(`a burst of ${N} lines in one write`, () => {
  it('a ping is answered before the burst is shown; every message shown and stored, in order', async () => {
    const me = `burst${process.pid % 10000}`;
    const acc = await eng.call('accounts.add', { protocol: 'irc', label: 'burst', config: ircConfig(server.port, me) });
    await until(async () => (await eng.call('accounts.list', {})).find((a) => a.id === acc.id)?.state === 'online', 'account online');
    await until(() => server.registered(me), 'registered at the fixture');

    server.burst(me, Array.from({ length: N }, (_, i) => `:peer!p@h PRIVMSG ${me} :burst ${i}`));
    const r = await pingDuringBurst(eng, acc.id, N);
    console.log(`engine/burst: ${N} lines in one write; the ping was answered when ${r.shownWhenAnswered} had been shown`);
    expect({ answeredBeforeTheEnd: r.answeredBeforeTheEnd, shownInOrder: r.shownInOrder, storedInOrder: r.storedInOrder }).toEqual({ answeredBeforeTheEnd: true, shownInOrder: true, storedInOrder: true });
  }, 180_000);
});
