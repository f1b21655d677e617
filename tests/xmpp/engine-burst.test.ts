// Responsiveness under an XMPP burst (issue 9, item 6): the real engine process with an XMPP account
// on a scripted server (fixtures/hostile-server.ts) that writes thousands of messages in ONE socket
// write. The engine answers a ping before the burst has been shown to the host, shows every message
// in order and stores them all. Asserted by the order of what the host receives, never by time.
// (The slicing itself, turn by turn: burst.test.ts.)
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { join } from 'node:path';
import { tempDir } from '../harness/util';
import { startEngine, until, type Eng, pingDuringBurst } from '../reliability/lib';
import { startHostileServer, type HostileServer } from './fixtures/hostile-server';

const N = 5000;
const D = 'engine-burst.test';
const me = `alice@${D}`;
const tmp = tempDir('xmpp-engine-burst');
let h: HostileServer;
let eng: Eng;
beforeAll(async () => {
  h = await startHostileServer(D);
  eng = await startEngine(join(tmp.path, 'data'), { unlock: 'create' });
});
afterAll(async () => {
  await eng?.proc.close();
  await h?.stop();
  tmp.remove();
});


describe(`an XMPP burst of ${N} messages in one write`, () => {
  it('a ping is answered before the burst is shown; every message shown and stored, in order', async () => {
    const acc = await eng.call('accounts.add', { protocol: 'xmpp', label: 'burst', config: { jid: me, password: 'pw', server: h.host, port: h.port, caPem: h.caPem, timeoutMs: 10_000 } });
    await until(async () => (await eng.call('accounts.list', {})).find((a) => a.id === acc.id)?.state === 'online', 'account online', 60_000);
    await h.ready();

    let burst = '';
    for (let i = 0; i < N; i++) burst += `<message from='bob@${D}/x' to='${me}' type='chat' id='b${i}'><body>burst ${i}</body><origin-id xmlns='urn:xmpp:sid:0' id='b${i}'/></message>`;
    h.send(burst);
    const r = await pingDuringBurst(eng, acc.id, N);
    console.log(`xmpp/engine-burst: ${N} messages in one write; the ping was answered when ${r.shownWhenAnswered} had been shown`);
    expect({ answeredBeforeTheEnd: r.answeredBeforeTheEnd, shownInOrder: r.shownInOrder, storedInOrder: r.storedInOrder }).toEqual({ answeredBeforeTheEnd: true, shownInOrder: true, storedInOrder: true });
  }, 180_000);
});
