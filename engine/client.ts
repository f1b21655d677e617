// For hosts (Electron main, web host, tests): start the engine as a child process and talk to it
// through the contract over Node IPC. The engine validates every command with the contract's
// schemas; this side only types them. Restart-safe: after `exit` a host may start a new one on the
// same data folder (the archive writer lock is released when the process dies).
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { createContractClient, type ConfabApi, type Frame } from '../contract/index';

export interface EngineProcessOptions {
  /** the data folder (archive, settings) */
  dataDir: string;
  /** extra environment for the child (merged over process.env) */
  env?: Record<string, string | undefined>;
  /** default 15 s; some commands declare longer */
  timeoutMs?: number;
  /** node binary (Electron: process.execPath with ELECTRON_RUN_AS_NODE=1 in env). Default: this node */
  execPath?: string;
  /** a bundled engine entry (.js/.mjs); default engine/main.ts run through tsx */
  entry?: string;
  /** child stderr: 'inherit' (default) or a callback per chunk (logs never carry message text) */
  stderr?: 'inherit' | 'ignore' | ((chunk: string) => void);
}

export interface EngineExit {
  code: number | null;
  signal: NodeJS.Signals | null;
}

export interface EngineProcess extends ConfabApi {
  readonly pid: number;
  /** resolves when the engine listens (calls made before are queued) */
  readonly ready: Promise<void>;
  /** resolves when the process has exited, for whatever reason */
  readonly exited: Promise<EngineExit>;
  onEvent: ConfabApi['onBatch'];
  onExit(fn: (e: EngineExit) => void): () => void;
  /** orderly: engine.shutdown, then SIGKILL after `graceMs` (default 5 s) */
  close(graceMs?: number): Promise<EngineExit>;
  /** SIGKILL now (tests of crash recovery; supervisors) */
  kill(signal?: NodeJS.Signals): void;
}

const here = dirname(fileURLToPath(import.meta.url));

function tsxImportUrl(): string {
  const req = createRequire(import.meta.url);
  return pathToFileURL(req.resolve('tsx')).href;
}

export function startEngineProcess(opts: EngineProcessOptions): EngineProcess {
  const entry = opts.entry ?? join(here, 'main.ts');
  if (!existsSync(entry)) throw new Error(`engine entry not found: ${entry}`);
  const execArgv = /\.m?ts$/.test(entry) ? ['--import', tsxImportUrl()] : [];
  const stderrOpt = opts.stderr ?? 'inherit';
  const child: ChildProcess = spawn(opts.execPath ?? process.execPath, [...execArgv, entry, '--data', opts.dataDir], {
    stdio: ['ignore', 'ignore', typeof stderrOpt === 'function' ? 'pipe' : stderrOpt, 'ipc'],
    serialization: 'json',
    env: { ...process.env, ...opts.env, CONFAB_DATA: opts.dataDir },
  });
  if (typeof stderrOpt === 'function') child.stderr?.setEncoding('utf8').on('data', stderrOpt);
  if (child.pid === undefined) throw new Error('could not start the engine process');

  let helloSeen = false;
  const queue: Frame[] = [];
  let readyResolve!: () => void;
  let readyReject!: (e: Error) => void;
  const ready = new Promise<void>((res, rej) => {
    readyResolve = res;
    readyReject = rej;
  });
  ready.catch(() => {});

  const sendNow = (f: Frame) => {
    if (child.connected) child.send(f);
    else throw new Error('the engine process is not running');
  };
  const client = createContractClient(
    {
      send(frame) {
        if (helloSeen) sendNow(frame);
        else queue.push(frame);
      },
    },
    { timeoutMs: opts.timeoutMs },
  );

  child.on('message', (m: Frame) => {
    if (!m || typeof m !== 'object') return;
    if (m.t === 'hello') {
      helloSeen = true;
      for (const f of queue.splice(0)) sendNow(f);
      readyResolve();
      return;
    }
    client.receive(m);
  });

  const exitListeners = new Set<(e: EngineExit) => void>();
  const exited = new Promise<EngineExit>((resolve) => {
    child.on('exit', (code, signal) => {
      const e = { code, signal };
      client.close(signal ? `the engine process was killed (${signal})` : `the engine process exited (${code})`);
      readyReject(new Error(`the engine process exited before it was ready (${signal ?? code})`));
      resolve(e);
      for (const fn of [...exitListeners]) fn(e);
    });
  });
  child.on('error', () => {});

  return {
    pid: child.pid,
    ready,
    exited,
    call: client.call,
    on: client.on,
    onBatch: client.onBatch,
    onEvent: client.onBatch,
    onExit(fn) {
      exitListeners.add(fn);
      return () => void exitListeners.delete(fn);
    },
    async close(graceMs = 5000) {
      if (child.exitCode !== null || child.signalCode !== null) return exited;
      const t = setTimeout(() => child.kill('SIGKILL'), graceMs);
      void client.call('engine.shutdown', {});
      const e = await exited;
      clearTimeout(t);
      return e;
    },
    kill(signal = 'SIGKILL') {
      child.kill(signal);
    },
  };
}
