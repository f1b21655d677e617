// Issue 9, guarantee 1 (timestamps far in the future or past) and "a bad row never costs the other
// rows": the engine's batched ingest (core/engine/engine.ts flushIngest).
//  1. The REAL engine process against a hostile IRC server (raw TCP, random loopback port) sending
//     server-time tags the archive cannot store (year 9999, beyond JS dates, year one, garbage),
//     in the same engine tick as another account's message: everything is stored, with a sane time,
//     and the other account loses nothing. (Moved from tests/soak/hostile-irc-times.soak.ts.)
//  2. A row the archive refuses for any other reason: since neither real server can produce one any
//     more (times are repaired before the insert), a stub protocol hands the in-process engine one
//     refused row between good rows of two accounts in one tick: only that row is lost, and its
//     account gets an error event.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { createDispatcher, unwrap, type AnyEvent, type CommandInput, type CommandName, type CommandOutput } from '../../contract/index';
import { Engine } from '../../core/engine/index';
import { ProtocolRegistry } from '../../core/protocol/registry';
import type { AdapterListener, IncomingMessage, ProtocolAdapter, ProtocolDescriptor } from '../../core/protocol/types';
import { silentLogger } from '../../core/util/logger';
import { tempDir } from '../harness/util';
import { startHostileIrc, type HostileIrc } from './hostile-irc';
import { ircConfig, startEngine, until, type Eng } from './lib';

const tmp = tempDir('rel-engine-ingest');
afterAll(() => tmp.remove());

describe('far-future and negative server-time tags (real engine process, hostile IRC server)', () => {
  let hostile: HostileIrc;
  let eng: Eng;
  const P = ':mallory!m@evil.example';
  beforeAll(async () => {
    hostile = await startHostileIrc({
      times(c) {
        // wait for the bystander's message, then both land in the same engine tick
        setTimeout(() => {
          for (const [t, b] of [
            ['9999-12-31T23:59:59.999Z', 'future'],
            ['+275760-09-13T00:00:00.001Z', 'beyond js dates'],
            ['1970-01-01T00:00:00.000Z', 'epoch'],
            ['0001-01-01T00:00:00.000Z', 'year one'],
            ['garbage', 'garbage time'],
          ]) c.write(`@time=${t} ${P} PRIVMSG ${c.nick} :${b}\r\n`);
          c.write(`${P} PRIVMSG ${c.nick} :times done\r\n`);
        }, 1000);
      },
      bystander(c) {
        setTimeout(() => c.write(`${P} PRIVMSG ${c.nick} :bystander message\r\n`), 1000);
      },
    });
    eng = await startEngine(join(tmp.path, 'data'), { unlock: 'create' });
  });
  afterAll(async () => {
    await eng?.proc.close();
    await hostile?.close();
  });

  it('are stored with a sane time, and never cost another account its messages', async () => {
    await eng.call('accounts.add', { protocol: 'irc', config: ircConfig(hostile.port, `times${randomBytes(2).toString('hex')}`) });
    await eng.call('accounts.add', { protocol: 'irc', config: ircConfig(hostile.port, `bystander${randomBytes(2).toString('hex')}`) });
    const shown = () => eng.events.flatMap((e) => (e.type === 'messages.added' ? e.payload.messages : []));
    await until(() => shown().some((m) => m.body === 'times done') && shown().some((m) => m.body === 'bystander message'), 'the times scenario finished', 20_000).catch(() => undefined);
    const bodies = shown().map((m) => m.body);
    const future = shown().find((m) => m.body === 'future');
    // the stored copies, read back through the contract
    const convs = await eng.call('conversations.list', {});
    const stored: string[] = [];
    for (const c of convs) stored.push(...(await eng.call('messages.page', { conversationId: c.id, limit: 100 })).messages.map((m) => m.body));
    expect({
      bystander: bodies.includes('bystander message'),
      missing: ['future', 'beyond js dates', 'epoch', 'year one', 'garbage time', 'times done'].filter((b) => !bodies.includes(b) || !stored.includes(b)),
      futureSane: !!future && future.time <= Date.now() + 86_400_000,
      uncaught: /uncaught exception/.test(eng.stderr()),
    }).toEqual({ bystander: true, missing: [], futureSane: true, uncaught: false });
  });
});

describe('a row the archive refuses (in-process engine, stub protocol)', () => {
  const listeners = new Map<string, AdapterListener>();
  const stub: ProtocolDescriptor = {
    id: 'stub',
    displayName: 'Stub',
    configFields: [{ key: 'name', label: 'Name', type: 'text', required: true }],
    validateConfig: () => ({}),
    validateAddress: (id) => ({ ok: true, normalized: id }),
    create(config): ProtocolAdapter {
      const name = String(config['name']);
      return {
        caps: { presenceShows: ['available'], maxMessageBytes: 1000, serverAck: false, deliveryReceipts: false, stableClientIds: false },
        connect: async () => {},
        disconnect: async () => {},
        subscribe(l) {
          listeners.set(name, l);
          return () => listeners.delete(name);
        },
        normalize: (id) => ({ ok: true, normalized: id }),
        setPresence: async () => {},
        send: async () => {},
      };
    },
  };
  const events: AnyEvent[] = [];
  let engine: Engine;
  let call: <K extends CommandName>(cmd: K, input: CommandInput<K>) => Promise<CommandOutput<K>>;
  beforeAll(async () => {
    engine = new Engine({ dataDir: join(tmp.path, 'stub'), registry: new ProtocolRegistry([stub]), log: silentLogger, emit: (e) => events.push(e), kdf: { N: 1024 } });
    const d = createDispatcher(engine.handlers);
    call = async (cmd, input) => unwrap(await d(cmd, input)) as never;
    await call('archive.create', { passphrase: 'stub passphrase 1' });
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
