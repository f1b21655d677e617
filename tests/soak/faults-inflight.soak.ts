// KNOWN FAILING, intermittent (issue 9, guarantee 4 "nothing doubled"; found by this suite, seen
// in 1 of 2 runs of an early tests/reliability/faults.test.ts): an XMPP message still unacknowledged
// (XEP-0198) when Prosody restarts is re-sent from the outbox after the reconnect with the same
// origin-id, Prosody delivers it again under a NEW stanza-id, and the receiving engine stores it
// twice: incoming messages are deduplicated on serverId only — core/engine/engine.ts flushIngest()
// stores `clientId: m.direction === 'out' ? … : null`, so the origin-id fallback the architecture
// asks for ("reconnect resends never double a message") does not exist for incoming messages.
// This job restarts Prosody right after a burst of sends, many times, and counts doubles.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { join } from 'node:path';
import type { MessageDTO } from '../../contract/index';
import { xmppAccountConfig } from '../engine/helpers';
import { startProsody, type ProsodyServer } from '../harness/prosody';
import { tempDir } from '../harness/util';
import { startEngine, times, until, type Eng } from '../reliability/lib';

let prosody: ProsodyServer;
let eng: Eng;
const tmp = tempDir('soak-inflight');

beforeAll(async () => {
  prosody = await startProsody();
  eng = await startEngine(join(tmp.path, 'data'), { unlock: 'create' });
});
afterAll(async () => {
  await eng?.proc.close();
  await prosody?.stop();
  tmp.remove();
});

async function history(conversationId: string): Promise<MessageDTO[]> {
  let page = await eng.call('messages.page', { conversationId, limit: 500 });
  const all = [...page.messages];
  while (page.hasBefore && page.messages.length) {
    page = await eng.call('messages.page', { conversationId, before: page.messages[0]!.id, limit: 500 });
    all.unshift(...page.messages);
  }
  return all;
}

describe('Prosody restarts with messages in flight', () => {
  it('each message arrives exactly once', async () => {
    const tag = Date.now() % 100000;
    const [ua, ub] = await Promise.all([prosody.createUser(`ia${tag}`), prosody.createUser(`ib${tag}`)]);
    const xa = await eng.call('accounts.add', { protocol: 'xmpp', config: xmppAccountConfig(prosody, ua) });
    const xb = await eng.call('accounts.add', { protocol: 'xmpp', config: xmppAccountConfig(prosody, ub) });
    const online = () => until(async () => (await eng.call('accounts.list', {})).every((a) => a.state === 'online'), 'both online', 90_000);
    await online();
    const ab = await eng.call('conversations.open', { accountId: xa.id, kind: 'direct', address: ub.jid });
    const sent: string[] = [];
    for (let r = 0; r < times(20, 100); r++) {
      await online();
      for (let i = 0; i < 5; i++) {
        const body = `inflight r${r} m${i}`;
        await eng.call('messages.send', { conversationId: ab.id, body });
        sent.push(body);
      }
      await prosody.restart();
    }
    await online();
    const ba = (await eng.call('conversations.list', {})).find((c) => c.accountId === xb.id)!;
    await until(async () => {
      const got = await history(ba.id);
      return sent.every((b) => got.some((m) => m.body === b));
    }, 'everything arrived', 90_000).catch(() => undefined);
    const got = await history(ba.id);
    const n = (b: string) => got.filter((m) => m.body === b && m.direction === 'in').length;
    const doubledRows = got.filter((m) => m.direction === 'in' && n(m.body) > 1).slice(0, 4).map((m) => ({ body: m.body, serverId: m.serverId, time: m.time }));
    const own = await history(ab.id);
    console.log(`soak/faults-inflight: ${sent.length} messages, ${sent.filter((b) => n(b) === 0).length} lost (${sent.filter((b) => n(b) === 0).join(', ')}; sender states ${own.filter((m) => n(m.body) === 0).map((m) => m.state).join(',')}), ${sent.filter((b) => n(b) > 1).length} doubled, e.g. ${JSON.stringify(doubledRows)}`);
    expect({ lost: sent.filter((b) => n(b) === 0), doubled: sent.filter((b) => n(b) > 1) }).toEqual({ lost: [], doubled: [] });
  }, 1_800_000);
});
