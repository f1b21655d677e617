// File sharing through the engine (files.upload*) against a real Prosody with its XEP-0363 upload
// service (http_file_share): the peer receives the link as body + OOB data and the file behind it is
// byte-identical; chunks out of order, too much data and networks without upload are clear errors.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AccountDTO, ConversationDTO } from '../../contract/index';
import { UPLOAD_CHUNK_BASE64 } from '../../contract/index';
import { xmppProtocol } from '../../protocols/xmpp/index';
import { startProsody, type ProsodyServer } from '../harness/prosody';
import type { TimerApi } from '../../core/engine/reconnect';
import type { AdapterListener } from '../../core/protocol/types';
import { tempDir } from '../harness/util';
import { startInProcessEngine, stubProtocol, type InProcessEngine } from '../reliability/lib';
import { startPeer, startTestEngine, until, xmppAccountConfig, type Peer, type TestEngine } from './helpers';

let server: ProsodyServer;
let t: TestEngine;
let account: AccountDTO;
let bob: Peer;
let conv: ConversationDTO;
const dir = tempDir('confab-files-');

beforeAll(async () => {
  server = await startProsody();
  t = await startTestEngine(dir.path);
  account = await t.call('accounts.add', { protocol: 'xmpp', config: xmppAccountConfig(server, server.users.alice) });
  await t.waitEvent('accounts.changed', (a) => a.id === account.id && a.state === 'online');
  bob = await startPeer(xmppProtocol, xmppAccountConfig(server, server.users.bob, { resource: 'filepeer' }));
  await bob.adapter.setPresence({ show: 'available' });
  conv = await t.call('conversations.open', { accountId: account.id, kind: 'direct', address: server.users.bob.jid });
});
afterAll(async () => {
  await bob?.close();
  await t?.close();
  await server?.stop();
  dir.remove();
});

/** sends `data` in chunks of at most UPLOAD_CHUNK_BASE64 base64 characters */
async function uploadAll(uploadId: string, data: Buffer) {
  const raw = (UPLOAD_CHUNK_BASE64 / 4) * 3;
  for (let off = 0; off < data.length; off += raw) {
    await t.call('files.uploadChunk', { uploadId, offset: off, dataBase64: data.subarray(off, off + raw).toString('base64') });
  }
}

describe('files.upload* (engine + Prosody http_file_share)', () => {
  it('the peer receives the link, and the file behind it is byte-identical', async () => {
    const data = Buffer.from(Uint8Array.from({ length: 1_000_003 }, (_, i) => (i * 131 + (i >> 9)) % 256));
    const { uploadId } = await t.call('files.uploadBegin', { conversationId: conv.id, name: 'holiday photos.bin', mime: 'application/octet-stream', size: data.length });
    await uploadAll(uploadId, data);
    const since = bob.events.length;
    const m = await t.call('files.uploadFinish', { uploadId });
    expect(m.direction).toBe('out');
    expect(m.oobUrl).toBe(m.body);
    expect(m.body).toMatch(/^https?:\/\/127\.0\.0\.1[:/]|^https?:\/\/localhost[:/]|^https?:\/\/upload\./);
    const got = await bob.waitFor('message', (e) => e.message.body === m.body, { since });
    expect(got.message.oobUrl).toBe(m.body);
    const res = await fetch(got.message.oobUrl!);
    expect(res.ok).toBe(true);
    expect(Buffer.compare(Buffer.from(await res.arrayBuffer()), data)).toBe(0);
    // the link is in our own history too, and moves on through the delivery states like any message
    await t.waitEvent('messages.updated', (u) => u.id === m.id && (u.state === 'sent' || u.state === 'delivered'));
    const page = await t.call('messages.page', { conversationId: conv.id, limit: 10 });
    expect(page.messages.find((x) => x.id === m.id)?.oobUrl).toBe(m.body);
  });

  it('refuses chunks out of order, more data than declared, finishing early, and unknown uploads', async () => {
    const { uploadId } = await t.call('files.uploadBegin', { conversationId: conv.id, name: 'a.txt', mime: 'text/plain', size: 10 });
    const gap = await t.raw('files.uploadChunk', { uploadId, offset: 5, dataBase64: Buffer.from('hello').toString('base64') });
    expect(gap).toMatchObject({ ok: false, error: { code: 'invalid', message: expect.stringContaining('expected offset 0') } });
    await t.call('files.uploadChunk', { uploadId, offset: 0, dataBase64: Buffer.from('hello').toString('base64') });
    const early = await t.raw('files.uploadFinish', { uploadId });
    expect(early).toMatchObject({ ok: false, error: { code: 'invalid', message: expect.stringContaining('5 of 10') } });
    const over = await t.raw('files.uploadChunk', { uploadId, offset: 5, dataBase64: Buffer.from('world, and more').toString('base64') });
    expect(over).toMatchObject({ ok: false, error: { code: 'invalid' } });
    // too much data cancels the upload
    expect(await t.raw('files.uploadFinish', { uploadId })).toMatchObject({ ok: false, error: { code: 'not-found' } });
    const { uploadId: u2 } = await t.call('files.uploadBegin', { conversationId: conv.id, name: 'b.txt', mime: 'text/plain', size: 3 });
    await t.call('files.uploadCancel', { uploadId: u2 });
    expect(await t.raw('files.uploadChunk', { uploadId: u2, offset: 0, dataBase64: 'YWJj' })).toMatchObject({ ok: false, error: { code: 'not-found' } });
  });

  it('a file above the server limit is refused by the server check, nothing is sent', async () => {
    const size = 10 * 1024 * 1024 + 1; // the harness sets http_file_share_size_limit = 10 MiB
    const { uploadId } = await t.call('files.uploadBegin', { conversationId: conv.id, name: 'big.bin', mime: 'application/octet-stream', size });
    await uploadAll(uploadId, Buffer.alloc(size, 7));
    const before = t.events.filter((e) => e.type === 'messages.added').length;
    const r = await t.raw('files.uploadFinish', { uploadId });
    expect(r).toMatchObject({ ok: false, error: { code: 'protocol' } });
    expect(t.events.filter((e) => e.type === 'messages.added').length).toBe(before);
  });

  it('an account whose network has no file upload (IRC) refuses at once', async () => {
    const irc = await t.call('accounts.add', { protocol: 'irc', enabled: false, config: { server: '127.0.0.1', port: 6667, tls: false, nick: 'nofiles' } });
    const c = await t.call('conversations.open', { accountId: irc.id, kind: 'direct', address: 'someone' });
    const r = await t.raw('files.uploadBegin', { conversationId: c.id, name: 'x', mime: 'text/plain', size: 1 });
    expect(r).toMatchObject({ ok: false, error: { code: 'unsupported' } });
  });
});

