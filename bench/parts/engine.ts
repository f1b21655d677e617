/**
 * The engine part of `npm run bench` (issue 6 §5): an XMPP flood through the harness's Prosody from
 * a sender in another process. Measured twice in the same run:
 *   - baseline: a raw @xmpp/client receiver (its own process) counting the messages;
 *   - the engine process (engine/client.ts, the real thing hosts run): every message stored in the
 *     encrypted history and delivered to the event subscriber (this process) as `messages.added`.
 * Rate = messages / (last one received − sender's first send). The raw receiver answers receipt
 * requests (XEP-0184) like the engine's adapter does, so the server carries the same traffic. The engine's CPU time (user+system,
 * from /proc) is reported beside it. `--size N` sets the number of messages (default 5000);
 * `--rounds N` (default 2) alternates the two receivers and keeps the best round of each.
 *
 * The same file is the sender and the raw receiver when started with CONFAB_BENCH_ROLE.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import type { BenchContext } from '../common';

interface RoleParams {
  host: string;
  port: number;
  domain: string;
  jid: string;
  password: string;
  caPem: string;
  to?: string;
  count: number;
}

const BODY = 'the quick brown fox jumps over the lazy dog while the engine stores message number ';

async function sender(p: RoleParams) {
  const { xmppProtocol } = await import('../../protocols/xmpp/index');
  const a = xmppProtocol.create({ jid: p.jid, password: p.password, server: p.host, port: p.port, caPem: p.caPem, resource: 'flood' }, { log: { debug() {}, info() {}, warn() {}, error() {} }, now: Date.now });
  await a.connect(new AbortController().signal);
  process.stdout.write('start\n');
  // pipelined: up to 100 sends in flight, so the sender is not what sets the pace
  for (let i = 0; i < p.count; i += 100) {
    const batch = [];
    for (let j = i; j < Math.min(p.count, i + 100); j++) batch.push(a.send({ kind: 'direct', id: p.to! }, { body: `${BODY}${j}`, clientId: `flood-${j}` }));
    await Promise.all(batch);
  }
  process.stdout.write('sent\n');
  await new Promise((r) => setTimeout(r, 60_000)).catch(() => {});
}

async function rawReceiver(p: RoleParams) {
  // the baseline: @xmpp/client as it comes (its TLS takes the CA from NODE_EXTRA_CA_CERTS)
  const { client } = (await import('@xmpp/client' as string)) as { client: (o: Record<string, unknown>) => { on(ev: string, fn: (x: never) => void): void; start(): Promise<unknown>; send(x: unknown): Promise<void> } };
  const { xml } = (await import('@xmpp/client' as string)) as { xml: (...a: unknown[]) => unknown };
  const [local] = p.jid.split('@');
  const c = client({ service: `xmpp://${p.host}:${p.port}`, domain: p.domain, username: local, password: p.password, resource: 'raw' });
  let n = 0;
  c.on('error', () => {});
  c.on('stanza', (st: { is(n: string): boolean; getChildText(n: string): string | null; getChild(n: string, ns?: string): unknown; attrs: Record<string, string> }) => {
    if (!st.is('message') || !st.getChildText('body')?.startsWith(BODY)) return;
    // answer receipt requests as every real client (and the engine's adapter) does, so both sides cost the server the same
    if (st.getChild('request', 'urn:xmpp:receipts') && st.attrs.id && st.attrs.from) void c.send(xml('message', { to: st.attrs.from, id: `r-${st.attrs.id}` }, xml('received', { xmlns: 'urn:xmpp:receipts', id: st.attrs.id }))).catch(() => {});
    if (++n % p.count === 0) process.stdout.write('done\n');
  });
  await c.start();
  await c.send(xml('presence'));
  process.stdout.write('ready\n');
  await new Promise((r) => setTimeout(r, 600_000));
}

function spawnRole(role: 'sender' | 'raw', params: RoleParams, extraEnv: Record<string, string> = {}): { child: ChildProcess; lines: (fn: (line: string) => void) => void } {
  const req = createRequire(import.meta.url);
  const child = spawn(process.execPath, ['--import', pathToFileURL(req.resolve('tsx')).href, fileURLToPath(import.meta.url)], {
    stdio: ['ignore', 'pipe', 'inherit'],
    env: { ...process.env, ...extraEnv, CONFAB_BENCH_ROLE: role, CONFAB_BENCH_PARAMS: JSON.stringify(params) },
  });
  const fns: ((l: string) => void)[] = [];
  let buf = '';
  child.stdout!.setEncoding('utf8').on('data', (d: string) => {
    buf += d;
    let i;
    while ((i = buf.indexOf('\n')) >= 0) {
      const line = buf.slice(0, i);
      buf = buf.slice(i + 1);
      for (const f of fns) f(line);
    }
  });
  return { child, lines: (fn) => void fns.push(fn) };
}

const waitLine = (s: ReturnType<typeof spawnRole>, want: string, timeoutMs = 120_000) =>
  new Promise<number>((resolve, reject) => {
    const t = setTimeout(() => reject(new Error(`bench: no "${want}" from child`)), timeoutMs);
    s.lines((l) => {
      if (l === want) {
        clearTimeout(t);
        resolve(performance.now());
      }
    });
  });

function cpuMs(pid: number): number {
  // utime + stime in clock ticks (USER_HZ = 100 on Linux)
  const f = readFileSync(`/proc/${pid}/stat`, 'utf8');
  const parts = f.slice(f.lastIndexOf(')') + 2).split(' ');
  return (Number(parts[11]) + Number(parts[12])) * 10;
}

export async function run(ctx: BenchContext): Promise<void> {
  const count = ctx.size ?? 5000;
  const rounds = Number(ctx.options['rounds'] ?? 2);
  const { startProsody } = await import('../../tests/harness/prosody');
  const { startEngineProcess } = await import('../../engine/client');
  // archiving off: with Prosody's file storage the server, not the clients, would set the pace
  const server = await startProsody({ extraConfig: 'modules_disabled = { "mam"; "offline" }' });
  const kill: ChildProcess[] = [];
  try {
    const [rawUser, engUser, sendUser] = await Promise.all([server.createUser('benchraw'), server.createUser('benchengine'), server.createUser('benchsender')]);
    const base = { host: server.host, port: server.port, domain: server.domain, caPem: server.caPem, count };
    const caFile = join(ctx.tempDir('engine-ca'), 'ca.pem');
    writeFileSync(caFile, server.caPem);

    // the baseline receiver: raw @xmpp/client in its own process
    const raw = spawnRole('raw', { ...base, jid: rawUser.jid, password: rawUser.password }, { NODE_EXTRA_CA_CERTS: caFile });
    kill.push(raw.child);
    await waitLine(raw, 'ready');

    // the engine process: stored + delivered to this subscriber
    const eng = startEngineProcess({ dataDir: ctx.tempDir('engine-data'), env: { CONFAB_TEST_KDF_N: '1024' }, stderr: 'ignore' });
    const ok = <T>(r: { ok: true; value: T } | { ok: false; error: { message: string } }): T => {
      if (!r.ok) throw new Error(r.error.message);
      return r.value;
    };
    try {
      ok(await eng.call('archive.create', { passphrase: 'bench passphrase 123' }));
      const online = new Promise<void>((resolve) => eng.on('accounts.changed', (a) => a.state === 'online' && resolve()));
      ok(await eng.call('accounts.add', { protocol: 'xmpp', config: { jid: engUser.jid, password: engUser.password, server: server.host, port: server.port, caPem: server.caPem } }));
      await online;
      let got = 0;
      let onAll: (() => void) | null = null;
      eng.on('messages.added', (e) => {
        for (const m of e.messages) if (m.body.startsWith(BODY)) got++;
        if (got >= count && onAll) onAll();
      });

      let sender: ChildProcess | null = null;
      const flood = async (to: string): Promise<number> => {
        const s = spawnRole('sender', { ...base, jid: sendUser.jid, password: sendUser.password, to });
        kill.push(s.child);
        sender = s.child;
        return waitLine(s, 'start');
      };
      const stopSender = () => void (sender as ChildProcess | null)?.kill('SIGKILL');
      // alternate the two receivers, best round of each: the machine's other load hits both alike
      let rawBest = 0;
      let engBest = 0;
      let cpuBest = Infinity;
      for (let r = 0; r < rounds; r++) {
        const rawDone = waitLine(raw, 'done', 600_000);
        const t0 = await flood(rawUser.jid);
        const t1 = await rawDone;
        stopSender();
        rawBest = Math.max(rawBest, count / ((t1 - t0) / 1000));
        ctx.log(`round ${r + 1}: raw @xmpp/client received ${count} in ${(t1 - t0).toFixed(0)} ms`);

        got = 0;
        let tEnd = 0;
        const all = new Promise<void>((resolve) => {
          onAll = () => {
            if (!tEnd) tEnd = performance.now();
            onAll = null;
            resolve();
          };
        });
        const e0 = await flood(engUser.jid);
        const cpu0 = cpuMs(eng.pid);
        await all;
        const cpu = cpuMs(eng.pid) - cpu0;
        stopSender();
        const rate = count / ((tEnd - e0) / 1000);
        if (rate > engBest) engBest = rate;
        cpuBest = Math.min(cpuBest, cpu);
        ctx.log(`round ${r + 1}: engine stored and delivered ${count} in ${(tEnd - e0).toFixed(0)} ms, engine CPU ${cpu} ms`);
      }
      ctx.add({ name: 'xmpp_flood.raw_client_rate', value: Math.round(rawBest), unit: 'msg/s' });
      ctx.add({ name: 'xmpp_flood.stored_and_delivered_rate', value: Math.round(engBest), unit: 'msg/s', baseline: Math.round(rawBest), ratio: Math.round((engBest / rawBest) * 1000) / 1000 });
      ctx.add({ name: 'xmpp_flood.engine_cpu_per_1k', value: Math.round((cpuBest / count) * 1000), unit: 'ms/1k msg' });
    } finally {
      await eng.close();
    }
  } finally {
    for (const c of kill) c.kill('SIGKILL');
    await server.stop();
  }
}

const role = process.env.CONFAB_BENCH_ROLE;
if (role) {
  const params = JSON.parse(process.env.CONFAB_BENCH_PARAMS ?? '{}') as RoleParams;
  (role === 'sender' ? sender(params) : rawReceiver(params)).catch((err: unknown) => {
    process.stderr.write(`bench ${role}: ${err instanceof Error ? err.message : String(err)}\n`);
    process.exit(1);
  });
}
