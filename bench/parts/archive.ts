/**
 * Archive import benchmark (issue 10). Default 100,000 messages (`--size N`), spread over log files
 * of every supported format (irssi, WeeChat, HexChat, Pidgin TXT and HTML; 5,000 lines a file).
 *
 * baseline: plain line reading of the same files (read + split into lines), messages/s.
 * parse:    detection + parsing into normalized records, messages/s, ratio to the baseline.
 * import:   parse + insert into a new encrypted archive (core/history, FTS5, dedup), messages/s.
 * reimport: the same files again (every message a duplicate, nothing written), messages/s.
 * export:   writing HTML + text + hash-chained JSONL of everything, then verify, messages/s.
 * retention: deleting everything by a 1-day policy (rows, FTS entries, secure-delete, audited
 *           batches), messages/s.
 * Import and retention also per CPU-second of this process (steadier on a shared machine).
 * engine:   the same import as a job in the real engine process (batches of 500 with event-loop
 *           turns between them): its rate (ratio to the direct import) and the engine.ping round
 *           trip while it runs (p50/p95/max, ratio to idle pings of the same run).
 */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { verifyExport, writeExport } from '../../core/archive/export/index';
import { listLogFiles, readLogFile } from '../../core/archive/import/index';
import { importLogs } from '../../core/archive/importer';
import { applyRetention, setAccountRetention } from '../../core/archive/retention';
import { collectMessages } from '../../core/archive/select';
import { createArchive } from '../../core/history/index';
import { unwrap, type ArchiveJobDTO } from '../../contract/index';
import { startEngineProcess } from '../../engine/client';
import { percentile, rng, round, time, type BenchContext } from '../common';

const WORDS = 'the deploy is done please review my patch lunch tomorrow server crashed again thanks great idea meeting moved to friday log file attached see ticket build green coffee anyone weekend plans'.split(' ');
const NICKS = ['alice', 'bob', 'carol', 'dave', 'erin', 'frank', 'grace', 'heidi'];
const PER_FILE = 5000;

function text(r: () => number): string {
  const n = 3 + Math.floor(r() * 12);
  return Array.from({ length: n }, () => WORDS[Math.floor(r() * WORDS.length)]).join(' ');
}
const p2 = (n: number) => String(n).padStart(2, '0');

function writeLogs(dir: string, total: number): void {
  const r = rng(10);
  const formats = ['irssi', 'weechat', 'hexchat', 'pidgin-txt', 'pidgin-html'] as const;
  let made = 0;
  for (let f = 0; made < total; f++) {
    const fmt = formats[f % formats.length]!;
    const n = Math.min(PER_FILE, total - made);
    const start = Date.UTC(2020, 0, 1) + f * 86_400_000;
    const lines: string[] = [];
    const d = new Date(start);
    const ymd = `${d.getUTCFullYear()}-${p2(d.getUTCMonth() + 1)}-${p2(d.getUTCDate())}`;
    const mon = d.toUTCString().slice(8, 11);
    const dow = d.toUTCString().slice(0, 3);
    for (let i = 0; i < n; i++) {
      const t = new Date(start + i * 15_000);
      const hms = `${p2(t.getUTCHours())}:${p2(t.getUTCMinutes())}:${p2(t.getUTCSeconds())}`;
      const nick = NICKS[Math.floor(r() * NICKS.length)]!;
      const body = text(r);
      if (fmt === 'irssi') lines.push(`${hms.slice(0, 5)} < ${nick}> ${body}`);
      else if (fmt === 'weechat') lines.push(`${ymd} ${hms}\t${nick}\t${body}`);
      else if (fmt === 'hexchat') lines.push(`${mon} ${p2(t.getUTCDate())} ${hms} <${nick}>\t${body}`);
      else if (fmt === 'pidgin-txt') lines.push(`(${hms}) ${nick}: ${body}`);
      else lines.push(`<font color="#A82F2F"><font size="2">(${hms})</font> <b>${nick}:</b></font> ${body}<br/>`);
    }
    let name: string, head: string[], tail: string[] = [];
    const sub = join(dir, fmt, `net${f % 3}`);
    mkdirSync(sub, { recursive: true });
    if (fmt === 'irssi') { name = `#chan${f}.log`; head = [`--- Log opened ${dow} ${mon} ${p2(d.getUTCDate())} 00:00:00 ${d.getUTCFullYear()}`]; }
    else if (fmt === 'weechat') { name = `irc.net${f % 3}.#chan${f}.weechatlog`; head = []; }
    else if (fmt === 'hexchat') { name = `#chan${f}.log`; head = [`**** BEGIN LOGGING AT ${dow} ${mon} ${p2(d.getUTCDate())} 00:00:00 ${d.getUTCFullYear()}`]; }
    else {
      const chat = join(sub, `#chan${f}.chat`);
      mkdirSync(chat, { recursive: true });
      const h = `Conversation with #chan${f} at ${d.toUTCString()} on me@net${f % 3} (IRC)`;
      name = join(`#chan${f}.chat`, `${ymd}.000000+0000UTC.${fmt === 'pidgin-txt' ? 'txt' : 'html'}`);
      head = fmt === 'pidgin-txt' ? [h] : [`<html><head><meta http-equiv="content-type" content="text/html; charset=UTF-8"><title>${h}</title></head><body><h3>${h}</h3>`];
      if (fmt === 'pidgin-html') tail = ['</body></html>'];
    }
    writeFileSync(join(sub, name), [...head, ...lines, ...tail].join('\n') + '\n');
    made += n;
  }
}

