// Issue 9, guarantee 1 (IRC): a hostile IRC server (tests/reliability/hostile-irc.ts, raw TCP on a
// random loopback port) against the REAL IRC adapter inside the REAL engine process, with a good
// account on a real ngircd beside it. Garbage bytes, invalid UTF-8, a 1 MB line, a truncated stream,
// unknown commands and numerics with missing parameters, a CTCP flood, a 50,000-nick NAMES list,
// forged senders. (Far-future / negative server-time tags: tests/reliability/irc-times.test.ts and
// engine-ingest.test.ts.) Result: the engine never crashes or
// hangs, the broken account says what is wrong, the good account keeps working, memory stays bounded.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { AccountDTO, MessageDTO } from '../../contract/index';
import { startNgircd, type IrcServer } from '../harness/ngircd';
import { tempDir } from '../harness/util';
import { startHostileIrc, type HostileConn, type HostileIrc, type Scenario } from './hostile-irc';
import { ircConfig, rawIrc, sleep, startEngine, until, type Eng, type RawIrc } from './lib';

let irc: IrcServer;
let hostile: HostileIrc;
let tmp: ReturnType<typeof tempDir>;
let eng: Eng;
let peer: RawIrc;
let good: AccountDTO;
const P = ':mallory!m@evil.example';
const ctcpReplies = new Map<string, number>();

const line = (c: HostileConn, l: string) => c.write(l + '\r\n');

