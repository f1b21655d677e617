/**
 * Helpers of the reliability suite: the REAL engine process (engine/client.ts) with an event log,
 * a minimal raw IRC peer (the "other person" that floods), byte scans of folders for secrets, and
 * the archive's integrity checks (SQLite + FTS5) opened with the key.
 */
import { createHash } from 'node:crypto';
import { connect as tcpConnect, type Socket } from 'node:net';
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createDispatcher, unwrap, type AnyEvent, type CommandInput, type CommandName, type CommandOutput, type Reply } from '../../contract/index';
import { Engine } from '../../core/engine/index';
import type { TimerApi } from '../../core/engine/reconnect';
import { ProtocolRegistry } from '../../core/protocol/registry';
import type { AdapterListener, ProtocolAdapter, ProtocolDescriptor } from '../../core/protocol/types';
import { silentLogger } from '../../core/util/logger';
import { startEngineProcess, type EngineProcess } from '../../engine/client';
import { openArchive } from '../../core/history/index';
import { connect as dbConnect } from '../../core/history/db';
import { LOOPBACK } from '../harness/util';

export const PASSPHRASE = 'reliability passphrase 1';
/** cheap scrypt for tests only */
export const TEST_ENV = { CONFAB_TEST_KDF_N: '1024' };
/** how many times a loop runs: small in `npm test`, large in `npm run soak` */
export const SOAK = process.env.CONFAB_SOAK === '1';
export const times = (fast: number, soak: number): number => Number(process.env.CONFAB_SOAK_ROUNDS ?? 0) || (SOAK ? soak : fast);

export const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

export async function until<T>(fn: () => T | Promise<T>, what: string, timeoutMs = 30_000): Promise<NonNullable<T>> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    const v = await fn();
    if (v) return v as NonNullable<T>;
    if (Date.now() > end) throw new Error(`timed out: ${what}`);
    await sleep(50);
  }
}

export interface Eng {
  proc: EngineProcess;
  events: AnyEvent[];
  call<K extends CommandName>(cmd: K, input: CommandInput<K>): Promise<CommandOutput<K>>;
  raw<K extends CommandName>(cmd: K, input: CommandInput<K>): Promise<Reply<CommandOutput<K>>>;
  waitEvent<T extends AnyEvent['type']>(type: T, pred?: (p: Extract<AnyEvent, { type: T }>['payload']) => boolean, opts?: { since?: number; timeoutMs?: number }): Promise<Extract<AnyEvent, { type: T }>['payload']>;
  stderr(): string;
}

/** the real engine process on a data folder; `unlock`: create or unlock the archive with PASSPHRASE */
export async function startEngine(dataDir: string, opts: { unlock?: 'create' | 'unlock' | false; env?: Record<string, string> } = {}): Promise<Eng> {
  let err = '';
  const proc = startEngineProcess({
    dataDir,
    env: { ...TEST_ENV, ...opts.env },
    stderr: (c) => {
      err += c;
      if (err.length > 200_000) err = err.slice(-100_000);
    },
  });
  const events: AnyEvent[] = [];
  const waiters = new Set<() => void>();
  proc.onEvent((batch) => {
    for (const e of batch) events.push(e);
    for (const w of [...waiters]) w();
  });
  await proc.ready;
  const call = proc.call as unknown as (c: CommandName, i: unknown) => Promise<Reply<unknown>>;
  const e: Eng = {
    proc,
    events,
    raw: ((c: CommandName, i: unknown) => call(c, i)) as Eng['raw'],
    call: (async (c: CommandName, i: unknown) => unwrap(await call(c, i))) as Eng['call'],
    waitEvent(type, pred = () => true, o = {}) {
      const timeoutMs = o.timeoutMs ?? 30_000;
      return new Promise((resolve, reject) => {
        let from = o.since ?? 0;
        const check = () => {
          for (; from < events.length; from++) {
            const ev = events[from]!;
            if (ev.type === type && pred(ev.payload as never)) {
              waiters.delete(check);
              clearTimeout(timer);
              resolve(ev.payload as never);
              return;
            }
          }
        };
        const timer = setTimeout(() => {
          waiters.delete(check);
          reject(new Error(`timed out waiting for engine event ${type}`));
        }, timeoutMs);
        waiters.add(check);
        check();
      });
    },
    stderr: () => err,
  };
  if (opts.unlock === 'create') await e.call('archive.create', { passphrase: PASSPHRASE });
  else if (opts.unlock === 'unlock') await e.call('archive.unlock', { passphrase: PASSPHRASE });
  return e;
}

