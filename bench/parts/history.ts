/**
 * History store benchmark (issue 5). Default size 1,000,000 messages; `--size N` for quicker runs.
 *
 * ingest: the full store (encrypted + FTS5, through insertMessages with dedup, 10k per batch) vs the
 *   same schema unencrypted vs plain SQLite without the FTS index (same insert path).
 * search: newest-first p50/p95 per query class on the encrypted store, relevance (bm25) p95, the
 *   speed-up over a `LIKE '%term%'` scan counting all matches, latest page, messagesAround, open time
 *   of a 10× smaller archive vs the full one.
 * Data: deterministic (seeded) — Zipf-distributed vocabulary of 30k words, 1–30 words per message,
 * 3 accounts, 180 conversations (direct + rooms), ~5 % CJK messages, 3 years of timestamps.
 */
import { join } from 'node:path';
import { cpus, loadavg } from 'node:os';
import { createArchive, openArchive, readKeyFile } from '../../core/history/index';
import { SqliteHistoryStore } from '../../core/history/store';
import type { HistoryStore, MessageInput } from '../../core/history/types';
import { unencryptedStore } from '../../tests/history/helpers';
import { percentile, rng, round, sample, sampleWithCpu, time, type BenchContext } from '../common';

const COMMON =
  `the be to of and a in that have i it for not on with he as you do at this but his by from they we say her she or an will my one all would there their what so up out if about who get which go me when make can like time no just him know take people into year your good some could them see other than then now look only come its over think also back after use two how our work first well way even new want because any these give day most us meeting project release server channel message network client build test deploy bug patch review merge branch commit lunch coffee weekend tomorrow yesterday today morning evening thanks please sorry great nice cool okay sure maybe later soon again still really actually probably everyone team office home music movie game book photo link file video code issue ticket update version config password account login error crash log`.split(
    /\s+/,
  );
const SYL = ['ka', 'lo', 'mi', 'ran', 'te', 'so', 'vu', 'ner', 'pa', 'di', 'ko', 'rel', 'sa', 'tor', 'gi', 'lun', 'mo', 've', 'bri', 'zan', 'qua', 'fel', 'hor', 'nix'];
const CJK = '的一是不了人我在有他这中大来上国个到说们为子和你地出道也时年得就那要下以生会自着去之过家学对可里后小么心多天而能好都然没日于起还发成事只作当想看文无开手十用主行方又如前所本见经头面公同三已老从动两长知民样现分将外但身些与高意进把法此实回二理美点月明其种声全工己话儿者向情部正名定女问力机给等几很业最间新什打便位因重被走电四第门相次东政海口使教西再平真听世气信北少关并内加化由却代军产入先山五太水万市眼体别处总才场师书比住员九笑性通目华报立马命张活难神数件安表原车白应路期叫死常提感金何更反合放做系计或司利受光王果亲界及今京务制解各任至清物台象记边共风战干接它许八特觉望直服毛林题建南度统色字请交爱让认算论百吃义科怎元社术结六功指思非流每青管夫连远资队跟带花快条院变联言权往展该领传近留红治决周保达办运武半候七必城父强步完革深区即求品士转量空甚众技轻程告江语英基派满式李息写呢识极令黄德收脸钱党倒未持音乐包局觉今日東京駅会社電話仕事明日午後'.split('');
const NAMES = ['alice', 'bob', 'carol', 'dave', 'erin', 'frank', 'grace', 'heidi', 'ivan', 'judy', 'mallory', 'niaj', 'olivia', 'peggy', 'rupert', 'sybil', 'trent', 'victor', 'walter', 'yuki', 'zhang', 'li', 'mei', 'sora', 'kenji'];

export function vocabulary(): string[] {
  const r = rng(7);
  const words = [...COMMON];
  const seen = new Set(words);
  while (words.length < 30000) {
    const n = 2 + Math.floor(r() * 3);
    let w = '';
    for (let i = 0; i < n; i++) w += SYL[Math.floor(r() * SYL.length)];
    if (!seen.has(w)) {
      seen.add(w);
      words.push(w);
    }
  }
  return words;
}

/** Zipf sampler over ranks 0..n-1 (s = 1) */
function zipf(n: number, r: () => number): () => number {
  const cum = new Float64Array(n);
  let acc = 0;
  for (let i = 0; i < n; i++) {
    acc += 1 / (i + 1);
    cum[i] = acc;
  }
  return () => {
    const x = r() * acc;
    let lo = 0;
    let hi = n - 1;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (cum[mid]! < x) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  };
}

