/**
 * Opening never scans history: the bytes a process reads to open (and close) an archive, and for
 * its first write, are the same for a small and a 15× larger archive — counted by the kernel
 * (/proc/self/io rchar of a child process), not timed.
 */
import { spawn } from 'node:child_process';
import { existsSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { tempDir } from '../harness/util';
import { msg, newStore } from './helpers';

const CHILD = join(import.meta.dirname, 'child.ts');
const cleanups: Array<() => void> = [];
afterAll(() => cleanups.forEach((f) => f()));

function runChild(args: string[]): Promise<string> {
  return new Promise((resolve, reject) => {
    const p = spawn(process.execPath, ['--import', 'tsx', CHILD, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    p.stdout.on('data', (d: Buffer) => (out += d.toString()));
    p.stderr.on('data', (d: Buffer) => (out += d.toString()));
    p.on('error', reject);
    p.on('exit', () => resolve(out.trim()));
  });
}

const WORDS = 'alpha bravo charlie delta echo foxtrot golf hotel india juliet kilo lima mike november oscar papa'.split(' ');

/** an archive of n messages (bodies of ~12 words) and its raw key file (outside the folder) */
function archive(n: number): { dir: string; keyFile: string; bytes: number } {
  const s = newStore(`open-io-${n}`);
  cleanups.push(s.remove);
  const a = s.store.addAccount({ protocol: 'xmpp', label: 'work' });
  const c = s.store.ensureConversation(a.id, 'direct', 'bob@example.org');
  for (let done = 0; done < n; done += 10_000) {
    s.store.insertMessages(
      Array.from({ length: Math.min(10_000, n - done) }, (_, k) => {
        const i = done + k;
        const words = Array.from({ length: 12 }, (_, j) => WORDS[(i * 7 + j * 13 + (i >> j)) % WORDS.length]! + ((i * 31 + j) % 997));
        return msg(a.id, c.id, words.join(' '), { serverTime: Date.UTC(2024, 0, 1) + i * 1000, serverId: `s${i}` });
      }),
    );
  }
  const keyDir = tempDir('open-io-key');
  cleanups.push(keyDir.remove);
  const keyFile = join(keyDir.path, 'key.hex');
  s.store.exportKeyFile(keyFile);
  s.store.close();
  const db = join(s.dir, 'history.db');
  return { dir: s.dir, keyFile, bytes: statSync(db).size + (existsSync(`${db}-wal`) ? statSync(`${db}-wal`).size : 0) };
}

describe('opening never scans history', () => {
  it('reads the same bytes to open a 2k and a 30k archive, and for the first write after opening', async () => {
    const small = archive(2_000);
    const big = archive(30_000);
    expect(big.bytes).toBeGreaterThan(small.bytes * 10);
    const parse = (out: string) => {
      const m = /^OPEN (\d+) WRITE (\d+)$/.exec(out);
      if (!m) throw new Error(`child said: ${out}`);
      return { open: Number(m[1]), write: Number(m[2]) };
    };
    const s = parse(await runChild(['open-io', small.dir, '', small.keyFile]));
    const b = parse(await runChild(['open-io', big.dir, '', big.keyFile]));
    console.log(`[open-io] archive bytes ${small.bytes} vs ${big.bytes}; read to open ${s.open} vs ${b.open}; first write ${s.write} vs ${b.write}`);
    // a scan of the big archive would read megabytes; opening reads the header, the schema and the key slots
    expect(b.open).toBeLessThan(big.bytes / 20);
    expect(b.open).toBeLessThanOrEqual(s.open + 64 * 1024);
    // the first write: an id seek and index probes (a few pages per b-tree level)
    expect(b.write).toBeLessThan(big.bytes / 20);
    expect(b.write).toBeLessThanOrEqual(s.write + 128 * 1024);
  });
});
