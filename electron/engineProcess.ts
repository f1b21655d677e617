/**
 * The engine in an Electron utilityProcess (not a child with ELECTRON_RUN_AS_NODE: the RunAsNode
 * fuse is off in packaged builds). Same contract frames as engine/client.ts, over the
 * utilityProcess MessagePort. The handle is what the supervisor watches.
 */
import { utilityProcess, type UtilityProcess } from 'electron';
import { createContractClient, type ConfabApi, type Frame } from '../contract/index';
import type { ExitInfo, Supervisable } from './supervisor';

export interface EngineHandle extends ConfabApi, Supervisable {
  readonly pid: number | undefined;
  readonly ready: Promise<void>;
}

export function startUtilityEngine(opts: {
  entry: string;
  dataDir: string;
  env: Record<string, string>;
  readyTimeoutMs?: number;
}): Promise<EngineHandle> {
  const child: UtilityProcess = utilityProcess.fork(opts.entry, ['--data', opts.dataDir], {
    serviceName: 'Confab engine',
    stdio: ['ignore', 'ignore', 'inherit'],
    env: { ...opts.env, CONFAB_DATA: opts.dataDir },
  });
  let hello = false;
  const queue: Frame[] = [];
  const client = createContractClient({
    send(frame) {
      if (hello) child.postMessage(frame);
      else queue.push(frame);
    },
  });
  let exitInfo: ExitInfo | null = null;
  const exitListeners: Array<(e: ExitInfo) => void> = [];
  let readyResolve!: () => void;
  let readyReject!: (e: Error) => void;
  const ready = new Promise<void>((res, rej) => {
    readyResolve = res;
    readyReject = rej;
  });
  ready.catch(() => undefined);
  const timer = setTimeout(() => {
    readyReject(new Error('the engine did not start in time'));
    child.kill();
  }, opts.readyTimeoutMs ?? 30_000);

  child.on('message', (m: Frame | { t: 'hello' }) => {
    if (!m || typeof m !== 'object') return;
    if (m.t === 'hello') {
      hello = true;
      clearTimeout(timer);
      for (const f of queue.splice(0)) child.postMessage(f);
      readyResolve();
      return;
    }
    client.receive(m as Frame);
  });
  child.on('exit', (code) => {
    clearTimeout(timer);
    exitInfo = { code, signal: null };
    client.close(`the engine process exited (${code})`);
    readyReject(new Error(`the engine exited before it was ready (${code})`));
    for (const l of exitListeners.splice(0)) l(exitInfo);
  });

  const handle: EngineHandle = {
    get pid() {
      return child.pid;
    },
    ready,
    call: client.call,
    on: client.on,
    onBatch: client.onBatch,
    onExit(l) {
      if (exitInfo) l(exitInfo);
      else exitListeners.push(l);
    },
    stop() {
      return new Promise<void>((resolve) => {
        if (exitInfo) return resolve();
        exitListeners.push(() => resolve());
        const kill = setTimeout(() => child.kill(), 5000);
        exitListeners.push(() => clearTimeout(kill));
        void client.call('engine.shutdown', {});
      });
    },
  };
  return ready.then(() => handle);
}