describe('an idle upload (stub protocol, timers played by the test)', () => {
  const listeners = new Map<string, AdapterListener>();
  const uploaded: Uint8Array[] = [];
  const stub = stubProtocol(listeners, {
    files: {
      upload: async (_conv, file) => {
        uploaded.push(file.data);
        return { url: `https://files.example/${uploaded.length}` };
      },
    },
  });
  // the engine's timers: nothing fires unless the test says so
  const pending = new Map<number, { fn: () => void; ms: number }>();
  let next = 0;
  const timers: TimerApi = { set: (fn, ms) => (pending.set(++next, { fn, ms }), next), clear: (h) => void pending.delete(h as number) };
  const fire = (ms: number) => {
    for (const [h, p] of [...pending]) {
      if (p.ms !== ms) continue;
      pending.delete(h);
      p.fn();
    }
  };
  let e: InProcessEngine;
  const d = tempDir('confab-files-stub-');
  beforeAll(async () => {
    e = await startInProcessEngine(d.path, [stub], { timers });
  });
  afterAll(async () => {
    await e?.engine.shutdown();
    d.remove();
  });

  it('is forgotten after 5 minutes without a chunk; an active one is not', async () => {
    const a = await e.call('accounts.add', { protocol: 'stub', config: { name: 'a' } });
    await until(async () => (await e.call('accounts.list', {}))[0]?.state === 'online', 'stub online');
    const c = await e.call('conversations.open', { accountId: a.id, kind: 'direct', address: 'peer' });
    const idle = await e.call('files.uploadBegin', { conversationId: c.id, name: 'idle.txt', mime: 'text/plain', size: 4 });
    const busy = await e.call('files.uploadBegin', { conversationId: c.id, name: 'busy.txt', mime: 'text/plain', size: 4 });
    await e.call('files.uploadChunk', { uploadId: busy.uploadId, offset: 0, dataBase64: Buffer.from('ab').toString('base64') });
    expect([...pending.values()].filter((p) => p.ms === 5 * 60_000)).toHaveLength(2);
    // five minutes pass for the idle one only (each chunk restarts its upload's clock)
    const idleTimer = [...pending].find(([, p]) => p.ms === 5 * 60_000)!;
    pending.delete(idleTimer[0]);
    idleTimer[1].fn();
    expect(await e.call('files.uploadChunk', { uploadId: busy.uploadId, offset: 2, dataBase64: Buffer.from('cd').toString('base64') })).toBeNull();
    const r = await tryChunk(e, idle.uploadId);
    expect(r).toMatchObject({ ok: false, error: { code: 'not-found', message: expect.stringContaining('idle') } });
    const m = await e.call('files.uploadFinish', { uploadId: busy.uploadId });
    expect(m).toMatchObject({ body: 'https://files.example/1', oobUrl: 'https://files.example/1' });
    expect(Buffer.from(uploaded[0]!).toString()).toBe('abcd');
    fire(5 * 60_000); // nothing left to forget: no error
  });
});

/** a chunk for the upload, its reply as data (ok or the error code and message) */
async function tryChunk(e: InProcessEngine, uploadId: string) {
  try {
    return { ok: true, value: await e.call('files.uploadChunk', { uploadId, offset: 0, dataBase64: 'YWJj' }) };
  } catch (err) {
    return { ok: false, error: { code: (err as { code?: string }).code, message: (err as Error).message } };
  }
}
