/**
 * The archive tools in the app, through the REAL engine process (engine/client.ts) and a real
 * Prosody with a real XMPP peer writing the keywords:
 *   - keyword watches notify by the engine's rule: through DND and mute only with breakthrough,
 *     never twice for a message the engine already notified;
 *   - import and export run as jobs with archive.job events (summary, errors, cancel);
 *   - retention deletes for real, a legal hold blocks it (and account removal with history),
 *     everything is in the audit log; retention runs again when the engine starts.
 */
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AccountDTO, ArchiveJobDTO, EventPayload } from '../../contract/index';
import { verifyExport } from '../../core/archive/export/index';
import { xmppProtocol } from '../../protocols/xmpp/index';
import { startPeer, xmppAccountConfig, type Peer } from '../engine/helpers';
import { startProsody, type ProsodyServer, type XmppTestUser } from '../harness/prosody';
import { tempDir } from '../harness/util';
import { PASSPHRASE, startEngine, TEST_ENV, type Eng } from '../reliability/lib';
import { BIN } from './cli-run';

let server: ProsodyServer;
let eng: Eng;
let account: AccountDTO;
let bob: Peer;
let me: XmppTestUser;
/** the direct conversation with bob */
let conversationId = '';
const tmp = tempDir('archive-engine');
const data = join(tmp.path, 'data');

beforeAll(async () => {
  server = await startProsody();
  me = await server.createUser(`arch${Date.now() % 100000}`);
  const v = await server.createUser(`archpeer${Date.now() % 100000}`);
  eng = await startEngine(data, { unlock: 'create' });
  account = await eng.call('accounts.add', { protocol: 'xmpp', config: xmppAccountConfig(server, me) });
  await eng.waitEvent('accounts.changed', (a) => a.id === account.id && a.state === 'online');
  bob = await startPeer(xmppProtocol, xmppAccountConfig(server, v, { resource: 'peer' }));
  await bob.adapter.setPresence({ show: 'available' });
}, 120_000);

afterAll(async () => {
  await bob?.close();
  await eng?.proc.close();
  await server?.stop();
  tmp.remove();
});

/** bob writes; resolves when the engine has stored it */
async function say(body: string): Promise<string> {
  const mark = eng.events.length;
  await bob.adapter.send({ kind: 'direct', id: me.jid }, { body, clientId: `c-${Math.random().toString(36).slice(2)}` });
  const added = await eng.waitEvent('messages.added', (e) => e.messages.some((m) => m.body === body), { since: mark });
  const m = added.messages.find((x) => x.body === body)!;
  conversationId = m.conversationId;
  return m.id;
}

const notifiesSince = (mark: number) =>
  eng.events.slice(mark).filter((e): e is { type: 'notify'; payload: EventPayload<'notify'> } => e.type === 'notify').map((e) => e.payload);

function waitJob(jobId: string, timeoutMs = 120_000): Promise<ArchiveJobDTO> {
  return eng.waitEvent('archive.job', (j) => j.jobId === jobId && j.state !== 'running', { timeoutMs });
}

/** an old WeeChat log (years ago), one malformed line */
function oldLog(dir: string, net: string, lines: number, word: string): string {
  const folder = join(tmp.path, dir);
  mkdirSync(folder, { recursive: true });
  const out: string[] = [];
  for (let i = 0; i < lines; i++) {
    const t = new Date(Date.UTC(2019, 2, 1) + i * 60_000).toISOString().replace('T', ' ').slice(0, 19);
    out.push(`${t}\tzed${i % 7}\t${word} line ${i} outage report`);
  }
  out.splice(3, 0, 'this line has no timestamp');
  writeFileSync(join(folder, `irc.${net}.#old.weechatlog`), out.join('\n') + '\n');
  return folder;
}

const imported = (j: ArchiveJobDTO) => (j.summary && 'import' in j.summary ? j.summary.import.inserted : -1);

async function searchCount(q: string): Promise<number> {
  return (await eng.call('search.query', { query: q, limit: 200 })).hits.length;
}

