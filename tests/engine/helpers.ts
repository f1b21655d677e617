// Test helpers: an in-process engine on a temp data folder (the same Engine the engine process
// runs, driven through the same validating dispatcher), and protocol peers built from the real
// adapters (the "other person" in a conversation).
import { createDispatcher, unwrap, type AnyEvent, type CommandInput, type CommandName, type CommandOutput, type Reply } from '../../contract/index';
import { Engine } from '../../core/engine/index';
import type { AdapterEvent, ConfigValues, ProtocolAdapter, ProtocolDescriptor } from '../../core/protocol/types';
import { silentLogger } from '../../core/util/logger';
import { builtinProtocols } from '../../protocols/registry';
import type { ProsodyServer, XmppTestUser } from '../harness/prosody';

export interface TestEngine {
  engine: Engine;
  events: AnyEvent[];
  call<K extends CommandName>(cmd: K, input: CommandInput<K>): Promise<CommandOutput<K>>;
  raw<K extends CommandName>(cmd: K, input: CommandInput<K>): Promise<Reply<unknown>>;
  waitEvent<T extends AnyEvent['type']>(type: T, pred?: (p: Extract<AnyEvent, { type: T }>['payload']) => boolean, opts?: { since?: number; timeoutMs?: number }): Promise<Extract<AnyEvent, { type: T }>['payload']>;
  close(): Promise<void>;
}

export const testBackoff = { baseMs: 200, maxMs: 2000, factor: 2, jitter: 0.5 };
export const PASSPHRASE = 'correct horse battery staple';

export async function startTestEngine(dataDir: string, mode: 'create' | 'unlock' = 'create'): Promise<TestEngine> {
  const events: AnyEvent[] = [];
  const waiters = new Set<() => void>();
  const engine = new Engine({
    dataDir,
    registry: builtinProtocols,
    log: silentLogger,
    emit: (e) => {
      events.push(e);
      for (const w of [...waiters]) w();
    },
    kdf: { N: 1024 },
    backoff: testBackoff,
  });
  const dispatch = createDispatcher(engine.handlers);
  const raw = (cmd: CommandName, input: unknown) => dispatch(cmd, input);
  const t: TestEngine = {
    engine,
    events,
    raw: raw as TestEngine['raw'],
    call: (async (cmd: CommandName, input: unknown) => unwrap(await raw(cmd, input))) as TestEngine['call'],
    waitEvent(type, pred = () => true, opts = {}) {
      const timeoutMs = opts.timeoutMs ?? 20_000;
      return new Promise((resolve, reject) => {
        let from = opts.since ?? 0;
        const check = () => {
          for (; from < events.length; from++) {
            const e = events[from]!;
            if (e.type === type && pred(e.payload as never)) {
              waiters.delete(check);
              clearTimeout(timer);
              resolve(e.payload as never);
              return;
            }
          }
        };
        const timer = setTimeout(() => {
          waiters.delete(check);
          reject(new Error(`timed out waiting for event ${type}`));
        }, timeoutMs);
        waiters.add(check);
        check();
      });
    },
    close: () => engine.shutdown(),
  };
  if (mode === 'create') await t.call('archive.create', { passphrase: PASSPHRASE });
  else await t.call('archive.unlock', { passphrase: PASSPHRASE });
  return t;
}

export function xmppAccountConfig(server: ProsodyServer, user: XmppTestUser, extra: ConfigValues = {}): Record<string, string | number | boolean> {
  return { jid: user.jid, password: user.password, server: server.host, port: server.port, caPem: server.caPem, ...(extra as Record<string, string | number | boolean>) };
}

export interface Peer {
  adapter: ProtocolAdapter;
  events: AdapterEvent[];
  waitFor<T extends AdapterEvent['type']>(type: T, pred?: (e: Extract<AdapterEvent, { type: T }>) => boolean, opts?: { since?: number; timeoutMs?: number }): Promise<Extract<AdapterEvent, { type: T }>>;
  close(): Promise<void>;
}

export async function startPeer(descriptor: ProtocolDescriptor, config: ConfigValues): Promise<Peer> {
  const adapter = descriptor.create(config, { log: silentLogger, now: Date.now });
  const events: AdapterEvent[] = [];
  const waiters = new Set<() => void>();
  adapter.subscribe((e) => {
    events.push(e);
    for (const w of [...waiters]) w();
  });
  await adapter.connect(new AbortController().signal);
  return {
    adapter,
    events,
    waitFor(type, pred = () => true, opts = {}) {
      const timeoutMs = opts.timeoutMs ?? 20_000;
      return new Promise((resolve, reject) => {
        let from = opts.since ?? 0;
        const check = () => {
          for (; from < events.length; from++) {
            const e = events[from]!;
            if (e.type === type && pred(e as never)) {
              waiters.delete(check);
              clearTimeout(timer);
              resolve(e as never);
              return;
            }
          }
        };
        const timer = setTimeout(() => {
          waiters.delete(check);
          reject(new Error(`peer: timed out waiting for ${type}; last events: ${JSON.stringify(events.slice(-8)).slice(0, 1500)}`));
        }, timeoutMs);
        waiters.add(check);
        check();
      });
    },
    close: () => adapter.disconnect().catch(() => {}),
  };
}

export const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

/** polls until fn returns a truthy value */
export async function until<T>(fn: () => T | Promise<T>, what: string, timeoutMs = 20_000): Promise<NonNullable<T>> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    const v = await fn();
    if (v) return v as NonNullable<T>;
    if (Date.now() > end) throw new Error(`timed out: ${what}`);
    await sleep(100);
  }
}
