// Issue 9, guarantee 3: durability under kill -9. The real engine process (engine/client.ts
// startEngineProcess → kill('SIGKILL')) with an IRC account on a real ngircd; a raw IRC peer floods
// it while the engine also sends. The engine is killed at a random moment of the flood, again and
// again (a handful of times here, hundreds in `npm run soak`). After each kill: the archive passes
// SQLite's integrity_check and the FTS5 index's integrity-check (against its content table); after
// the restart every message that had reached the UI (a `messages.added` event) or whose send had
// been acknowledged (the command's reply) is in the history, exactly once. The outbox: messages
// queued while the account is off survive a kill -9 and are sent exactly once after the restart.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import type { MessageDTO } from '../../contract/index';
import { startNgircd, type IrcServer } from '../harness/ngircd';
import { tempDir } from '../harness/util';
import { checkArchive, ircConfig, rawIrc, sleep, SOAK, startEngine, times, until, type Eng, type RawIrc } from './lib';

let irc: IrcServer;
let tmp: ReturnType<typeof tempDir>;
const engines: Eng[] = [];
const peers: RawIrc[] = [];

beforeAll(async () => {
  irc = await startNgircd({ options: ['MaxPenaltyTime = 0'] });
  tmp = tempDir('rel-durability');
});
afterAll(async () => {
  for (const p of peers) p.close();
  for (const e of engines) e.proc.kill();
  await irc?.stop();
  tmp?.remove();
});

async function engine(dataDir: string, mode: 'create' | 'unlock'): Promise<Eng> {
  const e = await startEngine(dataDir, { unlock: mode });
  engines.push(e);
  return e;
}

async function killHard(e: Eng): Promise<void> {
  e.proc.kill('SIGKILL');
  const x = await e.proc.exited;
  expect(x.signal).toBe('SIGKILL');
}

/** every message of a conversation, oldest first, through messages.page */
async function history(e: Eng, conversationId: string): Promise<MessageDTO[]> {
  let page = await e.call('messages.page', { conversationId, limit: 500 });
  const all = [...page.messages];
  while (page.hasBefore && page.messages.length) {
    page = await e.call('messages.page', { conversationId, before: page.messages[0]!.id, limit: 500 });
    all.unshift(...page.messages);
  }
  return all;
}

const shown = (e: Eng): MessageDTO[] => e.events.flatMap((ev) => (ev.type === 'messages.added' ? ev.payload.messages : []));
const counts = (list: string[]) => list.reduce((m, b) => m.set(b, (m.get(b) ?? 0) + 1), new Map<string, number>());

