// Responsiveness under an XMPP burst (issue 9, item 6): the real engine process with an XMPP account
// on a scripted server (fixtures/hostile-server.ts) that writes thousands of messages in ONE socket
// write. The engine answers a ping before the burst has been shown to the host, shows every message
// in order and stores them all. Asserted by the order of what the host receives, never by time.
// (The slicing itself, turn by turn: burst.test.ts.)
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { join } from 'node:path';
import type { AnyEvent } from '../../contract/index';
import { tempDir } from '../harness/util';
import { startEngine, until, type Eng } from '../reliability/lib';
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

const bodiesIn = (events: AnyEvent[]) =>
  events.flatMap((e) => (e.type === 'messages.added' ? e.payload.messages.filter((m) => m.body.startsWith('burst ')).map((m) => m.body) : []));

describe(`an XMPP burst of ${N} messages in one write`, () => {
  it('a ping is answered before the burst is shown; every message shown and stored, in order', async () => {
    const acc = await eng.call('accounts.add', { protocol: 'xmpp', label: 'burst', config: { jid: me, password: 'pw', server: h.host, port: h.port, caPem: h.caPem, timeoutMs: 10_000 } });
    await until(async () => (await eng.call('accounts.list', {})).find((a) => a.id === acc.id)?.state === 'online', 'account online', 60_000);
    await h.ready();

    let burst = '';
    for (let i = 0; i < N; i++) burst += `<message from='bob@${D}/x' to='${me}' type='chat' id='b${i}'><body>burst ${i}</body><origin-id xmlns='urn:xmpp:sid:0' id='b${i}'/></message>`;
    h.send(burst);
    // as soon as the host sees the first message of the burst, it asks
    await eng.waitEvent('messages.added', (p) => p.messages.some((m) => m.body === 'burst 0'), { timeoutMs: 60_000 });
    await eng.call('engine.ping', {});
    const shownWhenAnswered = bodiesIn(eng.events).length;

    await until(() => bodiesIn(eng.events).length >= N, 'the whole burst shown', 120_000);
    const shown = bodiesIn(eng.events);
    const conv = (await eng.call('conversations.list', {})).find((c) => c.accountId === acc.id && c.kind === 'direct');
    const stored: string[] = [];
    let page = await eng.call('messages.page', { conversationId: conv!.id, limit: 500 });
    for (;;) {
      stored.unshift(...page.messages.map((m) => m.body));
      if (!page.hasBefore || !page.messages.length) break;
      page = await eng.call('messages.page', { conversationId: conv!.id, before: page.messages[0]!.id, limit: 500 });
    }
    console.log(`xmpp/engine-burst: ${N} messages in one write; the ping was answered when ${shownWhenAnswered} had been shown`);
    expect({
      answeredBeforeTheEnd: shownWhenAnswered < N,
      shownInOrder: shown.length === N && shown.every((b, i) => b === `burst ${i}`),
      storedInOrder: stored.length === N && stored.every((b, i) => b === `burst ${i}`),
    }).toEqual({ answeredBeforeTheEnd: true, shownInOrder: true, storedInOrder: true });
  }, 180_000);
});
