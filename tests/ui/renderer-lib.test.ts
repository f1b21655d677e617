// Pure renderer modules, in Node: the chunked upload client (against a recording stand-in for the
// engine's files.upload* commands), the own-server rule for image previews, and links in code blocks.
import { describe, expect, it } from 'vitest';
import { UPLOAD_CHUNK_BASE64, commands, type CommandName } from '../../contract';
import { CHUNK_BYTES, toBase64, uploadInChunks, UploadCancelled, type Call } from '../../renderer/lib/upload';
import { isOwnServerUrl } from '../../renderer/lib/ownServer';
import { parseBody } from '../../renderer/lib/text';

function fakeEngine(opts: { onChunk?: (n: number) => void } = {}) {
  const received: Buffer[] = [];
  const log: string[] = [];
  const call = (async (cmd: CommandName, input: unknown) => {
    // every call must pass the contract's own schema, as the web host checks it
    commands[cmd].input.parse(input);
    log.push(cmd);
    if (cmd === 'files.uploadBegin') return { uploadId: 'u1' };
    if (cmd === 'files.uploadChunk') {
      const i = input as { offset: number; dataBase64: string };
      expect(i.offset).toBe(received.reduce((n, b) => n + b.length, 0));
      received.push(Buffer.from(i.dataBase64, 'base64'));
      opts.onChunk?.(received.length);
      return null;
    }
    if (cmd === 'files.uploadFinish') return { id: 'm1', conversationId: 'c1', accountId: 'a1', direction: 'out', kind: 'chat', from: 'me', body: 'https://own/x', time: 1, state: 'queued', oobUrl: 'https://own/x' };
    return null;
  }) as Call;
  return { call, received, log };
}

const bytes = (n: number) => new Uint8Array(n).map((_, i) => (i * 131 + 7) % 256);

describe('chunked upload client', () => {
  it('hands the engine every byte in order, in chunks that fit the contract, then finishes', async () => {
    const data = bytes(CHUNK_BYTES * 2 + 12345);
    const e = fakeEngine();
    const progress: number[] = [];
    const m = await uploadInChunks(e.call, 'c1', new File([data], 'photo.png', { type: 'image/png' }), { onProgress: (n) => progress.push(n) });
    expect(m.oobUrl).toBe('https://own/x');
    expect(Buffer.compare(Buffer.concat(e.received), Buffer.from(data))).toBe(0);
    expect(e.log).toEqual(['files.uploadBegin', 'files.uploadChunk', 'files.uploadChunk', 'files.uploadChunk', 'files.uploadFinish']);
    expect(progress).toEqual([CHUNK_BYTES, CHUNK_BYTES * 2, data.length]);
    expect(toBase64(bytes(CHUNK_BYTES)).length).toBeLessThanOrEqual(UPLOAD_CHUNK_BASE64);
  });

  it('a cancel stops sending chunks and tells the engine', async () => {
    const ac = new AbortController();
    const e = fakeEngine({ onChunk: (n) => n === 1 && ac.abort() });
    await expect(uploadInChunks(e.call, 'c1', new File([bytes(CHUNK_BYTES * 3)], 'big.bin'), { signal: ac.signal })).rejects.toBeInstanceOf(UploadCancelled);
    await Promise.resolve();
    expect(e.log.filter((c) => c === 'files.uploadChunk')).toHaveLength(1);
    expect(e.log).toContain('files.uploadCancel');
    expect(e.log).not.toContain('files.uploadFinish');
  });
});

describe('own server (image previews load by themselves only from there)', () => {
  const own = { domain: 'example.org', hosts: ['127.0.0.1:5280'] };
  it.each([
    ['https://example.org/a.png', true],
    ['https://upload.example.org/a.png', true],
    ['http://127.0.0.1:5280/share/a.png', true],
    ['http://127.0.0.1:5281/a.png', false],
    ['https://example.org.evil.test/a.png', false],
    ['https://notexample.org/a.png', false],
    ['https://example.org@evil.test/a.png', false],
    ['https://user:pw@example.org/a.png', false],
    ['javascript:alert(1)//example.org', false],
    ['not a url', false],
  ])('%s → %s', (url, want) => {
    expect(isOwnServerUrl(url, own)).toBe(want);
  });
});

describe('links inside monospace blocks', () => {
  it('a pasted multi-line snippet keeps its text and layout, its http/https/mailto/xmpp links become links, other schemes stay text', () => {
    const body = 'log:\n  at x (https://ci.example.org/run/1)\n  see mailto:ops@example.org\n  javascript:alert(1)\n  file:///etc/passwd';
    const blocks = parseBody(body);
    const code = blocks.find((b) => b.kind === 'code');
    expect(code?.kind).toBe('code');
    if (code?.kind !== 'code') return;
    expect(code.parts.map((p) => p.text).join('')).toBe(code.text);
    const links = code.parts.filter((p) => p.kind === 'link').map((p) => (p.kind === 'link' ? p.href : ''));
    expect(links).toEqual(['https://ci.example.org/run/1', 'mailto:ops@example.org']);
    const fenced = parseBody('```\nxmpp:room@conference.example.org?join\n```');
    expect(fenced[0]?.kind === 'code' && fenced[0].parts.some((p) => p.kind === 'link' && p.href.startsWith('xmpp:'))).toBe(true);
  });
});