describe('durability: kill -9 during a flood', () => {
  it('every message shown or acknowledged before the kill is in the history after restart; integrity checks pass', async () => {
    const dataDir = join(tmp.path, 'flood');
    const nick = `dur${randomBytes(3).toString('hex')}`;
    let e = await engine(dataDir, 'create');
    const account = await e.call('accounts.add', { protocol: 'irc', label: 'durability', config: ircConfig(irc.port, nick) });
    const peer = await rawIrc(irc.port, `flo${randomBytes(3).toString('hex')}`);
    peers.push(peer);
    const rounds = times(3, 200);
    const mustHave = new Set<string>();
    const ackedOwn = new Set<string>();
    let conversationId = '';
    let totalShown = 0;
    let killedWithFloodRunning = 0;
    for (let round = 0; round < rounds; round++) {
      if (round > 0) e = await engine(dataDir, 'unlock');
      const online = await e.waitEvent('accounts.changed', (a) => a.id === account.id && a.state === 'online', { timeoutMs: 60_000 });
      const target = online.self ?? nick;
      if (!conversationId) {
        peer.privmsg(target, 'hello');
        conversationId = (await until(() => shown(e).find((m) => m.body === 'hello'), 'first message')).conversationId;
      }
      // the flood: the peer writes bursts as fast as the socket takes them, the engine sends too
      let flooding = true;
      let i = 0;
      const flood = (async () => {
        while (flooding) {
          let burst = '';
          for (let k = 0; k < 10; k++) burst += `PRIVMSG ${target} :r${round} in ${i++} flood text\r\n`;
          peer.socket.write(burst);
          await sleep(10);
        }
      })();
      const own = (async () => {
        for (let k = 0; flooding; k++) {
          const body = `r${round} out ${k}`;
          const r = await e.raw('messages.send', { conversationId, body }).catch(() => null);
          if (r?.ok) ackedOwn.add(body);
          await sleep(20);
        }
      })();
      // kill at a random moment once the flood is under way
      await until(() => shown(e).some((m) => m.body.startsWith(`r${round} in `)), 'the flood reaching the UI');
      await sleep(100 + Math.floor(Math.random() * 900));
      const seen = shown(e);
      await killHard(e);
      killedWithFloodRunning++;
      flooding = false;
      await Promise.all([flood, own]);
      // what the UI had been shown and what had been acknowledged before the kill
      for (const m of seen) mustHave.add(m.body);
      totalShown += seen.length;
      const check = checkArchive(join(dataDir, 'archive'));
      expect(check.problems, `round ${round}`).toEqual([]);
    }
    for (const b of ackedOwn) mustHave.add(b);

    e = await engine(dataDir, 'unlock');
    const all = (await history(e, conversationId)).map((m) => m.body);
    const have = counts(all);
    const missing = [...mustHave].filter((b) => !have.has(b));
    const doubled = [...have].filter(([, n]) => n > 1).map(([b]) => b);
    console.log(`reliability/durability: ${killedWithFloodRunning} kill -9 during the flood, ${totalShown} messages shown before the kills, ${ackedOwn.size} sends acknowledged, ${all.length} in history; missing ${missing.length}, doubled ${doubled.length}`);
    expect(missing).toEqual([]);
    expect(doubled).toEqual([]);
    await e.proc.close();
    expect(checkArchive(join(dataDir, 'archive')).problems).toEqual([]);
  }, SOAK ? 3_600_000 : 240_000); // the soak's 200 kills need far longer than npm test's 3

  it('the outbox survives kill -9 and sends every queued message exactly once after the restart', async () => {
    const dataDir = join(tmp.path, 'outbox');
    const nick = `obx${randomBytes(3).toString('hex')}`;
    const peer = await rawIrc(irc.port, `obp${randomBytes(3).toString('hex')}`);
    peers.push(peer);
    let e = await engine(dataDir, 'create');
    const account = await e.call('accounts.add', { protocol: 'irc', label: 'outbox', config: ircConfig(irc.port, nick) });
    await e.waitEvent('accounts.changed', (a) => a.id === account.id && a.state === 'online');
    const conv = await e.call('conversations.open', { accountId: account.id, kind: 'direct', address: peer.nick });
    const rounds = times(2, 50);
    const queued: string[] = [];
    for (let round = 0; round < rounds; round++) {
      await e.call('accounts.update', { id: account.id, enabled: false });
      await e.waitEvent('accounts.changed', (a) => a.id === account.id && a.state === 'offline');
      for (let k = 0; k < 5; k++) {
        const body = `outbox r${round} m${k}`;
        const m = await e.call('messages.send', { conversationId: conv.id, body });
        expect(m.state).toBe('queued');
        queued.push(body);
      }
      await killHard(e);
      expect(checkArchive(join(dataDir, 'archive')).problems).toEqual([]);
      e = await engine(dataDir, 'unlock');
      const page = (await history(e, conv.id)).filter((m) => m.body.startsWith(`outbox r${round} `));
      expect(page.map((m) => m.state)).toEqual(['queued', 'queued', 'queued', 'queued', 'queued']);
      await e.call('accounts.update', { id: account.id, enabled: true });
      await until(() => queued.every((b) => peer.received.some((r) => r.body === b)), `round ${round}: the peer got every queued message`);
    }
    // a moment for any duplicate to arrive, then exactly once each
    await e.call('engine.ping', {});
    await sleep(500);
    const got = counts(peer.received.map((r) => r.body).filter((b) => b.startsWith('outbox ')));
    expect(queued.filter((b) => got.get(b) !== 1)).toEqual([]);
    const states = (await history(e, conv.id)).filter((m) => m.body.startsWith('outbox ')).map((m) => m.state);
    expect(states.filter((s) => s === 'queued' || s === 'failed')).toEqual([]);
    await e.proc.close();
  }, SOAK ? 1_800_000 : 180_000);
});