/** wall and CPU milliseconds of one call */
function cpu(f: () => void): { wall: number; cpu: number } {
  const c0 = process.cpuUsage();
  const wall = time(f);
  const c = process.cpuUsage(c0);
  return { wall, cpu: (c.user + c.system) / 1000 };
}

export async function run(ctx: BenchContext): Promise<void> {
  const total = ctx.size ?? 100_000;
  const dir = ctx.tempDir('archive-logs');
  writeLogs(dir, total);
  const files = listLogFiles([dir]);
  ctx.log(`${total} messages in ${files.length} log files (5 formats)`);
  const opts = { utcOffsetMinutes: 0 };

  let lines = 0;
  const tBase = time(() => { for (const f of files) lines += readFileSync(f, 'utf8').split('\n').length; });
  const base = total / (tBase / 1000);
  ctx.log(`${lines} lines read`);
  ctx.add({ name: 'baseline line reading', value: Math.round(base), unit: 'msg/s' });

  let parsed = 0;
  const tParse = time(() => { for (const f of files) parsed += readLogFile(f, opts).messages.length; });
  if (parsed !== total) throw new Error(`parsed ${parsed} of ${total}`);
  const parse = total / (tParse / 1000);
  ctx.add({ name: 'parse (detect + normalize)', value: Math.round(parse), unit: 'msg/s', baseline: Math.round(base), ratio: round(parse / base) });

  let directRate = 0;
  const store = createArchive(join(ctx.tempDir('archive-db'), 'archive'), { passphrase: 'bench', kdf: { N: 1024 } });
  try {
    let inserted = 0;
    const cImp = cpu(() => { inserted = importLogs(store, [dir], opts).inserted; });
    if (inserted !== total) throw new Error(`imported ${inserted} of ${total}`);
    const imp = total / (cImp.wall / 1000);
    directRate = imp;
    ctx.add({ name: 'import into encrypted archive', value: Math.round(imp), unit: 'msg/s', baseline: Math.round(base), ratio: round(imp / base) });
    ctx.add({ name: 'import into encrypted archive (CPU)', value: Math.round(total / (cImp.cpu / 1000)), unit: 'msg/CPU-s' });

    let dup = 0;
    const tRe = time(() => { dup = importLogs(store, [dir], opts).duplicates; });
    if (dup !== total) throw new Error(`re-import saw ${dup} duplicates of ${total}`);
    const re = total / (tRe / 1000);
    ctx.add({ name: 're-import (all duplicates)', value: Math.round(re), unit: 'msg/s', baseline: Math.round(base), ratio: round(re / base) });

    const out = join(ctx.tempDir('archive-export'), 'x');
    const tEx = time(() => {
      const msgs = collectMessages(store, {});
      writeExport(out, msgs, { title: 'bench', selection: {} });
      const v = verifyExport(out);
      if (!v.ok || v.count !== total) throw new Error('export did not verify');
    });
    ctx.add({ name: 'export (html+txt+jsonl) + verify', value: Math.round(total / (tEx / 1000)), unit: 'msg/s', baseline: Math.round(base), ratio: round(total / (tEx / 1000) / base) });

    for (const a of store.listAccounts()) setAccountRetention(store, a.id, 1, 'bench');
    let deleted = 0;
    const cDel = cpu(() => { deleted = applyRetention(store, { by: 'bench' }).accounts.reduce((n, a) => n + a.deleted, 0); });
    if (deleted !== total || store.countMessages() !== 0) throw new Error(`retention deleted ${deleted} of ${total}`);
    const del = total / (cDel.wall / 1000);
    ctx.add({ name: 'retention delete (secure, audited)', value: Math.round(del), unit: 'msg/s', baseline: Math.round(base), ratio: round(del / base) });
    ctx.add({ name: 'retention delete (CPU)', value: Math.round(total / (cDel.cpu / 1000)), unit: 'msg/CPU-s' });
  } finally {
    store.close();
  }

  await engineJob(ctx, dir, total, directRate);
}