/** an IRC account of the engine on a plain (non-TLS) loopback server, sending without throttling */
export function ircConfig(port: number, nick: string, extra: Record<string, string | number | boolean> = {}): Record<string, string | number | boolean> {
  return { server: LOOPBACK, port, tls: false, nick, auth: 'none', sendBurst: 1000, sendIntervalMs: 1, ...extra };
}

/** a bare-socket IRC client: registers, records PRIVMSGs to it, sends lines as fast as the socket takes them */
export interface RawIrc {
  nick: string;
  socket: Socket;
  /** PRIVMSG bodies received, in order, with the sender nick */
  received: { from: string; target: string; body: string }[];
  send(line: string): void;
  privmsg(target: string, body: string): void;
  close(): void;
}

export async function rawIrc(port: number, nick: string, timeoutMs = 15_000): Promise<RawIrc> {
  const socket = tcpConnect({ host: LOOPBACK, port });
  socket.setNoDelay(true);
  const received: RawIrc['received'] = [];
  let buf = '';
  let registered: () => void = () => {};
  const reg = new Promise<void>((resolve, reject) => {
    const t = setTimeout(() => reject(new Error(`${nick} did not register`)), timeoutMs);
    registered = () => { clearTimeout(t); resolve(); };
    socket.once('error', (e) => { clearTimeout(t); reject(e); });
  });
  socket.on('error', () => {});
  socket.setEncoding('utf8');
  socket.on('data', (d: string) => {
    buf += d;
    let i: number;
    while ((i = buf.indexOf('\n')) >= 0) {
      const line = buf.slice(0, i).replace(/\r$/, '');
      buf = buf.slice(i + 1);
      const m = /^(?::(\S+) )?(\S+)(?: (.*))?$/.exec(line);
      if (!m) continue;
      const [, prefix = '', cmd, rest = ''] = m;
      if (cmd === 'PING') socket.write(`PONG ${rest}\r\n`);
      else if (cmd === '001') registered();
      else if (cmd === 'PRIVMSG') {
        const sp = rest.indexOf(' ');
        const target = rest.slice(0, sp);
        const body = rest.slice(sp + 1).replace(/^:/, '');
        received.push({ from: prefix.split('!')[0] ?? '', target, body });
      }
    }
  });
  socket.write(`NICK ${nick}\r\nUSER ${nick.slice(0, 9)} 0 * :reliability peer\r\n`);
  await reg;
  return {
    nick,
    socket,
    received,
    send: (line) => void socket.write(line + '\r\n'),
    privmsg: (target, body) => void socket.write(`PRIVMSG ${target} :${body}\r\n`),
    close: () => {
      try { socket.end('QUIT :bye\r\n'); } catch { /* closed */ }
      setTimeout(() => socket.destroy(), 200);
    },
  };
}

/** every regular file under dir (recursively); folders that vanish meanwhile are skipped */
export function listFiles(dir: string): string[] {
  const out: string[] = [];
  let entries;
  try {
    entries = readdirSync(dir, { withFileTypes: true });
  } catch {
    return out;
  }
  for (const e of entries) {
    const p = join(dir, e.name);
    if (e.isDirectory()) out.push(...listFiles(p));
    else if (e.isFile()) out.push(p);
  }
  return out;
}

export function listDirs(dir: string): string[] {
  const out: string[] = [dir];
  for (const e of readdirSync(dir, { withFileTypes: true })) if (e.isDirectory()) out.push(...listDirs(join(dir, e.name)));
  return out;
}

/** the needle as it could appear in a file: UTF-8, UTF-16LE, UTF-16BE, hex and base64 of the UTF-8 */
export function encodings(needle: string): Buffer[] {
  const u8 = Buffer.from(needle, 'utf8');
  const le = Buffer.from(needle, 'utf16le');
  const be = Buffer.from(le).swap16();
  return [u8, le, be, Buffer.from(u8.toString('hex')), Buffer.from(u8.toString('base64').replace(/=+$/, ''))];
}

