// Issue 9, guarantee 4 on IRC: the REAL server process is stopped and started again on the same port
// (ngircd, and InspIRCd with echo-message + labels) again and again while a peer on that server and
// the engine chat, directly and in a channel. Rounds alternate a clean restart (SIGTERM) and a crash
// (SIGKILL of the server's process group). Guarantees:
//  - the account comes back online by itself and rejoins its channel (the peer sees it JOIN again);
//  - nothing is doubled, in either direction;
//  - nothing the server accepted is lost: every line the peer sent before a PING the server answered
//    reaches the engine, and every message of the engine that the server confirmed (echo, state
//    "sent") reaches the peer — asserted for clean restarts; after a crash the server's own unsent
//    buffers die with it, so those are counted, not asserted;
//  - the outbox leaves nothing queued: what was typed during the outage goes out after reconnect.
// IRC servers keep nothing for absent users: messages the engine sent without confirmation (ngircd
// has no echo-message) are only required never to double.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { join } from 'node:path';
import type { ConversationDTO, MessageDTO } from '../../contract/index';
import { startInspircd } from '../harness/inspircd';
import { startNgircd, type IrcServer } from '../harness/ngircd';
import { tempDir } from '../harness/util';
import { ircPeer, type IrcPeer } from './irc-peer';
import { allMessages } from './pages';
import { ircConfig, startEngine, times, until, type Eng } from './lib';

const ROUNDS = times(2, 20);
const K = 4; // messages per side, kind and phase
let eng: Eng;
const tmp = tempDir('rel-irc-restart');
const servers: IrcServer[] = [];
const peers: IrcPeer[] = [];

beforeAll(async () => {
  eng = await startEngine(join(tmp.path, 'data'), { unlock: 'create' });
});
afterAll(async () => {
  for (const p of peers) p.close();
  await eng?.proc.close();
  for (const s of servers) await s.stop();
  tmp.remove();
});

const history = (conversationId: string): Promise<MessageDTO[]> => allMessages(eng, conversationId);

const count = <T>(list: T[], pred: (x: T) => boolean) => list.filter(pred).length;

