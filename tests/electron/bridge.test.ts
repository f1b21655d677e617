import { describe, expect, it } from 'vitest';
import { createBridge } from '../../electron/bridge';
import { APP_ENTRY } from '../../electron/security';
import type { Reply } from '../../contract/reply';

const good = { webContentsId: 3, frameUrl: APP_ENTRY, isMainFrame: true };

function setup() {
  const calls: Array<{ cmd: string; input: unknown }> = [];
  const refused: string[] = [];
  const bridge = createBridge({
    trustedWebContentsIds: new Set([3]),
    call: async (cmd, input): Promise<Reply<unknown>> => {
      calls.push({ cmd, input });
      return { ok: true, value: { pid: 1, version: 'test' } };
    },
    onRefused: (r) => refused.push(r),
  });
  return { bridge, calls, refused };
}

describe('renderer → engine bridge', () => {
  it('forwards a valid command from our window and answers with its id', async () => {
    const { bridge, calls } = setup();
    const out = await bridge(good, { t: 'req', id: 9, cmd: 'engine.ping', input: {} });
    expect(out).toEqual({ kind: 'reply', frame: { t: 'res', id: 9, reply: { ok: true, value: { pid: 1, version: 'test' } } } });
    expect(calls).toEqual([{ cmd: 'engine.ping', input: {} }]);
  });

  it('drops messages from any other sender without an answer', async () => {
    const { bridge, calls, refused } = setup();
    for (const s of [
      { ...good, webContentsId: 4 },
      { ...good, isMainFrame: false },
      { ...good, frameUrl: 'https://evil.example/' },
      { ...good, frameUrl: undefined },
    ]) {
      expect(await bridge(s, { t: 'req', id: 1, cmd: 'engine.ping', input: {} })).toEqual({ kind: 'dropped', reason: 'untrusted sender' });
    }
    expect(calls).toEqual([]);
    expect(refused).toHaveLength(4);
  });

  it('never forwards host-only commands (the key material) from the window', async () => {
    const { bridge, calls } = setup();
    for (const cmd of ['archive.exportKey', 'archive.addSealedSlot', 'archive.sealedBlob', 'archive.removeSlot', 'engine.shutdown']) {
      const out = await bridge(good, { t: 'req', id: 2, cmd, input: { name: 'x', blobBase64: 'AA==', slotId: 'x' } });
      expect(out.kind).toBe('reply');
      if (out.kind === 'reply' && out.frame.t === 'res') expect(out.frame.reply).toMatchObject({ ok: false, error: { code: 'invalid' } });
    }
    expect(calls).toEqual([]);
  });

  it('refuses unknown commands, bad input and malformed frames', async () => {
    const { bridge, calls } = setup();
    const unknown = await bridge(good, { t: 'req', id: 5, cmd: 'fs.readFile', input: {} });
    expect(unknown).toMatchObject({ kind: 'reply', frame: { id: 5, reply: { ok: false, error: { code: 'invalid' } } } });
    const proto = await bridge(good, { t: 'req', id: 6, cmd: '__proto__', input: {} });
    expect(proto).toMatchObject({ kind: 'reply', frame: { id: 6, reply: { ok: false } } });
    const badInput = await bridge(good, { t: 'req', id: 7, cmd: 'archive.create', input: { passphrase: 'short' } });
    expect(badInput).toMatchObject({ kind: 'reply', frame: { id: 7, reply: { ok: false, error: { code: 'invalid' } } } });
    for (const raw of [null, 'req', { t: 'res', id: 1 }, { t: 'req', id: -1, cmd: 'engine.ping' }, { t: 'req', id: 1.5, cmd: 'engine.ping' }, { t: 'req', id: 1, cmd: 'x'.repeat(500) }]) {
      expect((await bridge(good, raw)).kind).toBe('dropped');
    }
    expect(calls).toEqual([]);
  });

  it('answers an oversized frame with an error instead of passing it on', async () => {
    const { bridge, calls } = setup();
    const out = await bridge(good, { t: 'req', id: 8, cmd: 'search.query', input: { query: 'x'.repeat(2 * 1024 * 1024) } });
    expect(out).toMatchObject({ kind: 'reply', frame: { id: 8, reply: { ok: false, error: { code: 'invalid', message: 'request too large' } } } });
    expect(calls).toEqual([]);
  });

  it('turns an engine failure into an error reply', async () => {
    const bridge = createBridge({ trustedWebContentsIds: new Set([3]), call: async () => { throw new Error('engine gone'); } });
    expect(await bridge(good, { t: 'req', id: 1, cmd: 'engine.ping', input: {} })).toEqual({ kind: 'reply', frame: { t: 'res', id: 1, reply: { ok: false, error: { code: 'internal', message: 'engine gone' } } } });
  });
});
