/**
 * The real `confab` command as a child process against real encrypted archives in temp folders:
 * help and exit codes, passphrase handling (file, env, hidden prompt on a pseudo-terminal), import
 * with problems reported as path:line and no doubles on re-import, search with the query language,
 * search/stats/export while another process holds the write lock (import refused clearly then),
 * export of a conversation / person across linked networks / date range / search results, and
 * verify detecting edits, deletions and reordering. Retention, watch and disk full: cli-admin.test.ts.
 */
import { spawn } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openArchive, type HistoryStore } from '../../core/history/index';
import { BIN, cliSandbox, FIX, PASS } from './cli-run';

const { tmp, data, confab, withPass, json } = cliSandbox('archive-cli');

afterAll(() => tmp.remove());

// generous: each step starts a Node process, slow on a loaded 2-core CI machine (no timing is asserted)
describe('confab CLI', { timeout: 300_000 }, () => {
  let imported = 0;

  it('--help teaches by example; unknown commands are usage errors', async () => {
    const h = await confab(['--help']);
    expect(h.code).toBe(0);
    expect(h.stdout).toMatch(/Examples:\n\s+confab import/);
    expect(h.stdout).toMatch(/Exit codes:/);
    const s = await confab(['search', '--help']);
    expect(s.stdout).toContain('confab search');
    const bad = await confab(['frobnicate']);
    expect(bad.code).toBe(2);
    // the fallback start (tsx, no bundle) works too
    const viaTsx = await confab(['--version'], { env: { CONFAB_CLI_TSX: '1' } });
    expect(viaTsx).toMatchObject({ code: 0, stdout: '0.1.0\n' });
  });

  it('without a passphrase and no terminal it says how to give one (exit 3)', async () => {
    const r = await confab(['--data', data, 'stats']);
    expect(r.code).toBe(3);
    expect(r.stderr).toMatch(/--passphrase-file FILE or set CONFAB_PASSPHRASE/);
  });

  it('on a terminal it asks for the passphrase (hidden, twice when creating) and uses the app\'s data folder', async () => {
    const home = join(tmp.path, 'home');
    mkdirSync(home);
    const secret = 'pty-secret-Quokka';
    // a pseudo-terminal from util-linux `script`, so stdin/stderr are TTYs as for a person
    const child = spawn('script', ['-qec', `"${process.execPath}" "${BIN}" stats --json`, '/dev/null'], {
      env: { PATH: process.env.PATH, HOME: home, TZ: 'UTC', CONFAB_TEST_KDF_N: '1024', TERM: 'dumb' }, stdio: ['pipe', 'pipe', 'pipe'],
    });
    let out = '';
    child.stdout.on('data', (d: Buffer) => { out += d; });
    const waitFor = async (re: RegExp) => { for (let i = 0; i < 600 && !re.test(out); i++) await new Promise((r) => setTimeout(r, 50)); expect(out).toMatch(re); };
    await waitFor(/choose a passphrase: $/);
    child.stdin.write(secret + '\r');
    await waitFor(/Repeat the passphrase: $/);
    child.stdin.write(secret + '\r');
    const code = await new Promise<number | null>((r) => child.on('close', r));
    expect(code).toBe(0);
    expect(out).not.toContain(secret);
    expect(out).toContain(`created a new encrypted archive in ${join(home, '.config', 'Confab', 'data', 'archive')}`);
    expect(out).toMatch(/"messages": 0/);
    // found there again without --data
    const again = await confab(['stats', '--json'], { env: { HOME: home, CONFAB_PASSPHRASE: secret } });
    expect(again.code).toBe(0);
    expect(JSON.parse(again.stdout).archive).toBe(join(home, '.config', 'Confab', 'data', 'archive'));
  });

  it('import creates the archive, detects formats, reports malformed lines by path:line and goes on', async () => {
    const r = await confab(withPass(['import', FIX]));
    expect(r.code).toBe(0);
    expect(r.stderr).toMatch(/created a new encrypted archive/);
    const m = /imported (\d+) new messages from 9 of 10 files/.exec(r.stdout);
    expect(m).not.toBeNull();
    imported = Number(m![1]);
    expect(imported).toBeGreaterThan(40);
    expect(r.stdout).toContain(`${join(FIX, 'bad/2026-01-01.120000+0000UTC.txt')}:3: unreadable time`);
    expect(r.stdout).toContain(`${join(FIX, 'irssi/libera/#confab.log')}:9:`);
    expect(r.stdout).toContain(`${join(FIX, 'bad/notes.txt')}: format not recognised`);
  });

  it('importing the same files again adds nothing', async () => {
    const r = await confab(withPass(['import', '--json', FIX]));
    expect(r.code).toBe(0);
    const s = json<{ inserted: number; duplicates: number }>(r);
    expect(s).toMatchObject({ inserted: 0, duplicates: imported });
    const st = json<{ messages: number; indexSegments: number }>(await confab(withPass(['stats', '--json'])));
    expect(st.messages).toBe(imported);
    // import merged the search index it wrote in many transactions
    expect(st.indexSegments).toBe(1);
  });

  it('CONFAB_PASSPHRASE works; a wrong passphrase is refused with exit 3', async () => {
    const ok = await confab(['--data', data, 'stats', '--json'], { env: { CONFAB_PASSPHRASE: PASS } });
    expect(ok.code).toBe(0);
    expect(JSON.parse(ok.stdout).messages).toBe(imported);
    const bad = await confab(['--data', data, 'stats'], { env: { CONFAB_PASSPHRASE: 'nope' } });
    expect(bad.code).toBe(3);
    expect(bad.stderr).toMatch(/wrong passphrase/);
  });

  it('search uses the query language and the flags, prints where/when/who and a highlighted snippet', async () => {
    const r = await confab(withPass(['search', 'hello']));
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/#confab \[libera\] · 2026-11-28 22:01 · alice\n {2}\*\*hello\*\* irssi world/);
    const j = json<{ hits: { conversation: string; sender: string; source: string; snippet: string }[] }>(
      await confab(withPass(['search', 'hello', '--in', '#confab', '--account', 'libera', '--json'])));
    expect(j.hits).toHaveLength(1);
    expect(j.hits[0]).toMatchObject({ conversation: '#confab', sender: 'alice', snippet: '<mark>hello</mark> irssi world' });
    expect(j.hits[0]!.source).toBe(`irssi:${join(FIX, 'irssi/libera/#confab.log')}:4`);
    const from = json<{ hits: { sender: string }[] }>(await confab(withPass(['search', 'hi*', '--from', 'carol', '--json'])));
    expect(from.hits.length).toBeGreaterThan(0);
    expect(from.hits.every((h) => h.sender === 'carol')).toBe(true);
    const range = json<{ hits: unknown[] }>(await confab(withPass(['search', 'hello', '--since', '2026-11-29', '--until', '2026-11-29', '--json'])));
    expect(range.hits).toHaveLength(1); // only the private hello of the 29th
    const bad = await confab(withPass(['search', '"unclosed']));
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/bad query at character/);
  });

  describe('while another process holds the write lock', () => {
    let app: HistoryStore;
    beforeAll(() => { app = openArchive(join(data, 'archive'), { passphrase: PASS }); });
    afterAll(() => app.close());

    it('import is refused clearly (exit 4); search, stats and export work', async () => {
      const imp = await confab(withPass(['import', FIX]));
      expect(imp.code).toBe(4);
      expect(imp.stderr).toMatch(/import needs the archive's write lock, but the archive is open in Confab/);
      const ret = await confab(withPass(['retention', 'set', 'libera', '30']));
      expect(ret.code).toBe(4);
      expect(ret.stderr).toMatch(/write lock/);
      expect((await confab(withPass(['stats', '--json']))).code).toBe(0);
      expect(json<{ count: number }>(await confab(withPass(['search', 'hello', '--json']))).count).toBe(3);
      const ex = await confab(withPass(['export', '--conversation', '#weechat', '--out', join(tmp.path, 'locked-export')]));
      expect(ex.code).toBe(0);
      expect(ex.stdout).toMatch(/exported 7 messages/);
    });

    it('export of a person follows contacts linked across networks (XMPP + IRC)', async () => {
      const xmpp = app.listAccounts().find((a) => a.protocol === 'xmpp')!;
      const libera = app.listAccounts().find((a) => a.label === 'libera')!;
      const c1 = app.upsertContact({ accountId: xmpp.id, address: 'bob@example.com', name: 'Bob Smith' });
      const c2 = app.upsertContact({ accountId: libera.id, address: 'bob' });
      app.linkContacts('Bob Smith', [c1.id, c2.id]);
      const out = join(tmp.path, 'exp-person');
      const r = await confab(withPass(['export', '--person', 'Bob Smith', '--out', out, '--json']));
      expect(r.code).toBe(0);
      expect(JSON.parse(r.stdout).count).toBe(13 + 3); // Pidgin XMPP logs + the irssi query
      const txt = readFileSync(join(out, 'transcript.txt'), 'utf8');
      expect(txt).toMatch(/conversation with bob@example.com — xmpp account alice@example.com/);
      expect(txt).toMatch(/conversation with bob — irc account libera/);
    });
  });

  it('export a conversation → verify OK; an edited, deleted or reordered message → exit 5 and where', async () => {
    const out = join(tmp.path, 'exp-confab');
    const ex = await confab(withPass(['export', '--conversation', '#confab', '--account', 'libera', '--out', out]));
    expect(ex.code).toBe(0);
    const head = /chain head ([0-9a-f]{64})/.exec(ex.stdout)![1]!;
    const html = readFileSync(join(out, 'transcript.html'), 'utf8');
    expect(html).toContain('hello irssi world');
    const ok = await confab(['verify', out, '--head', head]);
    expect(ok.code).toBe(0);
    expect(ok.stdout).toMatch(/^OK: 9 messages/);

    const jsonl = join(out, 'messages.jsonl');
    const orig = readFileSync(jsonl, 'utf8');
    const lines = orig.split('\n');
    writeFileSync(jsonl, orig.replace('after midnight', 'before midnight'));
    let r = await confab(['verify', out]);
    expect(r.code).toBe(5);
    expect(r.stdout).toMatch(/messages\.jsonl:9: message 9 \(line 9, id \d+\) was edited/);

    writeFileSync(jsonl, [...lines.slice(0, 2), ...lines.slice(3)].join('\n'));
    r = await confab(['verify', out]);
    expect(r.code).toBe(5);
    expect(r.stdout).toMatch(/message 3 was deleted \(before line 3\)/);

    writeFileSync(jsonl, [lines[1], lines[0], ...lines.slice(2)].join('\n'));
    r = await confab(['verify', out]);
    expect(r.code).toBe(5);
    expect(r.stdout).toMatch(/message 1 at line 2 is out of order/);

    writeFileSync(jsonl, orig);
    expect((await confab(['verify', out])).code).toBe(0);
    writeFileSync(join(out, 'transcript.txt'), readFileSync(join(out, 'transcript.txt'), 'utf8').replace('<carol> late', '<carol> early'));
    r = await confab(['verify', out]);
    expect(r.code).toBe(5);
    expect(r.stdout).toMatch(/transcript\.txt:\d+: transcript\.txt was changed at line \d+ \(the message of 2026-11-28 23:59:00Z\)/);
  });

  it('export of a person across networks, a date range and search results', async () => {
    const person = join(tmp.path, 'exp-bob');
    const p = await confab(withPass(['export', '--person', 'bob@example.com', '--out', person, '--json']));
    expect(p.code).toBe(0);
    expect(JSON.parse(p.stdout).count).toBe(16); // his address finds the person linked above: Pidgin XMPP logs + irssi query
    const range = join(tmp.path, 'exp-range');
    const r = await confab(withPass(['export', '--since', '2026-11-27', '--until', '2026-11-27', '--out', range, '--json']));
    expect(JSON.parse(r.stdout).count).toBe(5);
    const q = join(tmp.path, 'exp-query');
    const s = await confab(withPass(['export', '--query', 'hello OR welcome', '--out', q, '--format', 'html', '--json']));
    const man = JSON.parse(s.stdout);
    expect(man.count).toBe(5);
    expect(man.files.map((f: { name: string }) => f.name).sort()).toEqual(['messages.jsonl', 'transcript.html']);
    expect((await confab(['verify', q])).code).toBe(0);
  });

});
