// Issue 9: a flood of XMPP stanzas in ONE socket write must not hold the event loop. A scripted
// TLS XMPP server (fixtures/hostile-server.ts) writes thousands of messages at once to the real
// adapter; the test counts turns of the event loop (a setImmediate ticker) while the messages
// arrive: the loop turns long before the burst is done, between two turns only a bounded number
// of stanzas is handled, and every message arrives once, in order. Proven by order, never by time.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { silentLogger } from '../../core/util/logger';
import { xmppProtocol, type XmppAdapter } from '../../protocols/xmpp/index';
import { PIECE_CHARS } from '../../protocols/xmpp/inputSlicer';
import { PAUSE_AT_CHARS } from '../../protocols/xmpp/inputQueue';
import type { XmppSocket } from '../../protocols/xmpp/transport';
import { startHostileServer, type HostileServer } from './fixtures/hostile-server';
import { record, type Rec } from './helpers';

let h: HostileServer;
let a: XmppAdapter;
let rec: Rec;
const D = 'burst.test';
const me = `alice@${D}`;

beforeAll(async () => {
  h = await startHostileServer(D);
  a = xmppProtocol.create({ jid: me, password: 'pw', server: h.host, port: h.port, caPem: h.caPem, timeoutMs: 10_000 }, { log: silentLogger, now: Date.now }) as XmppAdapter;
  rec = record(a);
  await a.connect(new AbortController().signal);
  await h.ready();
});
afterAll(async () => {
  await a?.disconnect().catch(() => {});
  await h?.stop();
});

const stanza = (tag: string, i: number, body: string) => `<message from='bob@${D}/x' to='${me}' type='chat' id='${tag}${i}'><body>${body}</body><origin-id xmlns='urn:xmpp:sid:0' id='${tag}${i}'/></message>`;

/** turns of the event loop, counted by a setImmediate chain until stop() */
function ticker() {
  let turns = 0;
  let on = true;
  const tick = () => {
    if (!on) return;
    turns++;
    setImmediate(tick);
  };
  setImmediate(tick);
  return { turns: () => turns, stop: () => { on = false; } };
}

/** the socket object xmpp.js reads from (to look at what waits in its input queue) */
const socketOf = (x: XmppAdapter) => (x as unknown as { session: { s: { client: { entity: { socket: XmppSocket | null } } | null } } }).session.s.client?.entity.socket ?? null;

describe('XMPP input in slices', () => {
  it('5,000 messages in one write: the event loop turns in between, each turn handles a bounded piece, all arrive in order', async () => {
    const N = 5000;
    let burst = '';
    for (let i = 0; i < N; i++) burst += stanza('b', i, `burst ${i} é😀`);
    const from = rec.events.length;
    const t = ticker();
    /** turn count at each message of the burst */
    const at: number[] = [];
    const unsub = a.subscribe((e) => {
      if (e.type === 'message' && e.message.clientId?.startsWith('b')) at.push(t.turns());
    });
    h.send(burst);
    await rec.waitFor('message', (e) => e.message.clientId === `b${N - 1}`, 60_000);
    t.stop();
    unsub();
    const got = rec.events.slice(from).flatMap((e) => (e.type === 'message' && e.message.clientId?.startsWith('b') ? [e.message] : []));
    expect(got.map((m) => m.body)).toEqual(Array.from({ length: N }, (_, i) => `burst ${i} é😀`));
    // the loop turned while the burst was handled: the first message was seen many turns before the last
    expect(at[N - 1]! - at[0]!).toBeGreaterThan(10);
    // between two turns at most one piece of stanzas (plus the one a piece ended in)
    const perTurn = new Map<number, number>();
    for (const x of at) perTurn.set(x, (perTurn.get(x) ?? 0) + 1);
    const most = Math.max(...perTurn.values());
    const shortest = stanza('b', 0, 'burst 0 é😀').length;
    console.log(`xmpp/burst: ${N} messages over ${at[N - 1]! - at[0]!} turns, at most ${most} in one turn (bound ${Math.ceil(PIECE_CHARS / shortest) + 1})`);
    expect(most).toBeLessThanOrEqual(Math.ceil(PIECE_CHARS / shortest) + 1);
  }, 90_000);

  it('a 40,000-message flood: what waits in memory stays bounded (socket paused), nothing lost, order kept', async () => {
    const N = 40_000;
    const sock = socketOf(a);
    expect(sock).not.toBeNull();
    let most = 0;
    const watch = setInterval(() => { most = Math.max(most, sock!.input.waiting); }, 0);
    let seen = 0;
    let inOrder = true;
    const unsub = a.subscribe((e) => {
      if (e.type !== 'message' || !e.message.clientId?.startsWith('f')) return;
      if (e.message.clientId !== `f${seen}`) inOrder = false;
      seen++;
      most = Math.max(most, sock!.input.waiting);
    });
    let flood = '';
    for (let i = 0; i < N; i++) flood += stanza('f', i, `flood ${i}`);
    h.send(flood);
    await rec.waitFor('message', (e) => e.message.clientId === `f${N - 1}`, 120_000);
    clearInterval(watch);
    unsub();
    console.log(`xmpp/burst: ${N} messages (${(flood.length / 1048576).toFixed(1)} MiB in one write), at most ${most} characters waiting`);
    expect(seen).toBe(N);
    expect(inOrder).toBe(true);
    // paused at PAUSE_AT_CHARS; one more socket read (at most 64 KiB) may arrive before the pause
    expect(most).toBeLessThan(PAUSE_AT_CHARS + 64 * 1024);
    expect(most).toBeGreaterThan(0);
  }, 150_000);
});
