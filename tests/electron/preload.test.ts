// The preload as shipped (the esbuild bundle), run in a VM with a recording stand-in for the two
// Electron objects it may touch: what the page gets (window.confab and nothing else), which channels
// it sends and listens on, and how frames, notification clicks and connection changes travel.
import { readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import vm from 'node:vm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bundleElectron } from '../../build/bundle-electron.mjs';
import { CHANNELS, MAIN_TO_RENDERER, RENDERER_TO_MAIN } from '../../electron/channels';

const root = join(import.meta.dirname, '..', '..');
const out = join(root, 'dist', `electron-preload-test-${process.pid}`);
let code = '';
beforeAll(async () => {
  await bundleElectron({ outDir: out });
  code = readFileSync(join(out, 'preload.cjs'), 'utf8');
}, 120_000);
afterAll(() => rmSync(out, { recursive: true, force: true }));

type Fn = (...a: unknown[]) => unknown;
interface Api {
  call(cmd: string, input: unknown): Promise<{ ok: boolean; value?: unknown; error?: { code: string } }>;
  on(event: string, fn: (p: unknown) => void): () => void;
  onBatch(fn: (e: unknown[]) => void): () => void;
  openExternal(url: unknown): void;
  notify(n: unknown, onClick: () => void): void;
  onConnection(fn: (up: boolean) => void): () => void;
}

function loadPreload() {
  const exposed: Record<string, unknown> = {};
  const sent: unknown[][] = [];
  const listeners = new Map<string, Fn>();
  const required: string[] = [];
  const electron = {
    contextBridge: { exposeInMainWorld: (key: string, api: unknown) => void (exposed[key] = api) },
    ipcRenderer: {
      send: (...a: unknown[]) => void sent.push(a),
      on: (ch: string, fn: Fn) => void listeners.set(ch, fn),
    },
  };
  const req = (m: string) => {
    required.push(m);
    if (m === 'electron') return electron;
    throw new Error(`the preload required ${m}`);
  };
  const fn = vm.runInNewContext(`(function (require, module, exports) {${code}\n})`, { setTimeout, clearTimeout, console }) as (r: unknown, m: unknown, e: unknown) => void;
  const mod = { exports: {} };
  fn(req, mod, mod.exports);
  const deliver = (ch: string, payload: unknown) => listeners.get(ch)!({ sender: 'main' }, payload);
  return { exposed, sent, listeners, required, deliver, api: exposed.confab as Api };
}

describe('preload (bundled)', () => {
  it('exposes window.confab and nothing else; requires only electron', () => {
    const p = loadPreload();
    expect(Object.keys(p.exposed)).toEqual(['confab']);
    expect(Object.keys(p.api).sort()).toEqual(['call', 'notify', 'on', 'onBatch', 'onConnection', 'openExternal']);
    expect(Object.values(p.api).every((v) => typeof v === 'function')).toBe(true);
    expect([...new Set(p.required)]).toEqual(['electron']);
    expect([...p.listeners.keys()].sort()).toEqual([...MAIN_TO_RENDERER].sort());
  });

  it('sends commands as request frames and resolves them with the matching response', async () => {
    const p = loadPreload();
    const pending = p.api.call('engine.ping', {});
    const [ch, frame] = p.sent[0]!;
    expect(ch).toBe(CHANNELS.request);
    expect(frame).toMatchObject({ t: 'req', cmd: 'engine.ping', input: {} });
    const id = (frame as { id: number }).id;
    p.deliver(CHANNELS.frame, { t: 'res', id: id + 100, reply: { ok: true, value: 'not mine' } });
    p.deliver(CHANNELS.frame, { t: 'res', id, reply: { ok: true, value: { pid: 1, version: 'x' } } });
    await expect(pending).resolves.toEqual({ ok: true, value: { pid: 1, version: 'x' } });
  });

  it('delivers event batches and ignores garbage frames', () => {
    const p = loadPreload();
    const got: unknown[] = [];
    const batches: unknown[][] = [];
    const off = p.api.on('status.changed', (x) => got.push(x));
    p.api.onBatch((b) => batches.push(b));
    for (const junk of [null, 'x', 42, { t: 'req', id: 1, cmd: 'engine.shutdown' }, { t: 'hello' }]) p.deliver(CHANNELS.frame, junk);
    p.deliver(CHANNELS.frame, { t: 'evt', events: [{ type: 'status.changed', payload: { show: 'dnd' } }] });
    off();
    p.deliver(CHANNELS.frame, { t: 'evt', events: [{ type: 'status.changed', payload: { show: 'away' } }] });
    expect(got).toEqual([{ show: 'dnd' }]);
    expect(batches).toHaveLength(2);
  });

  it('forwards links and notifications on their fixed channels; a click runs the page callback once', () => {
    const p = loadPreload();
    p.api.openExternal('https://example.org/');
    p.api.openExternal(42);
    p.api.openExternal('https://example.org/' + 'a'.repeat(5000));
    let clicks = 0;
    p.api.notify({ messageId: 'm1', conversationId: 'c1' }, () => void clicks++);
    p.api.notify({ conversationId: 'c1' }, () => void clicks++);
    expect(p.sent).toEqual([
      [CHANNELS.openExternal, 'https://example.org/'],
      [CHANNELS.notify, 'm1'],
    ]);
    p.deliver(CHANNELS.notifyClick, 'm1');
    p.deliver(CHANNELS.notifyClick, 'm1');
    p.deliver(CHANNELS.notifyClick, { toString: () => 'm1' });
    expect(clicks).toBe(1);
    for (const [ch] of p.sent) expect(RENDERER_TO_MAIN).toContain(ch);
  });

  it('tells the page when the engine goes away and comes back', () => {
    const p = loadPreload();
    const seen: boolean[] = [];
    p.api.onConnection((up) => seen.push(up));
    p.deliver(CHANNELS.connection, false);
    p.deliver(CHANNELS.connection, true);
    p.deliver(CHANNELS.connection, 'yes');
    expect(seen).toEqual([false, true, false]);
  });
});
