// Engine-process supervision against REAL child processes (node scripts that crash, hang, or get
// killed from outside), not mocks.
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { createSupervisor, type ExitInfo, type Supervisable, type SupervisorState } from '../../electron/supervisor';
import { tempDir } from '../harness/util';

const dir = tempDir('electron-sup');
const children = new Set<ChildProcess>();
afterAll(() => {
  for (const c of children) if (c.exitCode === null && c.signalCode === null) c.kill('SIGKILL');
  dir.remove();
});

type Handle = Supervisable & { pid: number; child: ChildProcess; ready: Promise<void> };

/** A child process that prints "ready" and then runs `script`. */
function nodeChild(script: string): Promise<Handle> {
  const child = spawn(process.execPath, ['-e', `process.stdout.write('ready\\n');${script}`], { stdio: ['ignore', 'pipe', 'inherit'] });
  children.add(child);
  let exited: ExitInfo | null = null;
  const exitListeners: Array<(i: ExitInfo) => void> = [];
  child.once('exit', (code, signal) => {
    exited = { code, signal };
    for (const l of exitListeners) l(exited);
  });
  const ready = new Promise<void>((resolve, reject) => {
    child.stdout!.once('data', () => resolve());
    child.once('error', reject);
  });
  return ready.then(() => ({
    pid: child.pid!,
    child,
    ready,
    onExit: (l) => (exited ? l(exited) : exitListeners.push(l)),
    stop: () =>
      new Promise<void>((resolve) => {
        if (child.exitCode !== null || child.signalCode !== null) return resolve();
        child.once('exit', () => resolve());
        child.kill('SIGTERM');
      }),
  }));
}

function waitFor(pred: () => boolean, what: string, ms = 15_000): Promise<void> {
  const end = Date.now() + ms;
  return new Promise((resolve, reject) => {
    const tick = () => {
      if (pred()) return resolve();
      if (Date.now() > end) return reject(new Error(`timed out waiting for ${what}`));
      setTimeout(tick, 20);
    };
    tick();
  });
}

const alive = (pid: number) => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};

describe('engine process supervision', () => {
  it('restarts an engine that crashes, and the new one stays up', async () => {
    const marker = join(dir.path, 'crashed-once');
    const states: SupervisorState[] = [];
    const pids: number[] = [];
    const sup = createSupervisor<Handle>({
      // first run: crash with exit code 3 shortly after start; later runs: stay up
      start: () => nodeChild(`const fs=require('fs');if(!fs.existsSync(${JSON.stringify(marker)})){fs.writeFileSync(${JSON.stringify(marker)},'1');setTimeout(()=>process.exit(3),50)}else{setInterval(()=>{},1000)}`),
      onStarted: (h) => void pids.push(h.pid),
      onState: (s) => states.push(s),
      initialBackoffMs: 20,
    });
    await sup.start();
    await waitFor(() => pids.length === 2 && sup.state().state === 'running', 'the restart');
    expect(existsSync(marker)).toBe(true);
    expect(states.find((s) => s.state === 'restarting')).toMatchObject({ lastExit: { code: 3, signal: null } });
    expect(pids[0]).not.toBe(pids[1]);
    expect(alive(pids[1]!)).toBe(true);
    await sup.stop();
    expect(alive(pids[1]!)).toBe(false);
    expect(sup.state()).toEqual({ state: 'stopped' });
  });

  it('restarts an engine killed from outside (SIGKILL, OOM killer)', async () => {
    const pids: number[] = [];
    const sup = createSupervisor<Handle>({ start: () => nodeChild('setInterval(()=>{},1000)'), onStarted: (h) => void pids.push(h.pid), initialBackoffMs: 20 });
    await sup.start();
    await waitFor(() => pids.length === 1, 'first start');
    process.kill(pids[0]!, 'SIGKILL');
    await waitFor(() => pids.length === 2 && sup.state().state === 'running', 'the restart after SIGKILL');
    expect(alive(pids[1]!)).toBe(true);
    await sup.stop();
  });

  it('gives up on a crash loop, with backoff growing, and tries again on retry', async () => {
    const states: SupervisorState[] = [];
    let starts = 0;
    const sup = createSupervisor<Handle>({
      start: () => {
        starts += 1;
        return nodeChild('process.exit(70)');
      },
      onState: (s) => states.push(s),
      initialBackoffMs: 10,
      maxCrashes: 4,
      crashWindowMs: 60_000,
    });
    await sup.start();
    await waitFor(() => sup.state().state === 'failed', 'giving up');
    expect(starts).toBe(4);
    expect(sup.state()).toMatchObject({ state: 'failed', lastExit: { code: 70 }, crashes: 4 });
    const delays = states.filter((s): s is Extract<SupervisorState, { state: 'restarting' }> => s.state === 'restarting').map((s) => s.inMs);
    expect(delays).toEqual([10, 20, 40]);
    // no further start happens by itself
    await new Promise((r) => setTimeout(r, 200));
    expect(starts).toBe(4);
    await sup.retry();
    await waitFor(() => starts >= 5, 'the retry');
    await sup.stop();
  });

  it('a quit during the backoff wait starts nothing more', async () => {
    let starts = 0;
    const sup = createSupervisor<Handle>({
      start: () => {
        starts += 1;
        return nodeChild('process.exit(1)');
      },
      initialBackoffMs: 300,
    });
    await sup.start();
    await waitFor(() => sup.state().state === 'restarting', 'the first crash');
    await sup.stop();
    await new Promise((r) => setTimeout(r, 500));
    expect(starts).toBe(1);
    expect(sup.state()).toEqual({ state: 'stopped' });
  });

  it('counts a start that fails (missing binary) as a crash', async () => {
    const sup = createSupervisor<Handle>({
      start: () => Promise.reject(new Error('spawn ENOENT')),
      initialBackoffMs: 5,
      maxCrashes: 3,
    });
    await sup.start();
    await waitFor(() => sup.state().state === 'failed', 'giving up');
    expect(sup.state()).toMatchObject({ state: 'failed', error: 'spawn ENOENT' });
    await sup.stop();
  });
});

