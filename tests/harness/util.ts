/**
 * Shared pieces of the real-server harness: free loopback ports, temp dirs that dropped-privilege
 * servers can traverse, and child processes that are always stopped (process group kill), even
 * when a test fails. Servers bind 127.0.0.1 only.
 */
import { spawn, type ChildProcess, type SpawnOptions } from 'node:child_process';
import { chmodSync, mkdtempSync, rmSync } from 'node:fs';
import { createServer, connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { track, untrack } from './reaper';

export const LOOPBACK = '127.0.0.1';

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.unref();
    srv.on('error', reject);
    srv.listen(0, LOOPBACK, () => {
      const addr = srv.address();
      const port = typeof addr === 'object' && addr ? addr.port : 0;
      srv.close(() => resolve(port));
    });
  });
}

/** A temp dir readable by servers that drop root (prosody, inspircd as `irc`): mode 0755. */
export function tempDir(prefix: string): { path: string; remove(): void } {
  const path = mkdtempSync(join(tmpdir(), `confab-${prefix}-`));
  chmodSync(path, 0o755);
  return { path, remove: () => rmSync(path, { recursive: true, force: true }) };
}

/** Resolves once something accepts TCP connections on host:port. */
export async function waitForPort(port: number, timeoutMs = 20_000, host = LOOPBACK): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const ok = await new Promise<boolean>((resolve) => {
      const s = connect({ host, port });
      s.once('connect', () => { s.destroy(); resolve(true); });
      s.once('error', () => resolve(false));
    });
    if (ok) return;
    if (Date.now() > deadline) throw new Error(`nothing listens on ${host}:${port} after ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

export interface Running {
  child: ChildProcess;
  /** everything the process printed so far (stdout + stderr) */
  output(): string;
  stop(): Promise<void>;
}

/**
 * Starts a server in its own process group so stop() also ends its children. The group is killed
 * also when the test process exits, is interrupted (SIGINT/SIGTERM/SIGHUP, e.g. vitest tearing a
 * worker down) or is killed outright; see reaper.ts.
 */
export function startProcess(cmd: string, args: string[], opts: SpawnOptions = {}): Running {
  const child = spawn(cmd, args, { ...opts, detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
  if (child.pid !== undefined) track(child.pid, cmd);
  let out = '';
  child.stdout?.on('data', (d: Buffer) => { out += d.toString(); if (out.length > 1_000_000) out = out.slice(-500_000); });
  child.stderr?.on('data', (d: Buffer) => { out += d.toString(); if (out.length > 1_000_000) out = out.slice(-500_000); });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const r: Running = {
    child,
    output: () => out,
    async stop() {
      if (child.exitCode === null && child.signalCode === null) {
        try { process.kill(-child.pid!, 'SIGTERM'); } catch { /* already gone */ }
        const t = setTimeout(() => { try { process.kill(-child.pid!, 'SIGKILL'); } catch { /* gone */ } }, 3000);
        await exited;
        clearTimeout(t);
      }
      // the leader is gone; anything it left in its group goes too
      try { process.kill(-child.pid!, 'SIGKILL'); } catch { /* group empty */ }
      if (child.pid !== undefined) untrack(child.pid);
    },
  };
  return r;
}

/** SIGKILL to a started process's whole group at once (a crash, not a shutdown); stop() still reaps it */
export function killGroup(r: Running): void {
  try { process.kill(-r.child.pid!, 'SIGKILL'); } catch { /* already gone */ }
}

/** Waits until the process output matches; fails early with the output when the process dies. */
export async function waitForOutput(r: Running, re: RegExp, timeoutMs = 20_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!re.test(r.output())) {
    if (r.child.exitCode !== null) throw new Error(`process exited (${r.child.exitCode}) before ${re}: ${r.output().slice(-2000)}`);
    if (Date.now() > deadline) throw new Error(`timeout waiting for ${re}: ${r.output().slice(-2000)}`);
    await new Promise((res) => setTimeout(res, 100));
  }
}

export const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));