interface World {
  accounts: number[];
  convs: Array<{ id: number; account: number; members: string[] }>;
}

/** the accounts and conversations of the generated history (found again in an archive made before) */
export function setupWorld(store: HistoryStore): World {
  const made = store.listAccounts();
  const accounts =
    made.length >= 3
      ? made.slice(0, 3).map((a) => a.id)
      : [
          store.addAccount({ protocol: 'xmpp', label: 'work', config: {} }).id,
          store.addAccount({ protocol: 'irc', label: 'libera', config: {} }).id,
          store.addAccount({ protocol: 'xmpp', label: 'home', config: {} }).id,
        ];
  const convs: World['convs'] = [];
  const r = rng(11);
  for (const a of accounts) {
    for (let i = 0; i < 60; i++) {
      if (i < 45) {
        const peer = `${NAMES[i % NAMES.length]}${i >= NAMES.length ? i : ''}@example.org`;
        const c = store.ensureConversation(a, 'direct', peer);
        convs.push({ id: c.id, account: a, members: [peer, 'me@example.org'] });
      } else {
        const room = `room${i}@conference.example.org`;
        const c = store.ensureConversation(a, 'room', room, `Room ${i}`);
        const members = Array.from({ length: 20 }, () => `${room}/${NAMES[Math.floor(r() * NAMES.length)]}${Math.floor(r() * 5)}`);
        convs.push({ id: c.id, account: a, members });
      }
    }
  }
  return { accounts, convs };
}

const START = Date.UTC(2023, 0, 1);
const SPAN = 3 * 365 * 24 * 3600 * 1000;

/** generates the same N messages for every store built from the same world layout */
export function* batches(world: World, n: number, batch: number, samples: { phrases: string[] }): Generator<MessageInput[]> {
  const vocab = vocabulary();
  const r = rng(42);
  const pickWord = zipf(vocab.length, r);
  const pickChar = zipf(CJK.length, r);
  const pickConv = zipf(world.convs.length, r);
  let t = START;
  const step = SPAN / n;
  let out: MessageInput[] = [];
  for (let i = 0; i < n; i++) {
    t += Math.max(1, Math.floor(-Math.log(1 - r()) * step));
    const conv = world.convs[pickConv()]!;
    const outgoing = r() < 0.3;
    const sender = outgoing ? 'me@example.org' : conv.members[Math.floor(r() * conv.members.length)]!;
    let body: string;
    if (r() < 0.05) {
      const len = 4 + Math.floor(r() * 20);
      body = '';
      for (let k = 0; k < len; k++) body += CJK[pickChar()];
      if (r() < 0.3) body += ' ' + vocab[pickWord()];
    } else {
      const len = 1 + Math.floor(-Math.log(1 - r()) * 8) % 30;
      const words: string[] = [];
      for (let k = 0; k < len; k++) words.push(vocab[pickWord()]!);
      if (words.length >= 3 && samples.phrases.length < 400 && r() < 0.001) samples.phrases.push(`${words[1]} ${words[2]}`);
      body = words.join(' ');
      if (r() < 0.1) body = body[0]!.toUpperCase() + body.slice(1) + '.';
    }
    out.push({
      accountId: conv.account,
      conversationId: conv.id,
      sender,
      body,
      direction: outgoing ? 'out' : 'in',
      serverTime: t,
      serverId: `sid-${i}`,
      ...(outgoing ? { clientId: `cid-${i}`, state: 'delivered' as const } : {}),
    });
    if (out.length === batch) {
      yield out;
      out = [];
    }
  }
  if (out.length) yield out;
}

/**
 * msg/s by wall clock, and per CPU-second of this process (the second is steadier on a shared
 * machine). Ends with a full WAL checkpoint, counted in: the last pages written reach the database
 * file, so a larger checkpoint interval cannot look faster by leaving work for later.
 */