describe('archive tools in the engine process (Prosody peer)', { timeout: 180_000 }, () => {
  it('keyword watches: breakthrough passes DND and mute, others stay silent, no double notification', async () => {
    const outage = await eng.call('archive.watchAdd', { name: 'outage', query: 'outage OR "is down"', breakthrough: true });
    await eng.call('archive.watchAdd', { name: 'lunch', query: 'lunch' });
    expect((await eng.call('archive.watches', {})).map((w) => w.name)).toEqual(['outage', 'lunch']);
    expect((await eng.raw('archive.watchAdd', { name: 'x', query: '"open' })).ok).toBe(false);
    const dup = await eng.raw('archive.watchAdd', { name: 'lunch', query: 'food' });
    expect(dup.ok ? null : dup.error.code).toBe('exists');

    // Do Not Disturb: the engine itself is silent on direct messages
    await eng.call('status.dnd', { durationMs: 600_000 });
    let mark = eng.events.length;
    const lunchId = await say('lunch plans?');
    const outageId = await say('big outage in rack 4');
    const n = await eng.waitEvent('notify', (p) => p.messageId === outageId, { since: mark });
    expect(n).toMatchObject({ reason: 'watch', watch: 'outage', body: 'big outage in rack 4' });
    expect(notifiesSince(mark).map((p) => p.messageId)).toEqual([outageId]);
    expect(notifiesSince(mark).some((p) => p.messageId === lunchId)).toBe(false);
    await eng.call('status.dndOff', {});

    // a muted conversation: the engine is silent; only the breakthrough watch notifies
    await eng.call('conversations.setMuted', { conversationId, muted: true });
    mark = eng.events.length;
    const lunch2 = await say('lunch again?');
    const outage2 = await say('the db is down');
    await eng.waitEvent('notify', (p) => p.messageId === outage2, { since: mark });
    expect(notifiesSince(mark).map((p) => [p.messageId, p.reason])).toEqual([[outage2, 'watch']]);
    expect(lunch2).not.toBe(outage2);

    // not muted, no DND: the engine notifies the direct message itself, the watch adds nothing
    await eng.call('conversations.setMuted', { conversationId, muted: false });
    mark = eng.events.length;
    const lunch3 = await say('lunch now');
    await eng.waitEvent('notify', (p) => p.messageId === lunch3, { since: mark });
    await eng.call('conversations.setMuted', { conversationId, muted: true });
    const outage3 = await say('outage over'); // sentinel: the watch poll after lunch3 is done when this arrives
    await eng.waitEvent('notify', (p) => p.messageId === outage3, { since: mark });
    expect(notifiesSince(mark).map((p) => [p.messageId, p.reason])).toEqual([[lunch3, 'direct'], [outage3, 'watch']]);
    await eng.call('conversations.setMuted', { conversationId, muted: false });

    await eng.call('archive.watchRemove', { id: outage.id });
    expect((await eng.call('archive.watches', {})).map((w) => w.name)).toEqual(['lunch']);
  });

  it('import runs as a job: progress events, summary with the malformed line, searchable, re-import adds nothing, no watch fires', async () => {
    const dir = oldLog('logs1', 'oldnet', 40, 'zebrafish');
    const bad = await eng.raw('archive.import', { paths: ['relative/path'] });
    expect(bad.ok ? null : bad.error.code).toBe('invalid');
    const missing = await eng.raw('archive.import', { paths: [join(tmp.path, 'nope')] });
    expect(missing.ok ? null : missing.error.code).toBe('not-found');

    const mark = eng.events.length;
    const { jobId } = await eng.call('archive.import', { paths: [dir] });
    const job = await waitJob(jobId);
    expect(job).toMatchObject({ kind: 'import', state: 'done', unit: 'files', done: 1, total: 1 });
    const sum = job.summary && 'import' in job.summary ? job.summary.import : null;
    expect(sum).toMatchObject({ files: 1, parsed: 40, inserted: 40, duplicates: 0, issueCount: 1 });
    expect(sum!.issues[0]).toMatchObject({ path: join(dir, 'irc.oldnet.#old.weechatlog'), line: 4 });
    expect(await searchCount('zebrafish')).toBe(40);
    // old lines mentioning "outage" are history, not news
    expect(notifiesSince(mark)).toEqual([]);
    // the imported network shows up as a (disabled) account
    expect((await eng.call('accounts.list', {})).some((a) => a.label === 'oldnet' && !a.enabled)).toBe(true);
    expect((await eng.call('archive.jobs', {})).find((j) => j.jobId === jobId)?.state).toBe('done');

    const again = await waitJob((await eng.call('archive.import', { paths: [dir] })).jobId);
    expect(again.summary && 'import' in again.summary ? again.summary.import : null).toMatchObject({ inserted: 0, duplicates: 40 });
  });

  it('commands are answered during an import; a cancelled import stops between batches and keeps what it stored', async () => {
    const dir = join(tmp.path, 'big');
    mkdirSync(dir);
    for (let f = 0; f < 40; f++) {
      const lines: string[] = [];
      for (let i = 0; i < 1500; i++) lines.push(`${new Date(Date.UTC(2018, 0, 1) + (f * 1500 + i) * 1000).toISOString().replace('T', ' ').slice(0, 19)}\tbulk\tbulkword ${f} ${i}`);
      writeFileSync(join(dir, `irc.bulknet.#c${f}.weechatlog`), lines.join('\n') + '\n');
    }
    const { jobId } = await eng.call('archive.import', { paths: [dir] });
    // the engine answers while the import runs: a ping, then the cancel (accepted only for a running job)
    expect((await eng.call('engine.ping', {})).pid).toBe(eng.proc.pid);
    await eng.call('archive.jobCancel', { jobId });
    const job = await waitJob(jobId);
    expect(job.state).toBe('cancelled');
    const inserted = job.summary && 'import' in job.summary ? job.summary.import.inserted : 0;
    expect(inserted).toBeLessThan(60_000);
    expect((await eng.raw('archive.jobCancel', { jobId })).ok).toBe(false);
  });

  it('export runs as a job; the folder verifies; a non-empty folder is refused', async () => {
    const out = join(tmp.path, 'export-conv');
    const { jobId } = await eng.call('archive.export', { dir: out, formats: ['html', 'txt', 'jsonl'], scope: { kind: 'conversation', conversationId } });
    const job = await waitJob(jobId);
    expect(job).toMatchObject({ kind: 'export', state: 'done', unit: 'messages' });
    const sum = job.summary && 'export' in job.summary ? job.summary.export : null;
    expect(sum!.messages).toBe(6);
    expect(sum!.files.map((f) => f.name).sort()).toEqual(['messages.jsonl', 'transcript.html', 'transcript.txt']);
    const report = verifyExport(out);
    expect(report).toMatchObject({ ok: true, count: 6, chainHead: sum!.chainHead });

    const again = await eng.raw('archive.export', { dir: out, formats: ['txt'], scope: { kind: 'conversation', conversationId } });
    expect(again.ok ? null : again.error.code).toBe('invalid');

    const searchOut = join(tmp.path, 'export-search');
    const s = await waitJob((await eng.call('archive.export', { dir: searchOut, formats: ['jsonl'], scope: { kind: 'search', query: 'zebrafish' } })).jobId);
    expect(s.summary && 'export' in s.summary ? s.summary.export.messages : 0).toBe(40);
    expect(verifyExport(searchOut).ok).toBe(true);
    expect(existsSync(join(searchOut, 'transcript.html'))).toBe(false);
  });

  it('retention: a legal hold blocks it and account removal with history; off, it deletes for real; all audited', async () => {
    const old = (await eng.call('archive.retentionGet', {})).accounts.find((a) => a.label === 'oldnet')!;
    expect(old.days).toBeUndefined();
    await eng.call('archive.holdSet', { on: true, reason: 'case 17' });
    const set = await eng.call('archive.retentionSet', { accountId: old.accountId, days: 30 });
    expect(set.accounts.find((a) => a.accountId === old.accountId)?.days).toBe(30);
    expect(set.hold).toMatchObject({ on: true, reason: 'case 17' });
    expect(await searchCount('zebrafish')).toBe(40);
    const blocked = await eng.call('archive.retentionRun', {});
    expect(blocked.blocked).toBe(true);
    const bulk = (await eng.call('accounts.list', {})).find((a) => a.label === 'bulknet')!;
    expect((await eng.raw('accounts.remove', { id: bulk.id, keepHistory: false })).ok).toBe(false);
    expect(await searchCount('zebrafish')).toBe(40);

    await eng.call('archive.holdSet', { on: false });
    const run = await eng.call('archive.retentionRun', {});
    expect(run).toMatchObject({ blocked: false, accounts: [expect.objectContaining({ accountId: old.accountId, due: 40, deleted: 40 })] });
    expect(await searchCount('zebrafish')).toBe(0);
    // bob's recent conversation keeps everything (keep forever is the default)
    expect((await eng.call('messages.page', { conversationId, limit: 100 })).messages).toHaveLength(6);

    const audit = await eng.call('archive.audit', { limit: 3 });
    expect(audit.entries.map((e) => e.action)).toEqual(['delete', 'hold-off', 'delete-blocked']);
    expect(audit.entries[0]).toMatchObject({ count: 40, accountId: old.accountId, by: 'app' });
    const rest = await eng.call('archive.audit', { limit: 100, cursor: audit.nextCursor! });
    expect(rest.entries.map((e) => e.action)).toEqual(['set-retention', 'hold-on']);
    expect(rest.nextCursor).toBeUndefined();

    // removed with its history kept: gone from the account list, still under retention, marked as removed
    await eng.call('accounts.remove', { id: bulk.id, keepHistory: true });
    expect((await eng.call('accounts.list', {})).some((a) => a.id === bulk.id)).toBe(false);
    const after = await eng.call('archive.retentionGet', {});
    expect(after.accounts.find((a) => a.accountId === bulk.id)).toMatchObject({ label: 'bulknet', removed: true });
    expect(after.accounts.find((a) => a.accountId === old.accountId)?.removed).toBeUndefined();
  });

  it('retention runs when the engine starts (logs imported by the CLI while the app was closed)', async () => {
    await eng.proc.close();
    const dir = oldLog('logs2', 'oldnet', 10, 'quokka');
    const cli = await new Promise<number | null>((resolve, reject) => {
      const c = spawn(process.execPath, [BIN, '--data', data, 'import', dir], { env: { PATH: process.env.PATH, HOME: tmp.path, CONFAB_PASSPHRASE: PASSPHRASE, ...TEST_ENV }, stdio: 'ignore' });
      c.on('error', reject);
      c.on('close', resolve);
    });
    expect(cli).toBe(0);
    eng = await startEngine(data, { unlock: 'unlock' });
    // the start-up run is in the background: wait for it through the audit log
    const deadline = Date.now() + 60_000;
    let deleted = false;
    while (!deleted && Date.now() < deadline) {
      const a = await eng.call('archive.audit', { limit: 1 });
      deleted = a.entries[0]?.action === 'delete' && a.entries[0]?.by === 'schedule';
      if (!deleted) await new Promise((r) => setTimeout(r, 100));
    }
    expect(deleted).toBe(true);
    expect(await searchCount('quokka')).toBe(0);

    // a policy change applies at once, in the background; archive.retention tells the end
    const more = oldLog('logs3', 'oldnet', 10, 'wombat');
    expect(imported(await waitJob((await eng.call('archive.import', { paths: [more] })).jobId))).toBe(10);
    expect(await searchCount('wombat')).toBe(10);
    const before = await eng.call('archive.retentionGet', {});
    const old = before.accounts.find((a) => a.label === 'oldnet')!;
    const mark = eng.events.length;
    await eng.call('archive.retentionSet', { accountId: old.accountId, days: 31 });
    await eng.waitEvent('archive.retention', (r) => (r.lastRunAt ?? 0) > (before.lastRunAt ?? 0), { since: mark, timeoutMs: 60_000 });
    expect(await searchCount('wombat')).toBe(0);
    expect((await eng.call('archive.audit', { limit: 1 })).entries[0]).toMatchObject({ action: 'delete', count: 10, by: 'app' });
  });
});
