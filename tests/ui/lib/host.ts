/**
 * Test helpers: the renderer bundle built once per set of sources, and the REAL web host
 * (`tsx web/main.ts`, which starts the real engine process) on a random loopback port.
 */
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, readdirSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { freePort, startProcess, waitForOutput, type Running } from '../../harness/util';

export const ROOT = fileURLToPath(new URL('../../../', import.meta.url));

let built: string | null = null;

/** what the bundle is made of: path, size and mtime of every input (an edit anywhere makes a new bundle) */
function bundleStamp(): string {
  const h = createHash('sha256');
  const walk = (dir: string) => {
    for (const e of readdirSync(dir, { withFileTypes: true }).sort((a, b) => (a.name < b.name ? -1 : 1))) {
      const p = join(dir, e.name);
      if (e.isDirectory()) walk(p);
      else {
        const st = statSync(p);
        h.update(`${p}\0${st.size}\0${st.mtimeMs}\n`);
      }
    }
  };
  for (const d of ['renderer', 'contract']) walk(join(ROOT, d));
  for (const f of ['build/vite.renderer.config.ts', 'package-lock.json']) h.update(`${f}\0${statSync(join(ROOT, f)).mtimeMs}\n`);
  return h.digest('hex').slice(0, 16);
}

const BUNDLE_PREFIX = 'confab-test-renderer-';
const STALE_MS = 6 * 3_600_000;

/**
 * vite build of renderer/, shared by the test processes of one run: built once per set of sources
 * into a temp folder that appears complete or not at all (built aside, then renamed; a process that
 * loses the race drops its own copy). Bundles of old sources are removed after a few hours.
 */
export function buildRenderer(): string {
  if (built && existsSync(join(built, 'index.html'))) return built;
  const out = join(tmpdir(), `${BUNDLE_PREFIX}${bundleStamp()}`);
  if (!existsSync(join(out, 'index.html'))) {
    const aside = `${out}.${process.pid}.building`;
    const r = spawnSync(join(ROOT, 'node_modules/.bin/vite'), ['build', '--config', 'build/vite.renderer.config.ts', '--outDir', aside, '--emptyOutDir'], {
      cwd: ROOT,
      encoding: 'utf8',
    });
    if (r.status !== 0) {
      rmSync(aside, { recursive: true, force: true });
      throw new Error(`renderer build failed: ${r.stderr || r.stdout}`);
    }
    try {
      renameSync(aside, out);
    } catch {
      rmSync(aside, { recursive: true, force: true }); // another test process was first: same sources, same bundle
    }
  }
  for (const e of readdirSync(tmpdir())) {
    const p = join(tmpdir(), e);
    try {
      if (e.startsWith(BUNDLE_PREFIX) && p !== out && Date.now() - statSync(p).mtimeMs > STALE_MS) rmSync(p, { recursive: true, force: true });
    } catch {
      // removed by another test process meanwhile
    }
  }
  built = out;
  return out;
}

export interface Host {
  url: string;
  port: number;
  token: string;
  proc: Running;
  stop(): Promise<void>;
}

/** cheap scrypt for tests only (the engine's default cost stays for users) */
export const TEST_ENV = { CONFAB_TEST_KDF_N: '1024' };

export async function startHost(opts: { dataDir: string; passphrase?: string; port?: number; env?: Record<string, string> }): Promise<Host> {
  const staticDir = buildRenderer();
  const port = opts.port ?? (await freePort());
  const args = ['--import', 'tsx', join(ROOT, 'web/main.ts'), '--data', opts.dataDir, '--port', String(port), '--static', staticDir];
  if (opts.passphrase !== undefined) {
    const f = join(opts.dataDir, '..', `pass-${port}.txt`);
    writeFileSync(f, opts.passphrase + '\n', { mode: 0o600 });
    args.push('--passphrase-file', f);
  }
  const proc = startProcess(process.execPath, args, { cwd: ROOT, env: { ...process.env, ...TEST_ENV, ...opts.env } });
  await waitForOutput(proc, /Confab is ready: (\S+)/, 60_000);
  const url = /Confab is ready: (\S+)/.exec(proc.output())![1]!;
  const token = /#token=([0-9a-f]+)/.exec(url)![1]!;
  return { url, port, token, proc, stop: () => proc.stop() };
}