/** files (under the given folders) holding any needle in any of its encodings */
export function findSecrets(dirs: string[], needles: string[]): { file: string; needle: string }[] {
  const hits: { file: string; needle: string }[] = [];
  const encoded = needles.map((n) => ({ n, bufs: encodings(n) }));
  for (const d of dirs) {
    for (const f of listFiles(d)) {
      let data: Buffer;
      try {
        data = readFileSync(f);
      } catch {
        continue; // removed meanwhile (a temp file)
      }
      for (const { n, bufs } of encoded) if (bufs.some((b) => data.includes(b))) hits.push({ file: f, needle: n });
    }
  }
  return hits;
}

/** file name → [size, mtimeMs, content hash]: a snapshot to prove that nothing was written */
export function snapshot(dir: string): Map<string, string> {
  const m = new Map<string, string>();
  for (const f of listFiles(dir)) {
    const st = statSync(f);
    m.set(f, `${st.size}:${st.mtimeMs}:${st.mode}:${createHash('sha256').update(readFileSync(f)).digest('hex')}`);
  }
  return m;
}

/**
 * Opens the archive (after the engine released it) and runs SQLite's integrity check and the FTS5
 * index's own integrity check; returns the problems (empty: healthy) and the message count.
 */
export function checkArchive(archiveDir: string): { problems: string[]; messages: number } {
  const store = openArchive(archiveDir, { passphrase: PASSPHRASE });
  const problems: string[] = [];
  let messages = 0;
  const keyDir = mkdtempSync(join(tmpdir(), 'confab-rel-key-'));
  try {
    const v = store.verify();
    problems.push(...v.problems);
    messages = store.countMessages();
    const keyFile = join(keyDir, 'key');
    store.exportKeyFile(keyFile);
    const key = Buffer.from(readFileSync(keyFile, 'utf8').trim(), 'hex');
    store.close();
    const db = dbConnect(join(archiveDir, 'history.db'), key, { readOnly: false, create: false });
    try {
      db.prepare(`INSERT INTO messages_fts(messages_fts, rank) VALUES('integrity-check', 1)`).run();
    } catch (e) {
      problems.push(`fts integrity-check: ${e instanceof Error ? e.message : String(e)}`);
    } finally {
      db.close();
    }
  } finally {
    try { store.close(); } catch { /* closed */ }
    rmSync(keyDir, { recursive: true, force: true });
  }
  return { problems, messages };
}

/**
 * A plain TCP relay in front of a server: `down()` drops every connection (optionally after a
 * partial line) and refuses new ones until `up()` — a server restart as its clients see it, for
 * servers the harness cannot restart on the same port (ngircd).
 */
export interface TcpRelay {
  port: number;
  down(partial?: string): void;
  up(): void;
  close(): Promise<void>;
}

export async function startTcpRelay(targetPort: number): Promise<TcpRelay> {
  const { createServer } = await import('node:net');
  const pairs = new Set<{ a: Socket; b: Socket }>();
  let isUp = true;
  const srv = createServer((a) => {
    if (!isUp) {
      a.destroy();
      return;
    }
    const b = tcpConnect({ host: LOOPBACK, port: targetPort });
    const pair = { a, b };
    pairs.add(pair);
    a.pipe(b);
    b.pipe(a);
    const end = () => {
      pairs.delete(pair);
      a.destroy();
      b.destroy();
    };
    for (const s of [a, b]) {
      s.on('close', end);
      s.on('error', end);
    }
  });
  await new Promise<void>((r) => srv.listen(0, LOOPBACK, () => r()));
  return {
    port: (srv.address() as { port: number }).port,
    down(partial) {
      isUp = false;
      for (const { a, b } of [...pairs]) {
        if (partial) {
          b.unpipe(a);
          a.write(partial);
        }
        a.destroy();
        b.destroy();
      }
    },
    up() {
      isUp = true;
    },
    async close() {
      isUp = false;
      for (const { a, b } of pairs) {
        a.destroy();
        b.destroy();
      }
      await new Promise<void>((r) => srv.close(() => r()));
    },
  };
}

/**
 * A stub protocol for in-process engine tests: its adapters connect at once, do nothing on the wire,
 * and hand their event listener to `listeners` under the account's "name", so a test can play the
 * server. `extra` adds capability groups (e.g. rooms).
 */