const scenarios: Record<string, Scenario> = {
  garbage(c) {
    for (let i = 0; i < 256; i++) {
      const b = randomBytes(250);
      for (let k = 0; k < b.length; k++) if (b[k] === 0x0a || b[k] === 0x0d) b[k] = 0x20;
      c.write(Buffer.concat([b, Buffer.from('\r\n')]));
    }
    line(c, `${P} PRIVMSG ${c.nick} :garbage survived`);
  },
  badutf(c) {
    c.write(Buffer.concat([Buffer.from(`${P} PRIVMSG ${c.nick} :bad `), Buffer.from([0xff, 0xfe, 0xc3, 0x28, 0xe2, 0x82, 0xed, 0xa0, 0x80, 0xf4, 0x90, 0x80, 0x80, 0x00]), Buffer.from(' utf8 survived\r\n')]));
    c.write(Buffer.concat([Buffer.from(`@time=`), Buffer.from([0xff, 0xc0]), Buffer.from(` ${P} PRIVMSG ${c.nick} :bad tag survived\r\n`)]));
  },
  async hugeline(c) {
    const chunk = Buffer.alloc(64 * 1024, 0x41);
    c.write(`${P} PRIVMSG ${c.nick} :`);
    for (let i = 0; i < 16; i++) {
      c.write(chunk);
      await sleep(5);
    }
    line(c, '');
    line(c, `${P} PRIVMSG ${c.nick} :huge survived`);
  },
  trunc(c) {
    c.write(`${P} PRIVMSG ${c.nick} :half a li`);
    setTimeout(() => c.socket.destroy(), 50);
  },
  odd(c) {
    const n = c.nick;
    const s = ':hostile.test';
    for (const l of [
      'FOO bar baz', `${s} 999 ${n}`, `${s} 353`, `${s} 353 ${n}`, `${s} 353 ${n} = #c`, `${s} 366`, `${s} 332 ${n}`, `${s} 333 ${n} #c`,
      `${s} 433`, `${s} 005`, `${s} 005 ${n} PREFIX=(ov CHANTYPES= NETWORK`, 'PRIVMSG', `${P} PRIVMSG`, `${P} PRIVMSG ${n}`, `${P} JOIN`, `${P} PART`,
      `${P} KICK #c`, `${P} MODE`, `${P} MODE ${n} +++---`, `${P} NICK`, `${P} TOPIC`, `${P} QUIT`, `${P} NOTICE`, `:!@ PRIVMSG ${n} :x`, `: PRIVMSG ${n} :x`,
      `@ PRIVMSG ${n} :x`, `@a=;b=\\;=\\\\ ${P} PRIVMSG ${n} :tags`, `${P} INVITE`, `${P} INVITE ${n}`, `${P} CAP`, `${s} 001`, `${s} 376`, `${s} 900`,
      `${s} 904`, `${s} 437`, `${s} 471 ${n}`, `${s} 474`, `${s} 482`, `${s} 324 ${n} #nowhere +k`, `${s} 329`, `${s} 352`, `${s} 311`, `${s} 730`, `${s} 731`,
      `${P} ACCOUNT`, `${P} AWAY`, `${P} CHGHOST`, `${P} BATCH +`, `${P} BATCH -nonexistent`, `${P} TAGMSG`, `${P} PRIVMSG ${n} :\u0001`, `${P} PRIVMSG ${n} :\u0001ACTION`,
      `${P} PRIVMSG #notjoined :to a channel we are not in`, '\u0000\u0000\u0000', ':', '@', ' ', '  PRIVMSG',
    ]) line(c, l);
    line(c, `${P} PRIVMSG ${n} :odd survived`);
  },
  async ctcp(c) {
    let burst = '';
    for (let i = 0; i < 5000; i++) burst += `${P} PRIVMSG ${c.nick} :\u0001${i % 2 ? 'VERSION' : `PING ${i}`}\u0001\r\n`;
    c.write(burst);
    await sleep(300);
    line(c, `${P} PRIVMSG ${c.nick} :ctcp survived`);
    // count what the client answered (a flood of replies would get a real user killed for flooding)
    setTimeout(() => ctcpReplies.set(c.nick, c.lines.filter((l) => l.startsWith('NOTICE')).length), 3000);
  },
  async names(c) {
    line(c, `:${c.nick}!u@h JOIN #big`);
    line(c, `:hostile.test 332 ${c.nick} #big :a big room`);
    let batch = '';
    let nicks: string[] = [];
    for (let i = 0; i < 50_000; i++) {
      nicks.push(`${i % 7 === 0 ? '@' : i % 5 === 0 ? '+' : ''}u${i}x${(i * 2654435761) % 100000}`);
      if (nicks.length === 40) {
        batch += `:hostile.test 353 ${c.nick} = #big :${nicks.join(' ')}\r\n`;
        nicks = [];
      }
      if (batch.length > 60_000) {
        c.write(batch);
        batch = '';
        await sleep(1);
      }
    }
    if (nicks.length) batch += `:hostile.test 353 ${c.nick} = #big :${nicks.join(' ')}\r\n`;
    c.write(batch + `:hostile.test 366 ${c.nick} #big :End of NAMES\r\n`);
    line(c, `${P} PRIVMSG #big :names survived`);
  },
  forge(c) {
    const n = c.nick;
    line(c, `:${n}!u@h PRIVMSG ${n} :forged as myself`);
    line(c, `:hostile.test PRIVMSG ${n} :from the server itself`);
    line(c, `${P} PRIVMSG someoneelse :misdirected`);
    line(c, `:${n}!u@h NICK :stolen`);
    line(c, `${P} PRIVMSG ${n} :forge survived`);
  },
};

const MARKERS: Record<string, string> = {
  garbage: 'garbage survived',
  badutf: 'utf8 survived',
  hugeline: 'huge survived',
  odd: 'odd survived',
  ctcp: 'ctcp survived',
  names: 'names survived',
  forge: 'forge survived',
};

beforeAll(async () => {
  tmp = tempDir('rel-hostile-irc');
  [irc, hostile] = await Promise.all([startNgircd({ options: ['MaxPenaltyTime = 0'] }), startHostileIrc(scenarios)]);
  eng = await startEngine(join(tmp.path, 'data'), { unlock: 'create' });
  const nick = `good${randomBytes(2).toString('hex')}`;
  good = await eng.call('accounts.add', { protocol: 'irc', label: 'good', config: ircConfig(irc.port, nick) });
  await eng.waitEvent('accounts.changed', (a) => a.id === good.id && a.state === 'online');
  peer = await rawIrc(irc.port, `gp${randomBytes(3).toString('hex')}`);
});
afterAll(async () => {
  peer?.close();
  await eng?.proc.close();
  await hostile?.close();
  await irc?.stop();
  tmp?.remove();
});