for (const kind of ['ngircd', 'inspircd'] as const) {
  describe(`${kind} restarted on the same port while both sides chat`, () => {
    it('back online by itself, channel rejoined, nothing the server accepted lost, nothing doubled', async () => {
      const server = kind === 'ngircd' ? await startNgircd() : await startInspircd();
      servers.push(server);
      const tag = Math.random().toString(36).slice(2, 6);
      const me = `eng${tag}`;
      const channel = `#rel${tag}`;
      const peer = ircPeer(server.port, `peer${tag}`);
      peers.push(peer);
      await peer.connect();
      await peer.join(channel);
      const account = await eng.call('accounts.add', { protocol: 'irc', label: kind, config: ircConfig(server.port, me) });
      const online = () => until(async () => (await eng.call('accounts.list', {})).find((a) => a.id === account.id)?.state === 'online', `${kind} account online by itself`, 90_000);
      await online();
      const room: ConversationDTO = await eng.call('rooms.join', { accountId: account.id, values: { channel } });
      const direct: ConversationDTO = await eng.call('conversations.open', { accountId: account.id, kind: 'direct', address: peer.nick });
      // the engine in the channel: its JOIN, or its name in NAMES when the peer (re)joined after it
      const engineJoins = () => count(peer.joins, (j) => j.nick.toLowerCase() === me && j.channel === channel.toLowerCase());
      await until(() => engineJoins() >= 1, 'the engine joined the channel');

      /** what the peer sent: body → whether the server had accepted it before a clean restart */
      const peerSent = new Map<string, { must: boolean }>();
      /** what the engine sent: body → sent while the peer was connected (else: during the outage) */
      const engSent = new Map<string, { target: 'direct' | 'room'; clean: boolean }>();
      const peerSend = (label: string) => {
        const bodies: string[] = [];
        for (let i = 0; i < K; i++) {
          for (const [t, target] of [['d', me], ['c', channel]] as const) {
            const body = `${label} p${t}${i}`;
            peer.privmsg(target, body);
            bodies.push(body);
          }
        }
        return bodies;
      };
      const engSend = async (label: string, clean: boolean) => {
        for (let i = 0; i < K; i++) {
          for (const [target, conv] of [['direct', direct], ['room', room]] as const) {
            const body = `${label} e${target[0]}${i}`;
            const r = await eng.raw('messages.send', { conversationId: conv.id, body });
            expect(r.ok, body).toBe(true);
            engSent.set(body, { target, clean });
          }
        }
      };
      const engineGot = async (bodies: string[], what: string) => {
        await until(async () => {
          const got = [...(await history(direct.id)), ...(await history(room.id))].filter((m) => m.direction === 'in');
          return bodies.every((b) => got.some((m) => m.body === b));
        }, what, 60_000);
      };
      const peerGot = (bodies: string[], what: string) => until(() => bodies.every((b) => peer.received.some((m) => m.body === b)), what, 60_000);

      let crashes = 0;
      for (let r = 0; r < ROUNDS; r++) {
        const hard = r % 2 === 1;
        if (hard) crashes++;
        // both connected: everything arrives
        const before = peerSend(`r${r} before`);
        await engSend(`r${r} before`, true);
        await peer.sync();
        await engineGot(before, `r${r}: peer → engine before the restart`);
        await peerGot([...engSent.keys()].filter((b) => b.startsWith(`r${r} before`)), `r${r}: engine → peer before the restart`);
        for (const b of before) peerSent.set(b, { must: true });
        // in flight: the peer's lines the server answered a PING after were accepted
        const inflight = peerSend(`r${r} inflight`);
        await peer.sync();
        for (const b of inflight) peerSent.set(b, { must: !hard });
        await engSend(`r${r} inflight`, true);
        const joinsBefore = engineJoins();
        await server.restart!({ hard });
        // the engine's user types on during the outage (queued in the outbox)
        await engSend(`r${r} outage`, false);
        await peer.connect();
        await peer.join(channel);
        await online();
        await until(() => engineJoins() > joinsBefore, `r${r}: the engine rejoined ${channel} by itself`, 90_000).catch(async (err: Error) => {
          const acc = (await eng.call('accounts.list', {})).find((a) => a.id === account.id);
          throw new Error(`${err.message}; account ${JSON.stringify(acc)}; peer saw joins ${JSON.stringify(peer.joins.slice(-5))}; engine log: ${eng.stderr().slice(-3000)}`);
        });
        const after = peerSend(`r${r} after`);
        await engSend(`r${r} after`, true);
        await peer.sync();
        await engineGot(after, `r${r}: peer → engine after the restart`);
        await peerGot([...engSent.keys()].filter((b) => b.startsWith(`r${r} after`)), `r${r}: engine → peer after the restart`);
        for (const b of after) peerSent.set(b, { must: true });
      }

      const inbox = [...(await history(direct.id)), ...(await history(room.id))].filter((m) => m.direction === 'in');
      const outbox = [...(await history(direct.id)), ...(await history(room.id))].filter((m) => m.direction === 'out');
      const atPeer = (b: string) => count(peer.received, (m) => m.body === b);
      const atEngine = (b: string) => count(inbox, (m) => m.body === b);
      const state = (b: string) => outbox.find((m) => m.body === b)?.state;
      const lostAccepted = [...peerSent].filter(([b, v]) => v.must && atEngine(b) !== 1).map(([b]) => b);
      const crashLost = [...peerSent].filter(([b, v]) => !v.must && atEngine(b) === 0).length;
      const confirmedLost = [...engSent].filter(([b, v]) => v.clean && (state(b) === 'sent' || state(b) === 'delivered') && atPeer(b) !== 1 && !b.includes('inflight')).map(([b]) => b);
      const confirmedInflightLost = [...engSent].filter(([b]) => b.includes('inflight') && (state(b) === 'sent' || state(b) === 'delivered') && atPeer(b) === 0);
      const cleanInflightLost = confirmedInflightLost.filter(([b]) => Number(/^r(\d+)/.exec(b)![1]) % 2 === 0).map(([b]) => b);
      const states: Record<string, number> = {};
      for (const b of engSent.keys()) states[state(b) ?? 'missing'] = (states[state(b) ?? 'missing'] ?? 0) + 1;
      const outageArrived = count([...engSent.keys()], (b) => b.includes('outage') && atPeer(b) === 1);
      console.log(`reliability/irc-restart ${kind}: ${ROUNDS} restarts (${crashes} SIGKILL), peer sent ${peerSent.size} (lost after crashes ${crashLost}), engine sent ${engSent.size} (states ${JSON.stringify(states)}; ${outageArrived}/${ROUNDS * 2 * K} typed during outages arrived; confirmed but lost in crashes ${confirmedInflightLost.length - cleanInflightLost.length})`);
      expect({
        doubledAtEngine: [...peerSent.keys()].filter((b) => atEngine(b) > 1),
        doubledAtPeer: [...engSent.keys()].filter((b) => atPeer(b) > 1),
        doubledInOwnHistory: [...engSent.keys()].filter((b) => count(outbox, (m) => m.body === b) !== 1),
        acceptedByServerButLost: lostAccepted,
        confirmedByServerButLost: [...confirmedLost, ...cleanInflightLost],
        stillQueued: [...engSent.keys()].filter((b) => state(b) === 'queued'),
      }).toEqual({ doubledAtEngine: [], doubledAtPeer: [], doubledInOwnHistory: [], acceptedByServerButLost: [], confirmedByServerButLost: [], stillQueued: [] });
      if (kind === 'inspircd') expect(states['sent'] ?? 0, 'InspIRCd confirms by echo-message').toBeGreaterThan(0);
    }, 900_000);
  });
}
