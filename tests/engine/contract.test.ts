// The contract boundary: schemas refuse bad input, host-only commands stay with the host, events
// are coalesced, and the real engine process answers through engine/client.ts.
import { afterAll, describe, expect, it } from 'vitest';
import { createContractClient, createDispatcher, createEventBatcher, validateRequest, type AnyEvent, type Frame, type PersonDTO } from '../../contract/index';
import { startEngineProcess } from '../../engine/client';
import { tempDir } from '../harness/util';

const person = (id: string, show: 'available' | 'away'): PersonDTO => ({
  id,
  name: id,
  identities: [],
  presence: { show },
  groups: [],
  vip: false,
});

describe('contract', () => {
  it('validates input with the command schema and applies defaults', () => {
    const bad = validateRequest('accounts.add', { protocol: 1 });
    expect(bad.ok).toBe(false);
    if (!bad.ok && !bad.reply.ok) {
      expect(bad.reply.error.code).toBe('invalid');
      expect(Object.keys(bad.reply.error.fields ?? {})).toContain('protocol');
    }
    const good = validateRequest('accounts.add', { protocol: 'xmpp', config: { jid: 'a@b' } });
    expect(good.ok && (good.input as { enabled: boolean }).enabled).toBe(true);
    expect(validateRequest('no.such', {}).ok).toBe(false);
  });

  it('refuses host-only commands from a renderer', () => {
    expect(validateRequest('archive.exportKey', {}, { fromRenderer: true }).ok).toBe(false);
    expect(validateRequest('archive.exportKey', {}).ok).toBe(true);
  });

  it('turns handler errors into replies, never throws', async () => {
    const d = createDispatcher({
      'engine.ping': () => {
        throw new Error('boom');
      },
    });
    expect(await d('engine.ping', {})).toEqual({ ok: false, error: { code: 'internal', message: 'boom' } });
    expect((await d('status.get', {})).ok).toBe(false);
  });

  it('coalesces a flood of updates into one batch with the latest state', async () => {
    const batches: AnyEvent[][] = [];
    const b = createEventBatcher((e) => batches.push(e), { intervalMs: 10 });
    for (let i = 0; i < 1000; i++) b.push({ type: 'contacts.changed', payload: person(`p${i % 10}`, i % 2 ? 'away' : 'available') });
    for (let i = 0; i < 100; i++) b.push({ type: 'messages.added', payload: { messages: [] } });
    b.push({ type: 'notify', payload: { conversationId: 'c', messageId: '1', title: 't', body: 'b', sound: true, attention: true, reason: 'direct' } });
    await new Promise((r) => setTimeout(r, 50));
    expect(batches).toHaveLength(1);
    const batch = batches[0]!;
    expect(batch.filter((e) => e.type === 'contacts.changed')).toHaveLength(10);
    expect(batch.filter((e) => e.type === 'messages.added')).toHaveLength(1);
    expect(batch.filter((e) => e.type === 'notify')).toHaveLength(1);
    const p9 = batch.find((e) => e.type === 'contacts.changed' && e.payload.id === 'p9');
    expect(p9 && p9.type === 'contacts.changed' && p9.payload.presence.show).toBe('away');
    b.close();
  });

  it('a client call without an answer ends in a timeout reply', async () => {
    const sent: Frame[] = [];
    const c = createContractClient({ send: (f) => void sent.push(f) }, { timeoutMs: 30 });
    const r = await c.call('engine.ping', {});
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.error.code).toBe('timeout');
    expect(sent).toHaveLength(1);
  });
});

describe('engine process', () => {
  const dir = tempDir('confab-engine-proc-');
  afterAll(() => dir.remove());

  it('answers over IPC, validates input, and reports its exit', async () => {
    const e = startEngineProcess({ dataDir: dir.path, stderr: 'ignore' });
    try {
      const ping = await e.call('engine.ping', {});
      expect(ping.ok && ping.value.pid).toBe(e.pid);
      const bad = await e.call('accounts.add', { protocol: 5 } as never);
      expect(!bad.ok && bad.error.code).toBe('invalid');
      const locked = await e.call('accounts.list', {});
      expect(locked.ok).toBe(false);
    } finally {
      await e.close();
    }
  });

  it('a killed engine fails pending and later calls instead of hanging', async () => {
    const e = startEngineProcess({ dataDir: dir.path, stderr: 'ignore' });
    await e.ready;
    e.kill('SIGKILL');
    const exit = await e.exited;
    expect(exit.signal).toBe('SIGKILL');
    const r = await e.call('engine.ping', {});
    expect(r.ok).toBe(false);
  });
});
