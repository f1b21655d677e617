/**
 * Keeps the engine process alive: starts it, notices when it dies unexpectedly, restarts it with
 * exponential backoff, and gives up (state 'failed', shown to the user with a Retry) when it keeps
 * crashing — a crash loop must not spin the CPU or hide the problem.
 *
 * Process-agnostic: `start` returns anything with `onExit` and `stop`, so main.ts supervises the
 * engine client and the tests supervise a real crashing child process.
 */

export interface ExitInfo {
  code: number | null;
  signal: string | null;
}

export interface Supervisable {
  /** called exactly once when the process is gone, whatever the reason */
  onExit(listener: (info: ExitInfo) => void): void;
  /** a graceful stop; resolves when the process is gone */
  stop(): Promise<void>;
}

export type SupervisorState =
  | { state: 'idle' }
  | { state: 'starting'; attempt: number }
  | { state: 'running'; attempt: number; pid?: number }
  | { state: 'restarting'; attempt: number; inMs: number; lastExit: ExitInfo }
  | { state: 'failed'; lastExit: ExitInfo | null; error?: string; crashes: number }
  | { state: 'stopped' };

export interface SupervisorOptions<H extends Supervisable> {
  start: (attempt: number) => Promise<H>;
  /** every time a process is up (first start and each restart): re-wire listeners, re-unlock, … */
  onStarted?: (handle: H, attempt: number) => void | Promise<void>;
  onState?: (s: SupervisorState) => void;
  initialBackoffMs?: number;
  maxBackoffMs?: number;
  /** this many crashes within `crashWindowMs` → give up */
  maxCrashes?: number;
  crashWindowMs?: number;
  /** a process that ran this long resets the backoff */
  stableAfterMs?: number;
  now?: () => number;
}

export interface Supervisor<H> {
  start(): Promise<void>;
  /** stops the process for good (quit); no restart follows */
  stop(): Promise<void>;
  /** after 'failed': try again now, with a fresh crash budget */
  retry(): Promise<void>;
  current(): H | null;
  state(): SupervisorState;
}

export function createSupervisor<H extends Supervisable>(opts: SupervisorOptions<H>): Supervisor<H> {
  const initial = opts.initialBackoffMs ?? 500;
  const max = opts.maxBackoffMs ?? 30_000;
  const maxCrashes = opts.maxCrashes ?? 5;
  const windowMs = opts.crashWindowMs ?? 60_000;
  const stableAfter = opts.stableAfterMs ?? 30_000;
  const now = opts.now ?? Date.now;

  let st: SupervisorState = { state: 'idle' };
  let handle: H | null = null;
  let attempt = 0;
  let crashes: number[] = [];
  let consecutive = 0;
  let timer: ReturnType<typeof setTimeout> | null = null;
  let stopping = false;
  let startedAt = 0;

  const set = (s: SupervisorState) => {
    st = s;
    opts.onState?.(s);
  };

  async function launch(): Promise<void> {
    if (stopping) return;
    attempt += 1;
    const my = attempt;
    set({ state: 'starting', attempt: my });
    let h: H;
    try {
      h = await opts.start(my);
    } catch (err) {
      onCrash({ code: null, signal: null }, err instanceof Error ? err.message : String(err));
      return;
    }
    if (stopping) {
      await h.stop().catch(() => undefined);
      return;
    }
    handle = h;
    startedAt = now();
    let exited = false;
    h.onExit((info) => {
      if (exited) return;
      exited = true;
      if (handle === h) handle = null;
      if (stopping) return;
      onCrash(info);
    });
    const pid = (h as { pid?: unknown }).pid;
    set({ state: 'running', attempt: my, ...(typeof pid === 'number' ? { pid } : {}) });
    try {
      await opts.onStarted?.(h, my);
    } catch {
      // a failing onStarted (e.g. the process died while we wired it) is seen as its exit
    }
  }

  function onCrash(info: ExitInfo, error?: string): void {
    const t = now();
    if (startedAt && t - startedAt >= stableAfter) consecutive = 0;
    consecutive += 1;
    crashes = crashes.filter((c) => t - c < windowMs);
    crashes.push(t);
    if (crashes.length >= maxCrashes) {
      set({ state: 'failed', lastExit: info, crashes: crashes.length, ...(error ? { error } : {}) });
      return;
    }
    const inMs = Math.min(max, initial * 2 ** (consecutive - 1));
    set({ state: 'restarting', attempt, inMs, lastExit: info });
    timer = setTimeout(() => {
      timer = null;
      void launch();
    }, inMs);
  }

  return {
    async start() {
      if (st.state !== 'idle') return;
      await launch();
    },
    async stop() {
      stopping = true;
      if (timer) clearTimeout(timer);
      timer = null;
      const h = handle;
      handle = null;
      if (h) await h.stop();
      set({ state: 'stopped' });
    },
    async retry() {
      if (st.state !== 'failed') return;
      crashes = [];
      consecutive = 0;
      await launch();
    },
    current: () => handle,
    state: () => st,
  };
}
