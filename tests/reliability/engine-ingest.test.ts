// Issue 9, "a bad row never costs the other rows": the engine's batched ingest
// (core/engine/ingest.ts). Since neither real server can produce a row the archive refuses any more
// (times are repaired before the insert; out-of-range IRC times against the real engine process:
// irc-times.test.ts), a stub protocol hands the in-process engine one refused row between good rows
// of two accounts in one tick: only that row is lost, and its account gets an error event.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { join } from 'node:path';
import type { AnyEvent } from '../../contract/index';
import type { Engine } from '../../core/engine/index';
import type { AdapterListener, IncomingMessage } from '../../core/protocol/types';
import { tempDir } from '../harness/util';
import { startInProcessEngine, stubProtocol, until, type InProcessEngine } from './lib';

const tmp = tempDir('rel-engine-ingest');
afterAll(() => tmp.remove());

describe('a row the archive refuses (in-process engine, stub protocol)', () => {
  const listeners = new Map<string, AdapterListener>();
  let events: AnyEvent[];
  let engine: Engine;
  let call: InProcessEngine['call'];
  beforeAll(async () => {
    ({ engine, events, call } = await startInProcessEngine(join(tmp.path, 'stub'), [stubProtocol(listeners)]));
  });
  afterAll(async () => {
    await engine?.shutdown();
  });

  it('costs only that row; its account gets an error', async () => {
    const a = await call('accounts.add', { protocol: 'stub', config: { name: 'a' } });
    const b = await call('accounts.add', { protocol: 'stub', config: { name: 'b' } });
    await until(async () => listeners.size === 2 && (await call('accounts.list', {})).every((x) => x.state === 'online'), 'stub accounts online', 10_000);
    const msg = (body: string, extra: Partial<IncomingMessage> = {}): IncomingMessage => ({ conversation: { kind: 'direct', id: 'peer' }, from: 'peer', body, kind: 'chat', serverTime: Date.now(), direction: 'in', ...extra });
    // one engine tick: good, refused (a kind the archive does not know), good, and the other account
    listeners.get('a')!({ type: 'message', message: msg('a first') });
    listeners.get('a')!({ type: 'message', message: msg('a refused', { kind: 'bogus' as never }) });
    listeners.get('a')!({ type: 'message', message: msg('a last') });
    listeners.get('b')!({ type: 'message', message: msg('b other account') });
    await until(() => events.some((e) => e.type === 'messages.added' && e.payload.messages.some((m) => m.body === 'b other account')), 'messages stored', 10_000);
    const bodies = events.flatMap((e) => (e.type === 'messages.added' ? e.payload.messages.map((m) => m.body) : []));
    const errors = events.flatMap((e) => (e.type === 'error' ? [e.payload.accountId] : []));
    expect({ bodies: bodies.sort(), errors }).toEqual({ bodies: ['a first', 'a last', 'b other account'], errors: [a.id] });
    expect(b.id).not.toBe(a.id);
  });
});
