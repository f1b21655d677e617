/**
 * Runs the real `confab` command (cli/bin/confab.mjs) as a child process for the CLI tests, each test
 * file with its own temp folder, data folder and passphrase file.
 */
import { spawn } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect } from 'vitest';
import { tempDir } from '../harness/util';

export const ROOT = join(import.meta.dirname, '..', '..');
export const BIN = join(ROOT, 'cli', 'bin', 'confab.mjs');
export const FIX = join(import.meta.dirname, 'fixtures');
export const PASS = 'correct horse battery staple';

export interface Run { code: number | null; stdout: string; stderr: string }

export function cliSandbox(name: string) {
  const tmp = tempDir(name);
  const data = join(tmp.path, 'data');
  const passFile = join(tmp.path, 'pass.txt');
  writeFileSync(passFile, PASS + '\n', { mode: 0o600 });
  const baseEnv: NodeJS.ProcessEnv = { PATH: process.env.PATH, HOME: tmp.path, TZ: 'UTC', CONFAB_TEST_KDF_N: '1024' };

  /** fileSizeKb: run under `ulimit -f` with SIGXFSZ ignored, so writes past the limit fail with EFBIG like on a full disk */
  function confab(args: string[], opts: { env?: NodeJS.ProcessEnv; fileSizeKb?: number } = {}): Promise<Run> {
    const env = { ...baseEnv, ...opts.env };
    const [cmd, argv] = opts.fileSizeKb !== undefined
      ? ['bash', ['-c', `trap '' XFSZ; ulimit -f ${opts.fileSizeKb}; exec "${process.execPath}" "$0" "$@"`, BIN, ...args]]
      : [process.execPath, [BIN, ...args]];
    return new Promise((resolve, reject) => {
      const child = spawn(cmd, argv as string[], { env, cwd: tmp.path, stdio: ['ignore', 'pipe', 'pipe'] });
      let stdout = '', stderr = '';
      child.stdout.on('data', (d: Buffer) => { stdout += d; });
      child.stderr.on('data', (d: Buffer) => { stderr += d; });
      child.on('error', reject);
      child.on('close', (code) => resolve({ code, stdout, stderr }));
    });
  }
  const withPass = (args: string[]) => ['--data', data, '--passphrase-file', passFile, ...args];
  const json = <T = Record<string, unknown>>(r: Run): T => { expect(r.stderr.replace(/confab: created.*\n/, '')).toBe(''); return JSON.parse(r.stdout) as T; };
  return { tmp, data, passFile, confab, withPass, json };
}