function ingest(store: HistoryStore, world: World, n: number, samples: { phrases: string[]; ids: number[] }): { wall: number; cpu: number; checkpointMs: number } {
  let ms = 0;
  let cpuUs = 0;
  const measured = (f: () => void) => {
    const c0 = process.cpuUsage();
    const t = time(f);
    const c = process.cpuUsage(c0);
    ms += t;
    cpuUs += c.user + c.system;
    return t;
  };
  for (const b of batches(world, n, 10_000, samples)) {
    let res: ReturnType<HistoryStore['insertMessages']> = [];
    measured(() => {
      res = store.insertMessages(b);
    });
    if (samples.ids.length < 2000) samples.ids.push(res[Math.floor(res.length / 2)]!.id);
  }
  const checkpointMs = measured(() => (store as SqliteHistoryStore).connection.pragma('wal_checkpoint(TRUNCATE)'));
  return { wall: n / (ms / 1000), cpu: n / (cpuUs / 1e6), checkpointMs };
}

/** wall-clock p50/p95 against the target, plus the CPU-time p95 (what the query costs without waiting for a core) */
function stats(ctx: BenchContext, name: string, s: { wall: number[]; cpu: number[] }, target?: number): void {
  const p50 = round(percentile(s.wall, 50));
  const p95 = round(percentile(s.wall, 95));
  ctx.add({ name: `${name}.p50`, value: p50, unit: 'ms' });
  ctx.add({ name: `${name}.p95`, value: p95, unit: 'ms', ...(target !== undefined ? { baseline: target, ratio: round(p95 / target, 2) } : {}) });
  const c95 = round(percentile(s.cpu, 95));
  ctx.add({ name: `${name}.cpu_p95`, value: c95, unit: 'ms', ...(target !== undefined ? { baseline: target, ratio: round(c95 / target, 2) } : {}) });
}

/** the same data into the same schema unencrypted, and into plain SQLite without the index */
function ingestBaselines(ctx: BenchContext, n: number, encRate: { wall: number; cpu: number }): void {
  const dirB = ctx.tempDir('history-plain-fts');
  const plainFts = unencryptedStore(dirB, true);
  const plainRate = ingest(plainFts, setupWorld(plainFts), n, { phrases: [], ids: [] });
  plainFts.close();
  ctx.add({ name: 'ingest.unencrypted_fts', value: Math.round(plainRate.wall), unit: 'msg/s' });
  ctx.add({ name: 'ingest.unencrypted_fts_per_cpu_s', value: Math.round(plainRate.cpu), unit: 'msg/cpu-s' });
  ctx.add({ name: 'ingest.encryption_ratio', value: round(encRate.wall / plainRate.wall), unit: 'x', baseline: 0.7 });
  ctx.add({ name: 'ingest.encryption_ratio_cpu', value: round(encRate.cpu / plainRate.cpu), unit: 'x', baseline: 0.7 });

  if (ctx.options['skip-bare'] === undefined) {
    const dirC = ctx.tempDir('history-plain-nofts');
    const plainNoFts = unencryptedStore(dirC, false);
    const bareRate = ingest(plainNoFts, setupWorld(plainNoFts), n, { phrases: [], ids: [] });
    plainNoFts.close();
    ctx.add({ name: 'ingest.plain_no_fts', value: Math.round(bareRate.wall), unit: 'msg/s', ratio: round(encRate.wall / bareRate.wall, 3) });
    ctx.add({ name: 'ingest.plain_no_fts_per_cpu_s', value: Math.round(bareRate.cpu), unit: 'msg/cpu-s', ratio: round(encRate.cpu / bareRate.cpu, 3) });
  }
}