/** the import as a job of the real engine process, pinged every 20 ms while it runs */
async function engineJob(ctx: BenchContext, dir: string, total: number, directRate: number): Promise<void> {
  const engine = startEngineProcess({ dataDir: ctx.tempDir('archive-engine'), env: { CONFAB_TEST_KDF_N: '1024' }, stderr: 'ignore', timeoutMs: 120_000 });
  try {
    await engine.ready;
    unwrap(await engine.call('archive.create', { passphrase: 'bench passphrase' }));
    const ping = async () => {
      const t0 = performance.now();
      unwrap(await engine.call('engine.ping', {}));
      return performance.now() - t0;
    };
    const idle: number[] = [];
    for (let i = 0; i < 50; i++) idle.push(await ping());
    let finished: ArchiveJobDTO | null = null;
    const done = new Promise<ArchiveJobDTO>((resolve) => engine.onEvent((batch) => {
      for (const e of batch) if (e.type === 'archive.job' && e.payload.state !== 'running') resolve(e.payload);
    }));
    const t0 = performance.now();
    unwrap(await engine.call('archive.import', { paths: [dir] }));
    void done.then((j) => { finished = j; });
    const busy: number[] = [];
    while (!finished) {
      busy.push(await ping());
      await new Promise((r) => setTimeout(r, 20));
    }
    const job = finished as ArchiveJobDTO;
    const ms = performance.now() - t0;
    const inserted = job.summary && 'import' in job.summary ? job.summary.import.inserted : 0;
    if (job.state !== 'done' || inserted !== total) throw new Error(`engine import job: ${job.state}, ${inserted} of ${total}`);
    const rate = total / (ms / 1000);
    ctx.add({ name: 'import as an engine job', value: Math.round(rate), unit: 'msg/s', baseline: Math.round(directRate), ratio: round(rate / directRate) });
    const idle95 = percentile(idle, 95);
    ctx.add({ name: 'ping during the import job p50', value: round(percentile(busy, 50), 1), unit: 'ms', baseline: round(percentile(idle, 50), 1), ratio: round(percentile(busy, 50) / percentile(idle, 50), 1) });
    ctx.add({ name: 'ping during the import job p95', value: round(percentile(busy, 95), 1), unit: 'ms', baseline: round(idle95, 1), ratio: round(percentile(busy, 95) / idle95, 1) });
    ctx.add({ name: 'ping during the import job max', value: round(Math.max(...busy), 1), unit: 'ms' });
    ctx.log(`${busy.length} pings answered during the job`);
  } finally {
    await engine.close();
  }
}
