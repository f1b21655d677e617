// Incoming bursts are handed on in slices (protocols/irc/lineSlicer.ts): a server writes thousands of
// lines in ONE socket write and the client gets turns of the event loop while they are processed, at
// most MAX_LINES_PER_TURN lines per turn; nothing is lost, order is kept, and the lines waiting in
// memory stay bounded (the socket is paused). Asserted by counting lines between turns, never by time.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AdapterEvent } from '../../core/protocol/types';
import { MAX_LINES_PER_TURN } from '../../protocols/irc/lineSlicer';
import { ConfabTransport, openSocket, PAUSE_AT_LINES } from '../../protocols/irc/transport';
import { LOOPBACK } from '../harness/util';
import { nick, online, type TestAccount } from './adapter-helpers';
import { startBurstServer } from './fixtures';

type BurstServer = Awaited<ReturnType<typeof startBurstServer>>;
let server: BurstServer;
beforeAll(async () => {
  server = await startBurstServer();
});
afterAll(async () => {
  await server?.stop();
});

/** counts turns of the event loop (a setImmediate chain) and the lines handled between two turns */
function turnCounter(handled: () => number) {
  let last = handled();
  let most = 0;
  let turns = 0;
  let running = true;
  const tick = () => {
    const n = handled();
    most = Math.max(most, n - last);
    last = n;
    turns++;
    if (running) setImmediate(tick);
  };
  setImmediate(tick);
  return { stop: () => { running = false; tick(); return { most, turns }; } };
}

async function until(what: string, ok: () => boolean, timeoutMs = 60_000) {
  const end = Date.now() + timeoutMs;
  while (!ok()) {
    if (Date.now() > end) throw new Error(`timed out: ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

describe('a burst of thousands of lines in one write', () => {
  let acc: TestAccount;
  afterAll(async () => {
    await acc?.stop();
  });

  it('the adapter gets event-loop turns in between, every message arrives, in order', async () => {
    const me = nick('burst');
    acc = await online({ server: LOOPBACK, port: server.port, tls: false, nick: me, auth: 'none' });
    await until('registered at the fixture', () => server.registered(me), 10_000);
    const N = 5000;
    const bodies: string[] = [];
    let atFirstTurn = -1;
    acc.adapter.subscribe((e: AdapterEvent) => {
      if (e.type !== 'message' || !e.message.body.startsWith('burst ')) return;
      bodies.push(e.message.body);
      // the first message of the burst: when does the event loop get its next turn?
      if (bodies.length === 1) setImmediate(() => { atFirstTurn = bodies.length; });
    });
    const counter = turnCounter(() => bodies.length);
    // short lines: one 64 KiB socket read holds ~1,700 of them, the whole burst is ~190 KB
    server.burst(me, Array.from({ length: N }, (_, i) => `:peer!p@h PRIVMSG ${me} :burst ${i}`));
    await until('every burst line handled', () => bodies.length >= N);
    const { most, turns } = counter.stop();
    console.log(`irc/burst: ${N} lines in one write; the loop's first turn came after ${atFirstTurn} lines; ${turns} turns, at most ${most} lines between two`);
    expect({
      firstTurnBeforeTheEnd: atFirstTurn > 0 && atFirstTurn < N,
      atMostOneSlicePerTurn: most <= MAX_LINES_PER_TURN,
      inOrder: bodies.every((b, i) => b === `burst ${i}`),
      count: bodies.length,
    }).toEqual({ firstTurnBeforeTheEnd: true, atMostOneSlicePerTurn: true, inOrder: true, count: N });
  }, 120_000);
});

describe('back-pressure', () => {
  it('lines waiting in memory stay bounded while a 20,000-line write is handed on; none lost', async () => {
    const N = 20_000;
    const t = new ConfabTransport({ confabOpen: () => openSocket({ host: LOOPBACK, port: server.port, tls: false }) });
    const got: string[] = [];
    let mostWaiting = 0;
    const me = nick('bp');
    t.on('line', (l: string) => {
      mostWaiting = Math.max(mostWaiting, t.waitingLines);
      if (l.includes(' PRIVMSG ')) got.push(l.slice(l.lastIndexOf(':') + 1));
    });
    await new Promise<void>((resolve, reject) => {
      t.once('open', () => resolve());
      t.once('close', (err: unknown) => reject(err instanceof Error ? err : new Error('closed')));
      t.connect();
    });
    try {
      t.writeLine(`NICK ${me}`);
      t.writeLine(`USER ${me} 0 * :bp`);
      await until('registered at the fixture', () => server.registered(me), 10_000);
      const lines = Array.from({ length: N }, (_, i) => `:peer!p@h PRIVMSG ${me} :${i}`);
      server.burst(me, lines);
      await until('every line handed on', () => got.length >= N);
      // paused at PAUSE_AT_LINES: at most one more socket read (64 KiB) of the shortest line arrives
      const shortest = Math.min(...lines.map((l) => Buffer.byteLength(l) + 2));
      const bound = PAUSE_AT_LINES + Math.ceil(65_536 / shortest);
      console.log(`irc/burst: ${N} lines in one write, at most ${mostWaiting} waiting at once (bound ${bound})`);
      expect({ bounded: mostWaiting <= bound, belowTheBurst: mostWaiting < N, inOrder: got.every((b, i) => b === String(i)), count: got.length })
        .toEqual({ bounded: true, belowTheBurst: true, inOrder: true, count: N });
    } finally {
      t.disposeSocket();
    }
  }, 120_000);
});
