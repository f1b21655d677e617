/**
 * A full disk under the app's import job, through the REAL engine process: the job ends as failed
 * with a clear message (never silently), the engine keeps answering, nothing stored before is lost,
 * and the same import completes later without doubles. The disk is "full" by a file-size limit on
 * the engine process (bash `ulimit -f`, SIGXFSZ ignored, so SQLite's writes fail with EFBIG), as in
 * the CLI test: no root or tiny mounted filesystem needed.
 */
import { chmodSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { unwrap, type ArchiveJobDTO, type CommandInput, type CommandName, type CommandOutput } from '../../contract/index';
import { startEngineProcess, type EngineProcess } from '../../engine/client';
import { tempDir } from '../harness/util';
import { PASSPHRASE, TEST_ENV } from '../reliability/lib';

const tmp = tempDir('archive-engine-full');
const data = join(tmp.path, 'data');
afterAll(() => tmp.remove());

interface Engine {
  proc: EngineProcess;
  call<K extends CommandName>(cmd: K, input: CommandInput<K>): Promise<CommandOutput<K>>;
  job(jobId: string): Promise<ArchiveJobDTO>;
}

/** the engine process, optionally under a file-size limit (KiB) */
async function engine(fileSizeKb?: number): Promise<Engine> {
  let execPath: string | undefined;
  if (fileSizeKb !== undefined) {
    execPath = join(tmp.path, `node-limited-${fileSizeKb}.sh`);
    writeFileSync(execPath, `#!/bin/bash\ntrap '' XFSZ\nulimit -f ${fileSizeKb}\nexec "${process.execPath}" "$@"\n`);
    chmodSync(execPath, 0o755);
  }
  const proc = startEngineProcess({ dataDir: data, env: TEST_ENV, stderr: 'ignore', timeoutMs: 60_000, ...(execPath ? { execPath } : {}) });
  const finished = new Map<string, ArchiveJobDTO>();
  const waiting = new Map<string, (j: ArchiveJobDTO) => void>();
  proc.onEvent((batch) => {
    for (const e of batch) {
      if (e.type !== 'archive.job' || e.payload.state === 'running') continue;
      finished.set(e.payload.jobId, e.payload);
      waiting.get(e.payload.jobId)?.(e.payload);
    }
  });
  await proc.ready;
  const call = (async (c: CommandName, i: unknown) => unwrap(await (proc.call as (c: CommandName, i: unknown) => Promise<never>)(c, i))) as Engine['call'];
  const job = (jobId: string) => new Promise<ArchiveJobDTO>((resolve) => {
    const done = finished.get(jobId);
    if (done) resolve(done);
    else waiting.set(jobId, resolve);
  });
  return { proc, call, job };
}

function weechatLog(dir: string, net: string, lines: number, word: string): string {
  const folder = join(tmp.path, dir);
  mkdirSync(folder, { recursive: true });
  const out: string[] = [];
  for (let i = 0; i < lines; i++) {
    out.push(`${new Date(Date.UTC(2024, 0, 1) + i * 1000).toISOString().replace('T', ' ').slice(0, 19)}\tuser${i % 40}\t${word} ${i} lorem ipsum dolor sit amet ${(i * 7919).toString(36)}`);
  }
  writeFileSync(join(folder, `irc.${net}.#big.weechatlog`), out.join('\n') + '\n');
  return folder;
}

const imported = (j: ArchiveJobDTO) => (j.summary && 'import' in j.summary ? j.summary.import.inserted : -1);

describe('import job on a full disk (engine process)', { timeout: 240_000 }, () => {
  it('fails loudly, keeps what was stored, and completes later without doubles', async () => {
    const small = weechatLog('small', 'keepnet', 50, 'keepword');
    let e = await engine();
    await e.call('archive.create', { passphrase: PASSPHRASE });
    expect(imported(await e.job((await e.call('archive.import', { paths: [small] })).jobId))).toBe(50);
    await e.proc.close();

    const big = weechatLog('big', 'bignet', 6_000, 'bulkword');
    e = await engine(64);
    try {
      await e.call('archive.unlock', { passphrase: PASSPHRASE });
      const job = await e.job((await e.call('archive.import', { paths: [big] })).jobId);
      expect(job.state).toBe('failed');
      expect(job.error).toMatch(/the disk is full \(or refused the write\): writing was stopped .* nothing already stored was lost/);
      // the engine still answers, and what was there is all there
      expect((await e.call('engine.ping', {})).pid).toBe(e.proc.pid);
      expect((await e.call('search.query', { query: 'keepword', limit: 100 })).hits).toHaveLength(50);
    } finally {
      await e.proc.close();
    }

    e = await engine();
    try {
      await e.call('archive.unlock', { passphrase: PASSPHRASE });
      expect((await e.call('search.query', { query: 'keepword', limit: 100 })).hits).toHaveLength(50);
      const again = await e.job((await e.call('archive.import', { paths: [big] })).jobId);
      expect(again.state).toBe('done');
      const sum = again.summary && 'import' in again.summary ? again.summary.import : null;
      expect(sum!.inserted + sum!.duplicates).toBe(6_000);
      const page = await e.call('search.query', { query: 'bulkword', limit: 200 });
      expect(page.hits).toHaveLength(200);
    } finally {
      await e.proc.close();
    }
  });
});