export async function run(ctx: BenchContext): Promise<void> {
  const n = ctx.size ?? 1_000_000;
  const kdf = { N: 2 ** 14 };
  const reuse = ctx.options['archive'];
  let store: HistoryStore;
  let dirA: string;
  let world: World;
  const samples = { phrases: [] as string[], ids: [] as number[] };
  if (reuse) {
    // --archive DIR: search an archive kept by an earlier run (--keep; passphrase "bench"), no ingest
    dirA = reuse;
    store = openArchive(dirA, { passphrase: 'bench' });
    world = setupWorld(store);
    for (const _ of batches(world, n, 10_000, samples)) { /* the same phrases as when it was made */ }
    const db = (store as SqliteHistoryStore).connection;
    const { lo, hi } = db.prepare('SELECT min(id) AS lo, max(id) AS hi FROM messages').get() as { lo: number; hi: number };
    const next = db.prepare('SELECT id FROM messages WHERE id >= ? ORDER BY id LIMIT 1');
    for (let i = 0; i < 2000; i++) samples.ids.push((next.get(lo + Math.floor(((hi - lo) * i) / 2000)) as { id: number }).id);
    ctx.log(`size ${n} messages (archive ${dirA})`);
  } else {
    // ---- ingest: three stores, same data
    dirA = ctx.tempDir('history-enc');
    ctx.log(`size ${n} messages (archive ${dirA}: reuse it with --keep, then --archive)`);
    store = createArchive(dirA, { passphrase: 'bench', kdf });
    world = setupWorld(store);
    const encRate = ingest(store, world, n, samples);
    ctx.add({ name: 'ingest.encrypted_fts', value: Math.round(encRate.wall), unit: 'msg/s', baseline: 30000, ratio: round(encRate.wall / 30000, 2) });
    ctx.add({ name: 'ingest.encrypted_fts_per_cpu_s', value: Math.round(encRate.cpu), unit: 'msg/cpu-s', baseline: 30000, ratio: round(encRate.cpu / 30000, 2) });
    ctx.add({ name: 'ingest.final_checkpoint', value: round(encRate.checkpointMs), unit: 'ms' });
    ctx.log(`load average while measuring: ${loadavg().map((l) => l.toFixed(1)).join(' ')} on ${cpus().length} cores`);
    if (ctx.options['skip-plain'] === undefined) ingestBaselines(ctx, n, encRate);
    ctx.log(`load average while measuring: ${loadavg().map((l) => l.toFixed(1)).join(' ')} on ${cpus().length} cores`);
  }

  // ---- the index compaction the app runs when idle (core/engine/indexCompactionSchedule.ts), then
  // the archive is opened again: searches start with a cold page cache, as after an app start
  if (ctx.options['no-compact'] === undefined) {
    const before = store.indexSegments();
    const cpu0 = process.cpuUsage();
    const t0 = performance.now();
    let steps = 0;
    while (store.compactIndexStep(64)) steps++;
    const wall = performance.now() - t0;
    const cpu = process.cpuUsage(cpu0);
    ctx.add({ name: 'index.segments_before_compaction', value: before, unit: 'segments' });
    ctx.add({ name: 'index.compaction', value: round(wall / 1000, 2), unit: 's' });
    ctx.add({ name: 'index.compaction_cpu', value: round((cpu.user + cpu.system) / 1e6, 2), unit: 'cpu-s' });
    ctx.add({ name: 'index.segments_after_compaction', value: store.indexSegments(), unit: 'segments' });
    ctx.log(`index compaction: ${steps} steps of 64 pages`);
  }
  store.close();
  store = openArchive(dirA, { passphrase: 'bench' });

  // ---- search on the encrypted store
  const vocab = vocabulary();
  const r = rng(99);
  const pick = <T>(xs: T[]) => xs[Math.floor(r() * xs.length)]!;
  const Q = 60;
  const common = Array.from({ length: Q }, () => pick(vocab.slice(20, 60)));
  // expected frequency n / (H * rank): pick ranks with roughly 20–200 hits
  const H = Math.log(vocab.length) + 0.5772;
  const rareLo = Math.max(60, Math.floor(n / (H * 200)));
  const rareHi = Math.min(vocab.length - 1, Math.max(rareLo + 50, Math.floor(n / (H * 20))));
  const rare = Array.from({ length: Q }, () => vocab[rareLo + Math.floor(r() * (rareHi - rareLo))]!);
  const prefix = Array.from({ length: Q }, () => pick(vocab.slice(100, 1000)).slice(0, 4) + '*');
  const phrases = samples.phrases.length ? Array.from({ length: Q }, () => `"${pick(samples.phrases)}"`) : [];
  const months = Array.from({ length: Q }, () => {
    const d = new Date(START + Math.floor(r() * SPAN));
    return `${d.getFullYear()}-${String(d.getMonth() + 1).padStart(2, '0')}`;
  });
  const dated = common.map((w, i) => `${w} on:${months[i]}`);
  const person = common.map((w) => `${w} from:${pick(NAMES)}`);
  const cjk = Array.from({ length: Q }, () => pick(CJK.slice(0, 60)) + pick(CJK.slice(0, 60)));
  const medium = Array.from({ length: Q }, () => pick(vocab.slice(300, 3000)));

  const s = store as SqliteHistoryStore;
  const run1 = (q: string, order: 'newest' | 'relevance' = 'newest') => s.search(q, { limit: 50, order });
  run1(common[0]!); // warm the statement cache
  stats(ctx, 'search.common_word', sampleWithCpu(common, (q) => run1(q)), 5);
  stats(ctx, 'search.rare_word', sampleWithCpu(rare, (q) => run1(q)), 5);
  if (phrases.length) stats(ctx, 'search.phrase', sampleWithCpu(phrases, (q) => run1(q)), 5);
  // two of the 40 most common words next to each other: both doclists are long, adjacent pairs rarer
  const commonPhrases = Array.from({ length: Q }, () => `"${pick(vocab.slice(0, 40))} ${pick(vocab.slice(0, 40))}"`);
  stats(ctx, 'search.phrase_common_words', sampleWithCpu(commonPhrases, (q) => run1(q)), 5);
  stats(ctx, 'search.prefix', sampleWithCpu(prefix, (q) => run1(q)), 5);
  stats(ctx, 'search.date_filter', sampleWithCpu(dated, (q) => run1(q)), 5);
  stats(ctx, 'search.person_filter', sampleWithCpu(person, (q) => run1(q)), 5);
  stats(ctx, 'search.cjk', sampleWithCpu(cjk, (q) => run1(q)), 5);
  stats(ctx, 'search.relevance_medium_word', sampleWithCpu(medium, (q) => run1(q, 'relevance')), 100);
  stats(ctx, 'search.relevance_common_word', sampleWithCpu(common.slice(0, 15), (q) => run1(q, 'relevance')), 100);

  // LIKE scan baseline: count all matches of the same term (what a naive search does)
  const db = s.connection;
  const likeCount = db.prepare("SELECT count(*) AS n FROM messages WHERE body LIKE '%' || ? || '%'");
  const likeTerms = rare.slice(0, 5);
  const likeMs = sample(likeTerms, (w) => likeCount.get(w));
  const ftsRare = sample(likeTerms, (w) => run1(w));
  const likeP50 = percentile(likeMs, 50);
  ctx.add({ name: 'search.like_scan_rare.p50', value: round(likeP50), unit: 'ms' });
  ctx.add({ name: 'search.speedup_vs_like_rare', value: round(likeP50 / percentile(ftsRare, 50), 1), unit: 'x', baseline: 100 });
  const likeCommonMs = sample(common.slice(0, 5), (w) => likeCount.get(w));
  const ftsCommon = sample(common.slice(0, 5), (w) => run1(w));
  ctx.add({ name: 'search.speedup_vs_like_common', value: round(percentile(likeCommonMs, 50) / percentile(ftsCommon, 50), 1), unit: 'x', baseline: 100 });

  // reading
  const convIds = Array.from({ length: 200 }, () => pick(world.convs).id);
  stats(ctx, 'read.latest_100', sampleWithCpu(convIds, (c) => store.latest(c, 100)), 2);
  const ids = Array.from({ length: 200 }, () => pick(samples.ids));
  stats(ctx, 'read.messages_around_25', sampleWithCpu(ids, (id) => store.messagesAround(id, 25)), 2);

  // open time: a 10× smaller archive vs this one (opening must not scan history)
  const keyPath = join(ctx.tempDir('history-key'), 'key.hex');
  store.exportKeyFile(keyPath);
  const key = readKeyFile(keyPath);
  store.close();
  const small = Math.max(1000, Math.floor(n / 10));
  const dirS = ctx.tempDir('history-small');
  const smallStore = createArchive(dirS, { passphrase: 'bench', kdf });
  ingest(smallStore, setupWorld(smallStore), small, { phrases: [], ids: [] });
  const smallKeyPath = join(ctx.tempDir('history-key2'), 'key.hex');
  smallStore.exportKeyFile(smallKeyPath);
  smallStore.close();
  const smallKey = readKeyFile(smallKeyPath);
  const openTimes = (dir: string, k: Buffer) =>
    Array.from({ length: 7 }, () => time(() => openArchive(dir, { key: k }).close()));
  const tSmall = percentile(openTimes(dirS, smallKey), 50);
  const tBig = percentile(openTimes(dirA, key), 50);
  ctx.add({ name: `open.${small}_messages`, value: round(tSmall), unit: 'ms' });
  ctx.add({ name: `open.${n}_messages`, value: round(tBig), unit: 'ms', baseline: round(tSmall), ratio: round(tBig / tSmall, 2) });
}
