/**
 * Real second processes: one writer at a time (ArchiveLockedError), readers alongside the writer,
 * a killed writer loses no committed batch and leaves no stale lock, and SQLite's temporary files
 * never reach the disk (SQLITE_TMPDIR pointed at a watched folder).
 */
import { spawn } from 'node:child_process';
import { watch } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { openArchive } from '../../core/history/index';
import { startProcess, tempDir, waitForOutput } from '../harness/util';
import { PASS, msg, newStore } from './helpers';

const CHILD = join(import.meta.dirname, 'child.ts');
const cleanups: Array<() => void | Promise<void>> = [];
afterAll(async () => {
  for (const f of cleanups.reverse()) await f();
});

function runChild(args: string[], env: NodeJS.ProcessEnv = {}): Promise<string> {
  return new Promise((resolve, reject) => {
    const p = spawn(process.execPath, ['--import', 'tsx', CHILD, ...args], { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    p.stdout.on('data', (d: Buffer) => (out += d.toString()));
    p.stderr.on('data', (d: Buffer) => (out += d.toString()));
    p.on('error', reject);
    p.on('exit', () => resolve(out.trim()));
  });
}

function seeded(prefix: string, n = 50) {
  const s = newStore(prefix);
  cleanups.push(s.remove);
  const a = s.store.addAccount({ protocol: 'xmpp', label: 'work' });
  const c = s.store.ensureConversation(a.id, 'direct', 'bob@example.org');
  s.store.insertMessages(Array.from({ length: n }, (_, i) => msg(a.id, c.id, `hello number ${i} about the rocket launch ${i % 7}`)));
  return s;
}

describe('one writer, many readers', () => {
  it('a second writer process gets "the archive is open in Confab"; a reader process searches meanwhile', async () => {
    const s = seeded('lock');
    s.store.insertMessage(msg(1, 1, 'written while the reader runs: zeppelin'));
    expect(await runChild(['open-writer', s.dir, PASS])).toBe('LOCKED the archive is open in Confab');
    expect(await runChild(['read-search', s.dir, PASS, 'zeppelin'])).toBe('HITS 1 COUNT 51');
    expect(await runChild(['read-search', s.dir, PASS, 'rocket'])).toBe('HITS 50 COUNT 51');
    // within one process, a second writer is refused too
    expect(() => openArchive(s.dir, { passphrase: PASS })).toThrow('the archive is open in Confab');
    s.store.close();
    expect(await runChild(['open-writer', s.dir, PASS])).toBe('OPENED');
  });

  it('a killed writer: every committed batch is there, the archive is intact and the lock is free (synchronous=NORMAL)', async () => {
    const s = seeded('kill', 1);
    s.store.close();
    const w = startProcess(process.execPath, ['--import', 'tsx', CHILD, 'hold-writer', s.dir, PASS]);
    cleanups.push(() => w.stop());
    await waitForOutput(w, /COMMITTED 5\b/, 30_000);
    expect(await runChild(['open-writer', s.dir, PASS])).toMatch(/^LOCKED/);
    process.kill(w.child.pid!, 'SIGKILL');
    await new Promise<void>((r) => (w.child.exitCode !== null || w.child.signalCode !== null ? r() : w.child.once('exit', () => r())));
    const committed = Math.max(...[...w.output().matchAll(/COMMITTED (\d+)/g)].map((m) => Number(m[1])));
    const again = openArchive(s.dir, { passphrase: PASS });
    cleanups.push(() => again.close());
    // every batch reported committed is complete (batches are atomic: a multiple of 200 rows)
    const n = again.countMessages() - 1;
    expect(n % 200).toBe(0);
    expect(n / 200).toBeGreaterThanOrEqual(committed);
    expect(again.verify()).toEqual({ ok: true, problems: [] });
    expect(again.search('durable').hits.length).toBeGreaterThan(0);
  });
});

describe('temporary files', () => {
  async function watchedRun(args: string[], tmp: string): Promise<{ out: string; events: string[] }> {
    const events: string[] = [];
    const w = watch(tmp, (type, name) => events.push(`${type}:${name}`));
    try {
      const out = await runChild(args, { SQLITE_TMPDIR: tmp, TMPDIR: tmp });
      await new Promise((r) => setTimeout(r, 200));
      return { out, events };
    } finally {
      w.close();
    }
  }

  it('SQLite temp files of the archive stay in memory (a plain file DB as control shows the watcher works)', async () => {
    const s = seeded('tmpfiles', 20000);
    s.store.close();
    const watched = tempDir('sqlite-tmp');
    cleanups.push(watched.remove);
    const control = tempDir('control');
    cleanups.push(control.remove);
    const ctl = await watchedRun(['temp-control', control.path, PASS], watched.path);
    expect(ctl.out).toBe('DONE');
    expect(ctl.events.length).toBeGreaterThan(0);
    const arc = await watchedRun(['temp-archive', s.dir, PASS], watched.path);
    expect(arc.out).toBe('DONE');
    expect(arc.events).toEqual([]);
  });
});
