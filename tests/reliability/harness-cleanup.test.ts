// Issue 9, harness: servers are never leaked after a killed test run. A child process stands in for
// a vitest worker and starts a REAL ngircd through the harness (fixtures/harness-child.ts); the
// child is then ended the ways a run ends badly — SIGTERM (vitest's worker teardown), SIGINT
// (Ctrl-C), SIGKILL (the worker's watchdog cleans up), SIGKILL of the child AND its watchdog (the
// next run reaps the group from its pidfile). Each time the server's port must stop answering.
// Processes the harness did not start are never touched, even with a forged pidfile.
import { afterAll, describe, expect, it } from 'vitest';
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { connect } from 'node:net';
import { join } from 'node:path';
import { isRunning, processStart, reapStale } from '../harness/reaper';
import { LOOPBACK, tempDir } from '../harness/util';
import { until } from './lib';

const root = new URL('../..', import.meta.url).pathname;
const tmp = tempDir('rel-harness');
const strays: number[] = [];
afterAll(() => {
  // only if an assertion failed: do not leave what this test started
  for (const pid of strays) try { process.kill(-pid, 'SIGKILL'); } catch { /* gone */ }
  tmp.remove();
});

interface Child {
  proc: ChildProcess;
  port: number;
  groups: number[];
  watchdog: number | null;
}

async function startChild(tmpdirForPids: string): Promise<Child> {
  const proc = spawn(process.execPath, ['--import', 'tsx', join(root, 'tests/reliability/fixtures/harness-child.ts')], {
    cwd: root,
    env: { ...process.env, TMPDIR: tmpdirForPids },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  let err = '';
  proc.stdout!.on('data', (d: Buffer) => { out += d.toString(); });
  proc.stderr!.on('data', (d: Buffer) => { err += d.toString(); });
  const info = await until(() => {
    if (proc.exitCode !== null) throw new Error(`harness child exited: ${err.slice(-2000)}`);
    const line = out.split('\n').find((l) => l.startsWith('{'));
    return line ? (JSON.parse(line) as Omit<Child, 'proc'>) : null;
  }, 'the harness child started ngircd', 60_000);
  strays.push(...info.groups);
  if (info.watchdog) strays.push(info.watchdog);
  return { proc, ...info };
}

const answers = (port: number) => new Promise<boolean>((resolve) => {
  const s = connect({ host: LOOPBACK, port });
  s.once('connect', () => { s.destroy(); resolve(true); });
  s.once('error', () => resolve(false));
});

async function serverGone(c: Child, how: string): Promise<void> {
  await until(async () => c.groups.every((g) => !isRunning(g)) && !(await answers(c.port)), `ngircd gone after ${how}`, 20_000);
}

describe('harness servers never outlive the test process', () => {
  for (const sig of ['SIGTERM', 'SIGINT'] as const) {
    it(`${sig} to the test process stops its servers`, async () => {
      const dir = join(tmp.path, sig);
      mkdirSync(dir);
      const c = await startChild(dir);
      expect(await answers(c.port)).toBe(true);
      c.proc.kill(sig);
      await serverGone(c, sig);
      expect(c.proc.signalCode ?? (await new Promise((r) => c.proc.once('exit', (_code, s) => r(s))))).toBe(sig);
    });
  }

  it('SIGKILL of the test process: its watchdog stops the servers', async () => {
    const dir = join(tmp.path, 'kill');
    mkdirSync(dir);
    const c = await startChild(dir);
    expect(c.watchdog).not.toBeNull();
    c.proc.kill('SIGKILL');
    await serverGone(c, 'SIGKILL');
    await until(() => !isRunning(c.watchdog!), 'the watchdog ended after its work');
  });

  it('SIGKILL of the test process and its watchdog: the next run reaps the group from its pidfile', async () => {
    const dir = join(tmp.path, 'stale');
    mkdirSync(dir);
    const c = await startChild(dir);
    process.kill(c.watchdog!, 'SIGKILL');
    await until(() => !isRunning(c.watchdog!), 'watchdog killed');
    c.proc.kill('SIGKILL');
    await until(() => c.proc.exitCode !== null || c.proc.signalCode !== null, 'child killed');
    expect(await answers(c.port)).toBe(true); // leaked, as in the bug report
    const reaped = reapStale(join(dir, 'confab-harness-pids'));
    expect(reaped).toEqual(c.groups);
    await serverGone(c, 'reaping');
  });

  it('a pidfile never makes the reaper touch a process the harness did not start', async () => {
    const dir = join(tmp.path, 'foreign', 'confab-harness-pids');
    mkdirSync(dir, { recursive: true });
    const other = spawn('sleep', ['300'], { detached: true, stdio: 'ignore' });
    strays.push(other.pid!);
    const start = processStart(other.pid!)!;
    // same pid, other start time (a reused pid); and a live owner (another run still going)
    writeFileSync(join(dir, `${other.pid}.json`), JSON.stringify({ pgid: other.pid, start: start + 1, cmd: 'sleep', owner: 999_999_999, ownerStart: 1 }));
    writeFileSync(join(dir, `x${other.pid}.json`), JSON.stringify({ pgid: other.pid, start, cmd: 'sleep', owner: process.pid, ownerStart: processStart(process.pid) }));
    expect(reapStale(dir)).toEqual([]);
    expect(isRunning(other.pid!)).toBe(true);
    process.kill(-other.pid!, 'SIGKILL');
  });
});
