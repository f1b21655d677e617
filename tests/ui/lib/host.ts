/**
 * Test helpers: the renderer bundle built once per test process, and the REAL web host
 * (`tsx web/main.ts`, which starts the real engine process) on a random loopback port.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { freePort, startProcess, tempDir, waitForOutput, type Running } from '../../harness/util';

export const ROOT = fileURLToPath(new URL('../../../', import.meta.url));

let built: string | null = null;

/** vite build of renderer/ into a temp folder of this test process (files in parallel never share one) */
export function buildRenderer(): string {
  if (built && existsSync(join(built, 'index.html'))) return built;
  const out = tempDir('renderer').path;
  const r = spawnSync(join(ROOT, 'node_modules/.bin/vite'), ['build', '--config', 'build/vite.renderer.config.ts', '--outDir', out, '--emptyOutDir'], {
    cwd: ROOT,
    encoding: 'utf8',
  });
  if (r.status !== 0) throw new Error(`renderer build failed: ${r.stderr || r.stdout}`);
  built = out;
  process.once('exit', () => rmSync(out, { recursive: true, force: true }));
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