const rss = (pid: number) => Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1] ?? 0) / 1024;
const shown = (): MessageDTO[] => eng.events.flatMap((ev) => (ev.type === 'messages.added' ? ev.payload.messages : []));

describe('hostile IRC server', () => {
  it('no crash, no hang: every scenario is survived or reported on its own account, the good account keeps working', async () => {
    const rssBefore = rss(eng.proc.pid);
    const accounts = new Map<string, AccountDTO>();
    for (const name of Object.keys(scenarios)) {
      const a = await eng.call('accounts.add', { protocol: 'irc', label: `hostile ${name}`, config: ircConfig(hostile.port, `${name}${randomBytes(2).toString('hex')}`) });
      accounts.set(name, a);
    }
    // each scenario's closing message arrives after its attack (the account survived it)
    for (const [name, marker] of Object.entries(MARKERS)) {
      const a = accounts.get(name)!;
      await until(() => shown().some((m) => m.accountId === a.id && m.body.includes(marker)), `${name}: "${marker}" after the attack`, 60_000);
    }
    // the truncated stream: the account says so and reconnects by itself
    const t = accounts.get('trunc')!;
    const broken = await eng.waitEvent('accounts.changed', (a) => a.id === t.id && (a.state === 'reconnecting' || a.state === 'failed') && !!a.error);
    expect(broken.error?.message).toBeTruthy();
    await until(() => [...hostile.connections].some(([n, k]) => n.startsWith('trunc') && k >= 2), 'trunc: reconnected by itself', 60_000);

    // the engine answers, the good account never left and still carries messages both ways
    expect((await eng.call('engine.ping', {})).pid).toBe(eng.proc.pid);
    expect(eng.events.filter((e) => e.type === 'accounts.changed' && e.payload.id === good.id && e.payload.state !== 'online' && e.payload.state !== 'connecting')).toEqual([]);
    peer.privmsg((await eng.call('accounts.list', {})).find((a) => a.id === good.id)!.self ?? '', 'good still works');
    await until(() => shown().some((m) => m.accountId === good.id && m.body === 'good still works'), 'the good account still receives');
    const conv = shown().find((m) => m.accountId === good.id && m.body === 'good still works')!.conversationId;
    await eng.call('messages.send', { conversationId: conv, body: 'good still sends' });
    await until(() => peer.received.some((m) => m.body === 'good still sends'), 'the good account still sends');

    // what the hostile inputs became
    const bodies = shown().map((m) => m.body);
    expect(bodies.some((b) => b.includes('\u0000'))).toBe(false);
    const big = (await eng.call('conversations.list', {})).find((c) => c.accountId === accounts.get('names')!.id && c.kind === 'room');
    let members = 0;
    if (big) members = (await eng.call('rooms.members', { conversationId: big.id })).length;
    const rssAfter = rss(eng.proc.pid);
    console.log(
      `reliability/hostile-irc: engine RSS ${rssBefore.toFixed(0)} → ${rssAfter.toFixed(0)} MB; 50,000-nick NAMES → ${members} members; ` +
        `CTCP replies to 5,000 requests: ${[...ctcpReplies.values()].join(',') || 'n/a'}; engine warnings logged: ${eng.stderr().split('\n').filter(Boolean).length}`,
    );
    // memory stays bounded (1 MB line, 50k names, 5k CTCP): generous ceiling, far below a leak
    expect(rssAfter).toBeLessThan(1024);
    // nothing escaped as an uncaught exception in the engine process
    expect(eng.stderr()).not.toMatch(/uncaught exception|unhandled rejection/);
  }, 180_000);
});
