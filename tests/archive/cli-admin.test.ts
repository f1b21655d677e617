/**
 * The real `confab` command, administrative side: retention (keep forever by default, N days,
 * legal hold, audit), keyword watch, and a full disk — simulated with a file-size limit on the CLI
 * process (bash `ulimit -f`, SIGXFSZ ignored), so SQLite's writes fail with EFBIG as on a full disk;
 * no root or tiny mounted filesystem needed.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openArchive } from '../../core/history/index';
import { cliSandbox, FIX, PASS } from './cli-run';

const { tmp, data, confab, withPass, json } = cliSandbox('archive-cli-admin');

beforeAll(async () => {
  const r = await confab(withPass(['import', FIX]));
  expect(r.code).toBe(0);
}, 300_000);
afterAll(() => tmp.remove());

// generous: each step starts a Node process, slow on a loaded 2-core CI machine (no timing is asserted)
describe('confab CLI: retention, watch, disk full', { timeout: 300_000 }, () => {
  it('retention: keep forever by default, delete after N days, legal hold blocks, audit records it', async () => {
    // a network with old and recent lines, dated relative to now
    const logs = join(tmp.path, 'ret', 'oldnet');
    mkdirSync(logs, { recursive: true });
    const stamp = (ms: number) => new Date(ms).toISOString().replace('T', ' ').slice(0, 19);
    const now = Date.now();
    writeFileSync(join(logs, 'irc.oldnet.#old.weechatlog', ), [
      `${stamp(now - 400 * 86_400_000)}\tzed\tancientword one`,
      `${stamp(now - 300 * 86_400_000)}\tzed\tancientword two`,
      `${stamp(now - 100 * 86_400_000)}\tzed\tancientword three`,
      `${stamp(now - 86_400_000)}\tzed\tfreshword`,
    ].join('\n') + '\n');
    expect((await confab(withPass(['import', logs]))).code).toBe(0);
    const show = await confab(withPass(['retention', 'show']));
    expect(show.stdout).toMatch(/oldnet \(irc\): keep forever/);

    expect((await confab(withPass(['retention', 'set', 'oldnet', '200']))).code).toBe(0);
    const dry = json<{ accounts: { due: number; deleted: number }[] }>(await confab(withPass(['retention', 'apply', '--dry-run', '--json'])));
    expect(dry.accounts).toEqual([expect.objectContaining({ due: 2, deleted: 0 })]);

    expect((await confab(withPass(['retention', 'hold', 'on', '--reason', 'case 17']))).code).toBe(0);
    const blocked = await confab(withPass(['retention', 'apply']));
    expect(blocked.code).toBe(7);
    expect(blocked.stderr).toMatch(/legal hold is on \(case 17\): nothing may be deleted/);
    expect(json<{ count: number }>(await confab(withPass(['search', 'ancientword', '--json']))).count).toBe(3);

    expect((await confab(withPass(['retention', 'hold', 'off']))).code).toBe(0);
    const applied = await confab(withPass(['retention', 'apply', '--json']));
    expect(applied.code).toBe(0);
    expect(JSON.parse(applied.stdout).accounts).toEqual([expect.objectContaining({ due: 2, deleted: 2 })]);
    const left = json<{ hits: { body: string }[] }>(await confab(withPass(['search', 'ancientword', '--json'])));
    expect(left.hits.map((h) => h.body)).toEqual(['ancientword three']);
    expect(json<{ count: number }>(await confab(withPass(['search', 'freshword', '--json']))).count).toBe(1);
    // other accounts keep everything (default: forever)
    expect(json<{ count: number }>(await confab(withPass(['search', 'hello', '--json']))).count).toBe(3);

    const audit = json<{ action: string; count?: number; reason?: string }[]>(await confab(withPass(['retention', 'audit', '--json'])));
    expect(audit.map((e) => e.action)).toEqual(['set-retention', 'hold-on', 'delete-blocked', 'hold-off', 'delete']);
    expect(audit[2]).toMatchObject({ count: 2, reason: 'case 17' });
    expect(audit[4]).toMatchObject({ count: 2 });
  });

  it('keyword watch: new matching messages are reported once, breakthrough decides under DND', async () => {
    expect((await confab(withPass(['watch', 'add', 'alarm', 'pager OR outage', '--breakthrough']))).code).toBe(0);
    expect((await confab(withPass(['watch', 'add', 'food', 'pizza']))).code).toBe(0);
    // new messages as the app stores them (an import of logs never counts as new)
    const stored = openArchive(join(data, 'archive'), { passphrase: PASS });
    try {
      const acc = stored.addAccount({ protocol: 'irc', label: 'wnet' }).id;
      const conv = stored.ensureConversation(acc, 'room', '#noc').id;
      const now = Date.now() + 1000;
      stored.insertMessages([
        { accountId: acc, conversationId: conv, sender: 'ops', body: 'pager went off: outage in rack 4', direction: 'in', serverTime: now, receivedTime: now },
        { accountId: acc, conversationId: conv, sender: 'cook', body: 'pizza is here', direction: 'in', serverTime: now + 1, receivedTime: now + 1 },
      ]);
      // and an old log imported now: history, not news
      const logs = join(tmp.path, 'watchlogs', 'wnet');
      mkdirSync(logs, { recursive: true });
      writeFileSync(join(logs, 'irc.wnet.#noc.weechatlog'), `2019-04-01 10:00:00\tops\tanother outage, long ago\n`);
    } finally {
      stored.close();
    }
    expect((await confab(withPass(['import', join(tmp.path, 'watchlogs')]))).code).toBe(0);
    const r = json<{ watch: string; body: string; notify: boolean; why?: string }[]>(await confab(withPass(['watch', 'check', '--dnd', '--json'])));
    expect(r).toEqual([
      expect.objectContaining({ watch: 'alarm', body: 'pager went off: outage in rack 4', notify: true }),
      expect.objectContaining({ watch: 'food', body: 'pizza is here', notify: false, why: 'do not disturb' }),
    ]);
    expect((await confab(withPass(['watch', 'check']))).stdout).toBe('no new matches\n');
  });

  it('disk full: the import is refused loudly (exit 6) and nothing already stored is lost', async () => {
    const before = json<{ messages: number }>(await confab(withPass(['stats', '--json']))).messages;
    const big = join(tmp.path, 'big');
    mkdirSync(big);
    const lines: string[] = [];
    for (let i = 0; i < 6_000; i++) {
      lines.push(`${new Date(Date.UTC(2025, 0, 1) + i * 1000).toISOString().replace('T', ' ').slice(0, 19)}\tuser${i % 40}\tbulk line ${i} lorem ipsum dolor sit amet ${(i * 7919).toString(36)}`);
    }
    writeFileSync(join(big, 'irc.bignet.#big.weechatlog'), lines.join('\n') + '\n');
    const full = await confab(withPass(['import', big]), { fileSizeKb: 64 });
    expect(full.code).toBe(6);
    expect(full.stderr).toMatch(/the disk is full \(or refused the write\): writing was stopped .* nothing already stored was lost/);
    const after = json<{ messages: number }>(await confab(withPass(['stats', '--json'])));
    expect(after.messages).toBeGreaterThanOrEqual(before);
    const check = await confab(withPass(['verify', '--archive']));
    expect(check.code).toBe(0);
    expect(check.stdout).toContain('archive OK');
    // with space again the same import completes, without doubles
    const again = await confab(withPass(['import', '--json', big]));
    expect(again.code).toBe(0);
    expect(json<{ messages: number }>(await confab(withPass(['stats', '--json']))).messages).toBe(before + 6_000);
  });
});
