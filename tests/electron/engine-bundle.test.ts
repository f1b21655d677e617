// The engine bundle the desktop app ships (dist/electron/engine.cjs, built here with the real
// esbuild config) boots behind the utilityProcess IPC shim and answers contract commands. Electron's
// utilityProcess is stood in for by a Node child whose process.parentPort speaks JSON lines.
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bundleElectron } from '../../build/bundle-electron.mjs';
import { tempDir } from '../harness/util';

const root = join(import.meta.dirname, '..', '..');
const data = tempDir('electron-engine');
let child: ChildProcess | null = null;

// inside the repository (dist/ is ignored), so the bundle finds node_modules like the shipped one
const out = join(root, 'dist', `electron-test-${process.pid}`);
beforeAll(async () => {
  // its own output folder: test files run in parallel
  await bundleElectron({ outDir: out });
}, 120_000);
afterAll(async () => {
  if (child && child.exitCode === null) {
    child.kill('SIGKILL');
    await new Promise((r) => child!.once('exit', r));
  }
  data.remove();
  rmSync(out, { recursive: true, force: true });
});

describe('engine bundle in a utilityProcess-like host', () => {
  it('bundles main, preload and engine; the preload needs nothing but electron at run time', async () => {
    for (const f of ['main.cjs', 'preload.cjs', 'engine.cjs']) expect(existsSync(join(out, f))).toBe(true);
    const { readFileSync } = await import('node:fs');
    const preload = readFileSync(join(out, 'preload.cjs'), 'utf8');
    const required = new Set([...preload.matchAll(/require\("([^"]+)"\)/g)].map((m) => m[1]));
    expect([...required]).toEqual(['electron']);
  });

  it('says hello through process.parentPort and answers engine.ping and archive.status', async () => {
    child = spawn(process.execPath, ['--import', join(import.meta.dirname, 'fixtures', 'fake-parent-port.mjs'), join(out, 'engine.cjs'), '--data', data.path], {
      stdio: ['pipe', 'pipe', 'pipe'],
      env: { ...process.env, CONFAB_LOG: 'error' },
    });
    let stderr = '';
    child.stderr!.on('data', (d: Buffer) => (stderr += d.toString()));
    const frames: Array<Record<string, unknown>> = [];
    const waiters: Array<() => void> = [];
    createInterface({ input: child.stdout! }).on('line', (l) => {
      try {
        frames.push(JSON.parse(l));
      } catch {
        return;
      }
      for (const w of waiters.splice(0)) w();
    });
    const next = async (pred: (f: Record<string, unknown>) => boolean) => {
      const end = Date.now() + 30_000;
      for (;;) {
        const f = frames.find(pred);
        if (f) return f;
        if (child!.exitCode !== null) throw new Error(`engine exited (${child!.exitCode}): ${stderr.slice(-2000)}`);
        if (Date.now() > end) throw new Error(`no frame: ${stderr.slice(-2000)}`);
        await new Promise<void>((r) => {
          waiters.push(r);
          setTimeout(r, 200);
        });
      }
    };
    const hello = await next((f) => f.t === 'hello');
    expect(hello.pid).toBe(child.pid);
    child.stdin!.write(JSON.stringify({ t: 'req', id: 1, cmd: 'engine.ping', input: {} }) + '\n');
    const pong = await next((f) => f.t === 'res' && f.id === 1);
    expect(pong.reply).toMatchObject({ ok: true, value: { pid: child.pid } });
    child.stdin!.write(JSON.stringify({ t: 'req', id: 2, cmd: 'archive.status', input: {} }) + '\n');
    const st = await next((f) => f.t === 'res' && f.id === 2);
    expect(st.reply).toMatchObject({ ok: true, value: { state: 'none' } });
    // an orderly shutdown ends the process
    child.stdin!.write(JSON.stringify({ t: 'req', id: 3, cmd: 'engine.shutdown', input: {} }) + '\n');
    const code = await new Promise<number | null>((r) => child!.once('exit', (c) => r(c)));
    expect(code).toBe(0);
  });
});
