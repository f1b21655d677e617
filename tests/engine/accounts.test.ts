// Accounts and the reconnect policy against a real Prosody, and the engine as a real child process
// (engine/client.ts) surviving kill -9 with a queued message.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CommandInput, CommandName, CommandOutput } from '../../contract/index';
import { unwrap } from '../../contract/index';
import { Engine } from '../../core/engine/index';
import { silentLogger } from '../../core/util/logger';
import { startEngineProcess, type EngineProcess } from '../../engine/client';
import { builtinProtocols } from '../../protocols/registry';
import { xmppProtocol } from '../../protocols/xmpp/index';
import { createDispatcher, type AnyEvent } from '../../contract/index';
import { startProsody, type ProsodyServer } from '../harness/prosody';
import { tempDir } from '../harness/util';
import { PASSPHRASE, startPeer, startTestEngine, until, xmppAccountConfig, type TestEngine } from './helpers';

let server: ProsodyServer;
const dirs: { remove(): void }[] = [];
const closers: (() => Promise<unknown>)[] = [];
const newDir = () => {
  const d = tempDir('confab-engine-acc-');
  dirs.push(d);
  return d.path;
};

beforeAll(async () => {
  server = await startProsody();
});
afterAll(async () => {
  for (const c of closers.reverse()) await c().catch(() => {});
  await server?.stop();
  for (const d of dirs) d.remove();
});

async function engine(): Promise<TestEngine> {
  const t = await startTestEngine(newDir());
  closers.push(() => t.close());
  return t;
}

describe('accounts', () => {
  it('validates the config against the descriptor fields and keeps passwords out of every reply', async () => {
    const t = await engine();
    const bad = await t.raw('accounts.add', { protocol: 'xmpp', config: { jid: 'not a jid', password: '' } });
    expect(bad.ok).toBe(false);
    if (!bad.ok) {
      expect(bad.error.code).toBe('invalid');
      expect(Object.keys(bad.error.fields ?? {})).toEqual(expect.arrayContaining(['jid', 'password']));
    }
    expect((await t.raw('accounts.add', { protocol: 'nope', config: {} })).ok).toBe(false);
    const u = await server.createUser(`val${Date.now() % 100000}`);
    const a = await t.call('accounts.add', { protocol: 'xmpp', config: xmppAccountConfig(server, u) });
    expect(a.config['password']).toBeUndefined();
    expect(a.secretsSet).toContain('password');
    expect(JSON.stringify(await t.call('accounts.list', {}))).not.toContain(u.password);
    expect(JSON.stringify(t.events)).not.toContain(u.password);
    await t.waitEvent('accounts.changed', (x) => x.id === a.id && x.state === 'online');
    // an edit that leaves the password empty keeps the stored one
    await t.call('accounts.update', { id: a.id, config: { password: '', resource: 'edited' } });
    await t.waitEvent('accounts.changed', (x) => x.id === a.id && x.state === 'online' && x.config['resource'] === 'edited');
  });

  it('a wrong password fails once, visibly, without retries', async () => {
    const t = await engine();
    const u = await server.createUser(`wp${Date.now() % 100000}`);
    const a = await t.call('accounts.add', { protocol: 'xmpp', config: xmppAccountConfig(server, u, { password: 'wrong-password' }) });
    const failed = await t.waitEvent('accounts.changed', (x) => x.id === a.id && x.state === 'failed');
    expect(failed.error).toMatchObject({ kind: 'auth', fatal: true });
    expect(failed.nextRetryAt).toBeUndefined();
    const attempts = () => t.events.filter((e) => e.type === 'accounts.changed' && e.payload.id === a.id && e.payload.state === 'connecting').length;
    const before = attempts();
    // the policy's base delay in tests is 200 ms: a retry would have happened several times by now
    await new Promise((r) => setTimeout(r, 1500));
    expect(attempts()).toBe(before);
    expect((await t.call('accounts.list', {})).find((x) => x.id === a.id)?.state).toBe('failed');
  });

  it('while the server is down the account waits with backoff; "network up" retries at once', async () => {
    const dir = newDir();
    const events: AnyEvent[] = [];
    // a long backoff: only host.networkUp can bring it back within the test
    const e = new Engine({ dataDir: dir, registry: builtinProtocols, log: silentLogger, emit: (x) => void events.push(x), kdf: { N: 1024 }, backoff: { baseMs: 120_000, maxMs: 120_000, factor: 2, jitter: 0 } });
    closers.push(() => e.shutdown());
    const d = createDispatcher(e.handlers);
    const call = async <K extends CommandName>(cmd: K, input: CommandInput<K>) => unwrap(await d(cmd, input)) as CommandOutput<K>;
    await call('archive.create', { passphrase: PASSPHRASE });
    const u = await server.createUser(`nu${Date.now() % 100000}`);
    const a = await call('accounts.add', { protocol: 'xmpp', config: xmppAccountConfig(server, u) });
    const state = async () => (await call('accounts.list', {})).find((x) => x.id === a.id)!;
    await until(async () => (await state()).state === 'online', 'online');
    await server.restart();
    const waiting = await until(async () => {
      const s = await state();
      return s.state === 'reconnecting' && s.nextRetryAt ? s : null;
    }, 'waiting to reconnect');
    expect(waiting.nextRetryAt! - Date.now()).toBeGreaterThan(60_000);
    expect(waiting.error?.kind).toBe('network');
    await call('host.networkUp', {});
    await until(async () => (await state()).state === 'online', 'online again after network up');
  });

  it('a message too large for the network fails at once; the connection stays up', async () => {
    const t = await engine();
    const u = await server.createUser(`big${Date.now() % 100000}`);
    const a = await t.call('accounts.add', { protocol: 'xmpp', config: xmppAccountConfig(server, u) });
    const online = await t.waitEvent('accounts.changed', (x) => x.id === a.id && x.state === 'online');
    const conv = await t.call('conversations.open', { accountId: a.id, kind: 'direct', address: server.users.bob.jid });
    // two bytes per character: over the byte limit, within the command's character limit
    const big = 'é'.repeat(Math.ceil((online.caps!.maxMessageBytes + 1) / 2));
    const m = await t.call('messages.send', { conversationId: conv.id, body: big });
    const upd = await t.waitEvent('messages.updated', (x) => x.id === m.id && x.state === 'failed');
    expect(upd.error).toMatch(/too long|too large/);
    const small = await t.call('messages.send', { conversationId: conv.id, body: 'still connected' });
    await t.waitEvent('messages.updated', (x) => x.id === small.id && x.state === 'sent');
    expect(t.events.filter((e) => e.type === 'accounts.changed' && e.payload.id === a.id && e.payload.state === 'reconnecting')).toHaveLength(0);
  });
});

