// Issue 9, guarantee 4 "nothing doubled": an incoming message re-sent by its sender after a
// reconnect (same XEP-0359 origin-id) arrives under a NEW stanza-id from Prosody and must be stored
// once. Real Prosody on a random loopback port, the REAL engine process as the receiver, peers built
// from the real XMPP adapter as senders.
//  1. deterministic: a peer sends the same origin-id twice → one copy; another peer re-using that
//     origin-id is NOT suppressed (the sender is part of the key); the same text under a new id is a
//     new message.
//  2. Prosody restarted right after bursts of sends (moved from tests/soak/faults-inflight.soak.ts,
//     3 rounds here, 100 under `npm run soak`): exactly once.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { join } from 'node:path';
import type { MessageDTO } from '../../contract/index';
import { xmppProtocol } from '../../protocols/xmpp/index';
import { startPeer, xmppAccountConfig, type Peer } from '../engine/helpers';
import { startProsody, type ProsodyServer, type XmppTestUser } from '../harness/prosody';
import { tempDir } from '../harness/util';
import { SOAK, startEngine, times, until, type Eng } from './lib';
import { allMessages } from './pages';

let prosody: ProsodyServer;
let eng: Eng;
const tmp = tempDir('rel-engine-inflight');

beforeAll(async () => {
  prosody = await startProsody();
  eng = await startEngine(join(tmp.path, 'data'), { unlock: 'create' });
}, 60_000);
afterAll(async () => {
  await eng?.proc.close();
  await prosody?.stop();
  tmp.remove();
});

const history = (conversationId: string): Promise<MessageDTO[]> => allMessages(eng, conversationId);

const online = () => until(async () => (await eng.call('accounts.list', {})).every((a) => a.state === 'online'), 'all accounts online', 90_000);

describe('incoming re-sends (same origin-id, new stanza-id)', () => {
  it('are stored once; nobody can suppress another sender; same text under a new id is a new message', async () => {
    const tag = Date.now() % 100000;
    const [me, ub, uc]: XmppTestUser[] = await Promise.all([prosody.createUser(`dr${tag}`), prosody.createUser(`db${tag}`), prosody.createUser(`dc${tag}`)]);
    const acc = await eng.call('accounts.add', { protocol: 'xmpp', config: xmppAccountConfig(prosody, me!) });
    await online();
    const peers: Peer[] = await Promise.all([startPeer(xmppProtocol, xmppAccountConfig(prosody, ub!, { resource: 'p' })), startPeer(xmppProtocol, xmppAccountConfig(prosody, uc!, { resource: 'p' }))]);
    try {
      const [bob, carol] = peers as [Peer, Peer];
      const to = { kind: 'direct' as const, id: me!.jid };
      const shown = () => eng.events.flatMap((e) => (e.type === 'messages.added' ? e.payload.messages : []));
      const arrived = (body: string, n = 1) => until(() => shown().filter((m) => m.body === body).length >= n, `"${body}" arrived`);
      await bob.adapter.send(to, { clientId: 'resent-1', body: 'sent twice by bob' });
      await arrived('sent twice by bob');
      await bob.adapter.send(to, { clientId: 'resent-1', body: 'sent twice by bob' });
      await carol.adapter.send(to, { clientId: 'resent-1', body: 'carol reuses the id' });
      await bob.adapter.send(to, { clientId: 'other-1', body: 'same text' });
      await bob.adapter.send(to, { clientId: 'other-2', body: 'same text' });
      await bob.adapter.send(to, { clientId: 'last-1', body: 'bob done' });
      await arrived('carol reuses the id');
      await arrived('bob done');
      await arrived('same text', 2);
      const convs = (await eng.call('conversations.list', {})).filter((c) => c.accountId === acc.id);
      const all: MessageDTO[] = [];
      for (const c of convs) all.push(...(await history(c.id)));
      const count = (b: string) => all.filter((m) => m.body === b && m.direction === 'in').length;
      expect({ twice: count('sent twice by bob'), carol: count('carol reuses the id'), same: count('same text') }).toEqual({ twice: 1, carol: 1, same: 2 });
    } finally {
      await Promise.all(peers.map((p) => p.close()));
    }
  });
});

describe('Prosody restarts with messages in flight', () => {
  it('each message arrives exactly once', async () => {
    const tag = Date.now() % 100000;
    const [ua, ub] = await Promise.all([prosody.createUser(`ia${tag}`), prosody.createUser(`ib${tag}`)]);
    const xa = await eng.call('accounts.add', { protocol: 'xmpp', config: xmppAccountConfig(prosody, ua) });
    const xb = await eng.call('accounts.add', { protocol: 'xmpp', config: xmppAccountConfig(prosody, ub) });
    await online();
    const ab = await eng.call('conversations.open', { accountId: xa.id, kind: 'direct', address: ub.jid });
    const sent: string[] = [];
    for (let r = 0; r < times(3, 100); r++) {
      await online();
      for (let i = 0; i < 5; i++) {
        const body = `inflight r${r} m${i}`;
        await eng.call('messages.send', { conversationId: ab.id, body });
        sent.push(body);
      }
      await prosody.restart();
    }
    await online();
    const ba = await until(async () => (await eng.call('conversations.list', {})).find((c) => c.accountId === xb.id), 'the receiving conversation', 60_000);
    await until(async () => {
      const got = await history(ba.id);
      return sent.every((b) => got.some((m) => m.body === b));
    }, 'everything arrived', 60_000).catch(() => undefined);
    const got = await history(ba.id);
    const n = (b: string) => got.filter((m) => m.body === b && m.direction === 'in').length;
    console.log(`reliability/engine-inflight: ${sent.length} messages, ${sent.filter((b) => n(b) === 0).length} lost, ${sent.filter((b) => n(b) > 1).length} doubled`);
    expect({ lost: sent.filter((b) => n(b) === 0), doubled: sent.filter((b) => n(b) > 1) }).toEqual({ lost: [], doubled: [] });
  }, SOAK ? 3_600_000 : 240_000);
});
