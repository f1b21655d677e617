/**
 * Server process groups must never outlive the test run that started them, however that run ends:
 *
 * - normal exit: `process.on('exit')` kills every group still registered;
 * - SIGINT / SIGTERM / SIGHUP (Ctrl-C, vitest tearing down a fork worker with SIGTERM): the groups
 *   are killed synchronously, then the signal is raised again so the worker still dies of it;
 * - SIGKILL of the worker (or of vitest, which closes the pipes): a tiny watchdog shell, started once
 *   per process in its own process group and ignoring signals, holds a pipe from us; when the pipe
 *   closes (our process is gone, for whatever reason) it kills the groups it was told about;
 * - the watchdog killed as well (kill -9 of everything): every group is also recorded in a pidfile
 *   under `$TMPDIR/confab-harness-pids/`; the next run reaps groups whose owner is gone.
 *
 * Only processes this harness started are ever touched: a pidfile names the group leader's pid AND
 * its start time (/proc/<pid>/stat), and a group is killed only while that very process leads it.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { constants, tmpdir } from 'node:os';
import { join } from 'node:path';

/** where pidfiles live (one per running server process group) */
export const PID_DIR = join(tmpdir(), 'confab-harness-pids');

interface PidRecord {
  /** process group id = pid of the server we spawned */
  pgid: number;
  /** its start time in clock ticks since boot (/proc/<pid>/stat field 22) */
  start: number;
  cmd: string;
  /** the test process that started it, and that process's start time */
  owner: number;
  ownerStart: number;
}

/** start time of a process (clock ticks since boot), or null when it does not exist */
export function processStart(pid: number): number | null {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // the command name (field 2) may hold spaces and parentheses: count fields after the last ')'
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    const v = Number(fields[19]);
    return Number.isFinite(v) ? v : null;
  } catch {
    return null;
  }
}

const groups = new Set<number>();
let installed = false;
let watchdog: ChildProcess | null = null;
const selfStart = processStart(process.pid) ?? 0;

const pidFile = (pgid: number) => join(PID_DIR, `${pgid}.json`);

function killGroup(pgid: number): void {
  try {
    process.kill(-pgid, 'SIGKILL');
  } catch {
    /* already gone */
  }
}

function killAll(): void {
  for (const pgid of groups) {
    killGroup(pgid);
    rmSync(pidFile(pgid), { force: true });
  }
  groups.clear();
}

function onSignal(sig: NodeJS.Signals): void {
  killAll();
  // die of the signal as we would have without this handler; when someone else listens too (e.g.
  // Playwright closing its browsers), let their handlers run first, then exit: a test process that
  // outlived its signal would go on driving servers that are gone (seen: an orphaned vitest worker)
  process.off(sig, onSignal);
  if (process.listenerCount(sig) === 0) process.kill(process.pid, sig);
  else setTimeout(() => process.exit(128 + (constants.signals[sig] ?? 0)), 500).unref();
}

// reads "+pgid" / "-pgid" lines; when stdin closes (our process is gone) kills what is left
const WATCHDOG = `trap '' INT TERM HUP
pgs=" "
while read -r line; do
  case "$line" in
    +*) pgs="$pgs\${line#+} " ;;
    -*) pgs=$(printf '%s' "$pgs" | sed "s/ \${line#-} / /") ;;
  esac
done
for pg in $pgs; do kill -s KILL -- "-$pg" 2>/dev/null; done
`;

function tellWatchdog(line: string): void {
  try {
    watchdog?.stdin?.write(line + '\n');
  } catch {
    /* the watchdog is gone: pidfiles still cover us */
  }
}

function install(): void {
  if (installed) return;
  installed = true;
  reapStale();
  process.on('exit', killAll);
  for (const sig of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) process.on(sig, onSignal);
  try {
    watchdog = spawn('sh', ['-c', WATCHDOG], { detached: true, stdio: ['pipe', 'ignore', 'ignore'] });
    watchdog.on('error', () => { watchdog = null; });
    watchdog.stdin?.on('error', () => { /* closed */ });
    watchdog.unref();
    (watchdog.stdin as unknown as { unref?(): void } | null)?.unref?.();
  } catch {
    watchdog = null;
  }
}

/** records a freshly spawned server process group (its leader is `pid`) */
export function track(pid: number, cmd: string): void {
  install();
  groups.add(pid);
  tellWatchdog(`+${pid}`);
  const rec: PidRecord = { pgid: pid, start: processStart(pid) ?? 0, cmd, owner: process.pid, ownerStart: selfStart };
  try {
    mkdirSync(PID_DIR, { recursive: true, mode: 0o700 });
    writeFileSync(pidFile(pid), JSON.stringify(rec), { mode: 0o600 });
  } catch {
    /* bookkeeping only */
  }
}

/** the group was stopped (or its leader exited): forget it */
export function untrack(pid: number): void {
  if (!groups.delete(pid)) return;
  tellWatchdog(`-${pid}`);
  rmSync(pidFile(pid), { force: true });
}

/** kills what is still running now (used by the exit paths and by tests of this file) */
export function killTracked(): void {
  killAll();
}

/**
 * Groups recorded by a test process that no longer runs are killed — only while the recorded leader
 * (same pid, same start time) is still alive; pidfiles of groups that are gone are removed.
 * Returns the pgids it killed.
 */
export function reapStale(dir = PID_DIR): number[] {
  const killed: number[] = [];
  let names: string[];
  try {
    names = readdirSync(dir).filter((n) => n.endsWith('.json'));
  } catch {
    return killed;
  }
  for (const name of names) {
    const file = join(dir, name);
    let rec: PidRecord;
    try {
      rec = JSON.parse(readFileSync(file, 'utf8')) as PidRecord;
    } catch {
      continue; // being written right now by another process
    }
    const ownerAlive = processStart(rec.owner) === rec.ownerStart;
    if (ownerAlive) continue;
    if (processStart(rec.pgid) === rec.start && rec.start !== 0) {
      killGroup(rec.pgid);
      killed.push(rec.pgid);
    }
    rmSync(file, { force: true });
  }
  return killed;
}

/** pid of this process's watchdog (null before the first server or when it could not start) */
export function watchdogPid(): number | null {
  return watchdog?.pid ?? null;
}

/** process groups this process started and has not stopped yet */
export function trackedGroups(): number[] {
  return [...groups];
}

/** true while the process exists and is not a zombie */
export function isRunning(pid: number): boolean {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3) !== 'Z';
  } catch {
    return false;
  }
}
