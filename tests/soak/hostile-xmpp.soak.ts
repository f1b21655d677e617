// KNOWN FAILING (issue 9, guarantee 1; found by this suite).
// 1. "rosters of 50,000 entries": 50,000 valid roster pushes keep the engine process busy so long
//    that commands time out (2,000 take ~6.6 s in tests/reliability/hostile-xmpp.test.ts; the
//    engine upserts and re-emits people per push, see core/engine/engine.ts case 'roster').
// 2. "malformed XML, entity-expansion attempts": the XMPP stream parser (@xmpp/xml's ltx-based Parser, used by protocols/xmpp/client.ts)
//  - swallows everything after a `<!DOCTYPE …>` from the server (billion laughs, XXE): no element,
//    no 'error' event, so the account stays "online" and silently receives nothing;
//  - THROWS out of write() on an undefined entity (`&foo;`) instead of emitting 'error': the
//    exception escapes the socket's data handler and the account is left deaf the same way.
// Reproduce standalone: new Parser(); write('<stream:stream …>'); write('<!DOCTYPE x [<!ENTITY a "a">]>');
// write('<message/>') → nothing. Expected (RFC 6120 §11.1): a restricted-xml / not-well-formed
// stream error, the account reported and reconnected by the core's policy.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { join } from 'node:path';
import type { AccountDTO } from '../../contract/index';
import { xmppProtocol } from '../../protocols/xmpp/index';
import { startPeer, xmppAccountConfig, type Peer } from '../engine/helpers';
import { startProsody, type ProsodyServer, type XmppTestUser } from '../harness/prosody';
import { tempDir } from '../harness/util';
import { sleep, startEngine, until, type Eng } from '../reliability/lib';
import { pushRoster, startXmppRelay, type XmppRelay } from '../reliability/xmpp-relay';

let server: ProsodyServer;
let relay: XmppRelay;
let eng: Eng;
let bob: Peer;
let me: XmppTestUser;
let victim: AccountDTO;
const tmp = tempDir('soak-xmpp-parser');

beforeAll(async () => {
  server = await startProsody();
  relay = await startXmppRelay(server);
  const tag = Date.now() % 100000;
  me = await server.createUser(`pv${tag}`);
  const b = await server.createUser(`pb${tag}`);
  eng = await startEngine(join(tmp.path, 'data'), { unlock: 'create' });
  victim = await eng.call('accounts.add', { protocol: 'xmpp', config: { ...xmppAccountConfig(server, me), server: '127.0.0.1', port: relay.port, directTls: true } });
  await eng.waitEvent('accounts.changed', (a) => a.id === victim.id && a.state === 'online', { timeoutMs: 60_000 });
  bob = await startPeer(xmppProtocol, xmppAccountConfig(server, b, { resource: 'p' }));
});
afterAll(async () => {
  await bob?.close();
  await eng?.proc.close();
  await relay?.close();
  await server?.stop();
  tmp.remove();
});

const attacks: [string, string][] = [
  ['undefined entity', `<message xmlns='jabber:client' type='chat'><body>&undefinedentity;</body></message>`],
  ['billion laughs', `<!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;"><!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">]><message xmlns='jabber:client' type='chat'><body>&lol3;</body></message>`],
  ['xxe', `<!DOCTYPE m [<!ENTITY xxe SYSTEM "file:///etc/passwd">]><message xmlns='jabber:client' type='chat'><body>&xxe;</body></message>`],
];

describe('50,000 roster pushes', () => {
  it('the engine keeps answering commands and ends with 50,000 contacts', async () => {
    const self = (await eng.call('accounts.list', {})).find((a) => a.id === victim.id)!.self!;
    const t0 = Date.now();
    await pushRoster(relay, self, 50_000);
    const pings: boolean[] = [];
    let n = 0;
    while (Date.now() - t0 < 180_000) {
      const r = await eng.raw('engine.ping', {});
      pings.push(r.ok);
      const c = await eng.raw('contacts.list', {});
      n = c.ok ? c.value.length : n;
      if (n >= 50_000) break;
      await sleep(1000);
    }
    console.log(`soak/hostile-xmpp: 50,000 roster pushes → ${n} contacts after ${((Date.now() - t0) / 1000).toFixed(0)} s; unanswered pings ${pings.filter((p) => !p).length}/${pings.length}`);
    expect({ contacts: n >= 50_000, unanswered: pings.filter((p) => !p).length }).toEqual({ contacts: true, unanswered: 0 });
  }, 300_000);
});

describe('XML markup the XMPP parser must refuse', () => {
  for (const [name, bytes] of attacks) {
    it(`${name}: the account reports it and comes back, or keeps receiving`, async () => {
      relay.inject(bytes, 0);
      await sleep(500);
      const body = `after ${name}`;
      await bob.adapter.send({ kind: 'direct', id: me.jid }, { body, clientId: `x-${name}` });
      const got = await until(() => eng.events.some((e) => e.type === 'messages.added' && e.payload.messages.some((m) => m.body === body)), `the account receives again after ${name}`, 60_000).then(() => true, () => false);
      expect({ receivesAgain: got }).toEqual({ receivesAgain: true });
    }, 120_000);
  }
});