describe('engine process', () => {
  it('a queued message survives kill -9 of the engine and is sent once after the restart', async () => {
    const dir = newDir();
    const u = await server.createUser(`k9${Date.now() % 100000}`);
    const v = await server.createUser(`k9peer${Date.now() % 100000}`);
    const env = { CONFAB_TEST_KDF_N: '1024' };
    let p: EngineProcess = startEngineProcess({ dataDir: dir, env, stderr: 'ignore' });
    closers.push(() => p.close());
    unwrap(await p.call('archive.create', { passphrase: PASSPHRASE }));
    const a = unwrap(await p.call('accounts.add', { protocol: 'xmpp', config: xmppAccountConfig(server, u), enabled: false }));
    const conv = unwrap(await p.call('conversations.open', { accountId: a.id, kind: 'direct', address: v.jid }));
    const m = unwrap(await p.call('messages.send', { conversationId: conv.id, body: 'survives kill -9' }));
    expect(m.state).toBe('queued');
    p.kill('SIGKILL');
    await p.exited;

    p = startEngineProcess({ dataDir: dir, env, stderr: 'ignore' });
    expect((await p.call('archive.status', {})).ok).toBe(true);
    unwrap(await p.call('archive.unlock', { passphrase: PASSPHRASE }));
    // the server's ack makes it 'sent' (a receipt could make it 'delivered' right after)
    const sent = new Promise<void>((resolve) => p.on('messages.updated', (x) => x.id === m.id && ['sent', 'delivered', 'read'].includes(x.state ?? '') && resolve()));
    unwrap(await p.call('accounts.update', { id: a.id, enabled: true }));
    await sent;
    const peer = await startPeer(xmppProtocol, xmppAccountConfig(server, v, { resource: 'k9' }));
    closers.push(() => peer.close());
    const copies = async () => (await peer.adapter.history!.fetchHistory({ kind: 'direct', id: u.jid }, { limit: 50 })).messages.filter((x) => x.body === 'survives kill -9').length;
    await until(async () => (await copies()) > 0, 'the message in the peer archive', 20_000);
    expect(await copies()).toBe(1);
  });
});
