// Issue 9, guarantee 1 (XMPP, restricted XML — was tests/soak/hostile-xmpp.soak.ts): the REAL engine
// process with the REAL XMPP adapter, logged in to the harness's Prosody through the TLS relay
// (tests/reliability/xmpp-relay.ts) that lets the test speak as "the server". An undefined entity,
// a DOCTYPE with entity expansion (billion laughs) and an external entity (XXE) used to leave the
// account "online" but deaf. Now each one closes that stream with an error of kind 'protocol'
// shown on the account, the account comes back by itself, receives again, nothing expanded reaches
// the user, and a second account straight on Prosody never notices.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { join } from 'node:path';
import type { AccountDTO, MessageDTO } from '../../contract/index';
import { xmppProtocol } from '../../protocols/xmpp/index';
import { startPeer, xmppAccountConfig, type Peer } from '../engine/helpers';
import { startProsody, type ProsodyServer, type XmppTestUser } from '../harness/prosody';
import { tempDir } from '../harness/util';
import { startEngine, until, type Eng } from './lib';
import { startXmppRelay, type XmppRelay } from './xmpp-relay';

let server: ProsodyServer;
let relay: XmppRelay;
let eng: Eng;
let bob: Peer;
let me: XmppTestUser;
let other: XmppTestUser;
let victim: AccountDTO;
let bystander: AccountDTO;
let start = 0;
const tmp = tempDir('rel-xmpp-parser');

beforeAll(async () => {
  server = await startProsody();
  relay = await startXmppRelay(server);
  const tag = Date.now() % 100000;
  let b: XmppTestUser;
  [me, other, b] = await Promise.all([server.createUser(`xpv${tag}`), server.createUser(`xpo${tag}`), server.createUser(`xpb${tag}`)]);
  eng = await startEngine(join(tmp.path, 'data'), { unlock: 'create' });
  victim = await eng.call('accounts.add', { protocol: 'xmpp', label: 'via relay', config: { ...xmppAccountConfig(server, me), server: '127.0.0.1', port: relay.port, directTls: true } });
  bystander = await eng.call('accounts.add', { protocol: 'xmpp', label: 'bystander', config: xmppAccountConfig(server, other) });
  await Promise.all([victim, bystander].map((a) => eng.waitEvent('accounts.changed', (x) => x.id === a.id && x.state === 'online', { timeoutMs: 60_000 })));
  bob = await startPeer(xmppProtocol, xmppAccountConfig(server, b, { resource: 'p' }));
  start = eng.events.length;
}, 120_000);
afterAll(async () => {
  await bob?.close();
  await eng?.proc.close();
  await relay?.close();
  await server?.stop();
  tmp.remove();
});

const shown = (): MessageDTO[] => eng.events.flatMap((ev) => (ev.type === 'messages.added' ? ev.payload.messages : []));

const attacks: [string, string, string][] = [
  ['undefined entity', 'restricted-xml', `<message xmlns='jabber:client' type='chat'><body>&undefinedentity;</body></message>`],
  ['billion laughs', 'restricted-xml', `<!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;"><!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">]><message xmlns='jabber:client' type='chat'><body>&lol3;</body></message>`],
  ['xxe', 'restricted-xml', `<!DOCTYPE m [<!ENTITY xxe SYSTEM "file:///etc/passwd">]><message xmlns='jabber:client' type='chat'><body>&xxe;</body></message>`],
  ['entity in an attribute', 'restricted-xml', `<message xmlns='jabber:client' type='chat' id='&ghost;'><body>x</body></message>`],
  ['illegal character reference', 'not-well-formed', `<message xmlns='jabber:client' type='chat'><body>&#0;</body></message>`],
];

describe('XML markup the XMPP parser must refuse', () => {
  for (const [name, code, bytes] of attacks) {
    it(`${name}: the account shows a protocol error, comes back by itself and receives again`, async () => {
      const since = eng.events.length;
      const before = relay.accepted();
      relay.inject(bytes, 0);
      const down = await eng.waitEvent('accounts.changed', (a) => a.id === victim.id && a.state !== 'online', { since, timeoutMs: 30_000 });
      // not 'failed': the engine's reconnect policy takes over
      expect({ reconnects: down.state === 'reconnecting' || down.state === 'offline', kind: down.error?.kind, fatal: down.error?.fatal, code: down.error?.code }).toEqual({ reconnects: true, kind: 'protocol', fatal: false, code });
      await eng.waitEvent('accounts.changed', (a) => a.id === victim.id && a.state === 'online', { since, timeoutMs: 60_000 });
      expect(relay.accepted()).toBeGreaterThan(before);
      const body = `after ${name}`;
      await bob.adapter.send({ kind: 'direct', id: me.jid }, { body, clientId: `x-${name}` });
      await until(() => shown().some((m) => m.accountId === victim.id && m.body === body), `the account receives again after ${name}`, 30_000);
    }, 120_000);
  }

  it('nothing expanded reached the user, the other account never noticed, no unhandled error', async () => {
    expect(shown().filter((m) => m.body.includes('lol') || m.body.includes('root:'))).toEqual([]);
    expect(eng.events.slice(start).filter((e) => e.type === 'accounts.changed' && e.payload.id === bystander.id && e.payload.state !== 'online')).toEqual([]);
    await bob.adapter.send({ kind: 'direct', id: other.jid }, { body: 'bystander fine', clientId: 'bf' });
    await until(() => shown().some((m) => m.accountId === bystander.id && m.body === 'bystander fine'), 'the bystander still receives');
    expect(eng.stderr()).not.toMatch(/uncaught exception|unhandled rejection/i);
  }, 60_000);
});