export function stubProtocol(listeners: Map<string, AdapterListener>, extra: Partial<ProtocolAdapter> = {}): ProtocolDescriptor {
  return {
    id: 'stub',
    displayName: 'Stub',
    configFields: [{ key: 'name', label: 'Name', type: 'text', required: true }],
    validateConfig: () => ({}),
    validateAddress: (id) => ({ ok: true, normalized: id }),
    create(config): ProtocolAdapter {
      const name = String(config['name']);
      return {
        caps: { presenceShows: ['available'], maxMessageBytes: 1000, serverAck: false, deliveryReceipts: false, stableClientIds: false },
        connect: async () => {},
        disconnect: async () => {},
        subscribe(l) {
          listeners.set(name, l);
          return () => listeners.delete(name);
        },
        normalize: (id) => ({ ok: true, normalized: id }),
        setPresence: async () => {},
        send: async () => {},
        ...extra,
      };
    },
  };
}

export interface InProcessEngine {
  engine: Engine;
  events: AnyEvent[];
  call<K extends CommandName>(cmd: K, input: CommandInput<K>): Promise<CommandOutput<K>>;
}

/** the engine in this process (same Engine and validating dispatcher as the engine process), archive created */
export async function startInProcessEngine(dataDir: string, protocols: ProtocolDescriptor[], opts: { timers?: TimerApi } = {}): Promise<InProcessEngine> {
  const events: AnyEvent[] = [];
  const engine = new Engine({ dataDir, registry: new ProtocolRegistry(protocols), log: silentLogger, emit: (e) => events.push(e), kdf: { N: 1024 }, ...opts });
  const dispatch = createDispatcher(engine.handlers);
  const call = (async (cmd: CommandName, input: unknown) => unwrap(await dispatch(cmd, input))) as InProcessEngine['call'];
  await call('archive.create', { passphrase: PASSPHRASE });
  return { engine, events, call };
}

/**
 * A steady pinger: engine.ping round trips every `everyMs` while something heavy runs (figures for
 * the log, never asserted). `stop()` ends it and summarises.
 */
export function startPinger(eng: Eng, everyMs: number): { stop(): Promise<string> } {
  const rtts: number[] = [];
  let pinging = true;
  const loop = (async () => {
    while (pinging) {
      const p0 = performance.now();
      if ((await eng.raw('engine.ping', {})).ok) rtts.push(performance.now() - p0);
      await sleep(everyMs);
    }
  })();
  return {
    async stop() {
      pinging = false;
      await loop;
      const sorted = [...rtts].sort((a, b) => a - b);
      const pct = (q: number) => sorted[Math.min(sorted.length - 1, Math.floor((q / 100) * sorted.length))] ?? 0;
      return `ping round trips ${rtts.length}, p50 ${pct(50).toFixed(0)} ms, p95 ${pct(95).toFixed(0)} ms, max ${(sorted.at(-1) ?? 0).toFixed(0)} ms`;
    },
  };
}

const burstBodies = (events: AnyEvent[]) =>
  events.flatMap((e) => (e.type === 'messages.added' ? e.payload.messages.filter((m) => m.body.startsWith('burst ')).map((m) => m.body) : []));

/**
 * After a server wrote `n` messages "burst 0" … "burst n-1" to the account in one go: a ping is sent
 * as soon as the host sees the first one; then everything shown and stored is compared with the
 * burst. Returns what the tests assert (by order of events, never by time).
 */
export async function pingDuringBurst(eng: Eng, accountId: string, n: number): Promise<{ shownWhenAnswered: number; answeredBeforeTheEnd: boolean; shownInOrder: boolean; storedInOrder: boolean }> {
  await eng.waitEvent('messages.added', (p) => p.messages.some((m) => m.body === 'burst 0'), { timeoutMs: 60_000 });
  await eng.call('engine.ping', {});
  const shownWhenAnswered = burstBodies(eng.events).length;
  await until(() => burstBodies(eng.events).length >= n, 'the whole burst shown', 120_000);
  const shown = burstBodies(eng.events);
  const conv = (await eng.call('conversations.list', {})).find((c) => c.accountId === accountId && c.kind === 'direct');
  const stored: string[] = [];
  let page = await eng.call('messages.page', { conversationId: conv!.id, limit: 500 });
  for (;;) {
    stored.unshift(...page.messages.map((m) => m.body));
    if (!page.hasBefore || !page.messages.length) break;
    page = await eng.call('messages.page', { conversationId: conv!.id, before: page.messages[0]!.id, limit: 500 });
  }
  const inOrder = (xs: string[]) => xs.length === n && xs.every((b, i) => b === `burst ${i}`);
  return { shownWhenAnswered, answeredBeforeTheEnd: shownWhenAnswered < n, shownInOrder: inOrder(shown), storedInOrder: inOrder(stored) };
}
