// Soak size of issue 9, guarantee 1 "rosters of 50,000 entries": 50,000 valid roster pushes must
// leave the engine answering commands (passes since roster pushes are applied in 20 ms slices;
// the 5,000-push version runs in npm test: tests/reliability/engine-roster.test.ts).
// (The parser part — DOCTYPE / undefined entities — is fixed: tests/reliability/xmpp-parser.test.ts.)
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { join } from 'node:path';
import type { AccountDTO } from '../../contract/index';
import { xmppProtocol } from '../../protocols/xmpp/index';
import { startPeer, xmppAccountConfig, type Peer } from '../engine/helpers';
import { startProsody, type ProsodyServer, type XmppTestUser } from '../harness/prosody';
import { tempDir } from '../harness/util';
import { sleep, startEngine, startPinger, type Eng } from '../reliability/lib';
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

describe('50,000 roster pushes', () => {
  it('the engine keeps answering commands and ends with 50,000 contacts', async () => {
    const self = (await eng.call('accounts.list', {})).find((a) => a.id === victim.id)!.self!;
    const t0 = Date.now();
    await pushRoster(relay, self, 50_000);
    const pings: boolean[] = [];
    let n = 0;
    // a steady pinger: round trips while the pushes are handled (figures only, never asserted)
    const pinger = startPinger(eng, 50);
    // progress from the contacts.changed events (one person per new contact): contacts.list of
    // 50,000 people is itself a long command (see docs/reliability-load.md), asked once at the end
    const people = new Set<string>();
    let seen = 0;
    while (Date.now() - t0 < 480_000) { // bounded; ~40–110 s on a quiet machine, much longer under load
      const r = await eng.raw('engine.ping', {});
      pings.push(r.ok);
      for (; seen < eng.events.length; seen++) {
        const e = eng.events[seen]!;
        if (e.type === 'contacts.changed') people.add(String(e.payload.id));
      }
      if (people.size >= 50_000) {
        const c = await eng.raw('contacts.list', {});
        n = c.ok ? c.value.length : n;
        if (n >= 50_000) break;
      }
      await sleep(1000);
    }
    const rtt = await pinger.stop();
    console.log(`soak/hostile-xmpp: 50,000 roster pushes → ${n} contacts after ${((Date.now() - t0) / 1000).toFixed(0)} s; unanswered pings ${pings.filter((p) => !p).length}/${pings.length}; ${rtt}`);
    expect({ contacts: n >= 50_000, unanswered: pings.filter((p) => !p).length }).toEqual({ contacts: true, unanswered: 0 });
  }, 600_000);
});
