// Engine behaviour that needs no network: the archive's first run / unlock, search through the
// contract, idle auto-away, and status + settings surviving a restart. (Accounts exist but are
// disabled; messages to them wait in the outbox.)
import { afterAll, describe, expect, it } from 'vitest';
import { tempDir } from '../harness/util';
import { PASSPHRASE, startTestEngine } from './helpers';

const dirs: { remove(): void }[] = [];
afterAll(() => dirs.forEach((d) => d.remove()));
const newDir = () => {
  const d = tempDir('confab-engine-local-');
  dirs.push(d);
  return d.path;
};

const xmppOff = { protocol: 'xmpp', enabled: false, config: { jid: 'me@example.org', password: 'secret-pw-1' } } as const;

describe('engine without network', () => {
  it('first run, wrong passphrase, unlock', async () => {
    const dir = newDir();
    const t = await startTestEngine(dir);
    expect((await t.call('archive.status', {})).state).toBe('unlocked');
    await t.close();
    const t2 = await startTestEngine(newDir(), 'create');
    await t2.close();
    // a locked engine answers `locked`, a wrong passphrase `wrong-key`
    const { Engine } = await import('../../core/engine/index');
    const { createDispatcher } = await import('../../contract/index');
    const { builtinProtocols } = await import('../../protocols/registry');
    const { silentLogger } = await import('../../core/util/logger');
    const e = new Engine({ dataDir: dir, registry: builtinProtocols, log: silentLogger, emit: () => {} });
    const d = createDispatcher(e.handlers);
    expect(await d('archive.status', {})).toMatchObject({ ok: true, value: { state: 'locked' } });
    expect(await d('accounts.list', {})).toMatchObject({ ok: false, error: { code: 'locked' } });
    expect(await d('archive.unlock', { passphrase: 'not the passphrase' })).toMatchObject({ ok: false, error: { code: 'wrong-key' } });
    expect((await d('archive.unlock', { passphrase: PASSPHRASE })).ok).toBe(true);
    await e.shutdown();
  });

  it('search through the contract: grouped hits, snippet parts, a clear error for a malformed query', async () => {
    const t = await startTestEngine(newDir());
    const a = await t.call('accounts.add', xmppOff);
    const c1 = await t.call('conversations.open', { accountId: a.id, kind: 'direct', address: 'bob@example.org' });
    const c2 = await t.call('conversations.open', { accountId: a.id, kind: 'direct', address: 'carol@example.org' });
    await t.call('messages.send', { conversationId: c1.id, body: 'the quarterly report is ready' });
    await t.call('messages.send', { conversationId: c2.id, body: 'did you read the report?' });
    await t.call('messages.send', { conversationId: c1.id, body: 'lunch at noon' });
    const r = await t.call('search.query', { query: 'report' });
    expect(r.hits).toHaveLength(2);
    expect(r.groups.map((g) => g.conversationId).sort()).toEqual([c1.id, c2.id].sort());
    for (const h of r.hits) expect(h.snippet.filter((p) => p.mark).map((p) => p.text.toLowerCase())).toContain('report');
    const bad = await t.raw('search.query', { query: '"unclosed' });
    expect(bad).toMatchObject({ ok: false, error: { code: 'invalid' } });
    await t.close();
  });

  it('idle: auto-away and auto-back, never replacing DND', async () => {
    const t = await startTestEngine(newDir());
    await t.call('settings.set', { idle: { enabled: true, awayAfterMs: 60_000, xaAfterMs: 600_000 } });
    await t.call('host.idle', { idleMs: 120_000 });
    expect(await t.call('status.get', {})).toMatchObject({ show: 'away', auto: true });
    await t.call('host.idle', { idleMs: 700_000 });
    expect((await t.call('status.get', {})).show).toBe('xa');
    await t.call('host.idle', { idleMs: 0 });
    expect(await t.call('status.get', {})).toMatchObject({ show: 'available', auto: false });
    await t.call('status.dnd', {});
    await t.call('host.idle', { idleMs: 9_000_000 });
    expect(await t.call('status.get', {})).toMatchObject({ show: 'dnd', dnd: true, auto: false });
    await t.call('host.idle', { idleMs: 0, locked: true });
    expect((await t.call('status.get', {})).show).toBe('dnd');
    await t.close();
  });

  it('DND until a time, settings and a removed account survive a restart', async () => {
    const dir = newDir();
    const t = await startTestEngine(dir);
    const until = Date.now() + 3_600_000;
    await t.call('status.set', { show: 'away', message: 'travelling' });
    await t.call('status.dnd', { until, message: 'flight' });
    await t.call('settings.set', { breakthrough: { people: [], keywords: ['outage'] } });
    const keep = await t.call('accounts.add', xmppOff);
    const gone = await t.call('accounts.add', { ...xmppOff, config: { jid: 'old@example.org', password: 'pw-2-pw' } });
    const conv = await t.call('conversations.open', { accountId: gone.id, kind: 'direct', address: 'bob@example.org' });
    await t.call('messages.send', { conversationId: conv.id, body: 'history worth keeping' });
    await t.call('accounts.remove', { id: gone.id });
    await t.close();

    const t2 = await startTestEngine(dir, 'unlock');
    expect(await t2.call('status.get', {})).toMatchObject({ show: 'dnd', dnd: true, dndUntil: until, message: 'flight', previous: { show: 'away', message: 'travelling' } });
    expect((await t2.call('settings.get', {})).breakthrough.keywords).toEqual(['outage']);
    expect((await t2.call('accounts.list', {})).map((a) => a.id)).toEqual([keep.id]);
    expect((await t2.call('search.query', { query: 'keeping' })).hits).toHaveLength(1);
    await t2.call('status.dndOff', {});
    expect(await t2.call('status.get', {})).toMatchObject({ show: 'away', message: 'travelling', dnd: false });
    await t2.close();
  });

  it('a host-sealed slot: export the key, add the sealed blob, later unseal and unlock with the key', async () => {
    const dir = newDir();
    const t = await startTestEngine(dir);
    const { keyHex } = await t.call('archive.exportKey', {});
    expect(keyHex).toMatch(/^[0-9a-f]{64}$/);
    expect((await t.call('archive.status', {})).slots.map((s) => s.kind)).toEqual(['passphrase']);
    // the "sealing" here is a stand-in for Electron safeStorage: any reversible transform
    const blob = Buffer.from(keyHex, 'hex').map((b) => b ^ 0x5a);
    await t.call('archive.addSealedSlot', { name: 'safeStorage', blobBase64: Buffer.from(blob).toString('base64') });
    expect((await t.call('archive.status', {})).slots.map((s) => `${s.kind}:${s.name ?? ''}`).sort()).toEqual(['passphrase:', 'sealed:safeStorage']);
    await t.close();

    const { Engine } = await import('../../core/engine/index');
    const { createDispatcher, unwrap } = await import('../../contract/index');
    const { builtinProtocols } = await import('../../protocols/registry');
    const { silentLogger } = await import('../../core/util/logger');
    const e = new Engine({ dataDir: dir, registry: builtinProtocols, log: silentLogger, emit: () => {} });
    const d = createDispatcher(e.handlers);
    const sealed = unwrap(await d('archive.sealedBlob', { name: 'safeStorage' })) as { blobBase64: string } | null;
    expect(sealed).not.toBeNull();
    const key = Buffer.from(sealed!.blobBase64, 'base64').map((b) => b ^ 0x5a);
    expect(await d('archive.unlock', { keyHex: Buffer.from(key).toString('hex') })).toEqual({ ok: true, value: null });
    expect(unwrap(await d('archive.sealedBlob', { name: 'nope' }))).toBeNull();
    await e.shutdown();
  });
});
