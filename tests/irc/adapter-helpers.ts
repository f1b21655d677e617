/** Test helper: IRC adapters (through the descriptor, like the engine) with a recorded event log. */
import { ircProtocol } from '../../protocols/irc/index';
import type { AdapterEvent, ConfigValues, ProtocolAdapter } from '../../core/protocol/types';
import { silentLogger } from '../../core/util/logger';

export interface TestAccount {
  adapter: ProtocolAdapter;
  events: AdapterEvent[];
  nick: string;
  /** resolves with the first event (already seen or future) matching pred */
  waitFor<T extends AdapterEvent['type']>(type: T, pred?: (e: Extract<AdapterEvent, { type: T }>) => boolean, timeoutMs?: number): Promise<Extract<AdapterEvent, { type: T }>>;
  /** forget the events seen so far */
  clear(): void;
  stop(): Promise<void>;
}

let n = 0;
export function nick(base: string): string {
  n++;
  return `${base}${(process.pid % 997).toString(36)}${n}`;
}

export function account(config: ConfigValues): TestAccount {
  const adapter = ircProtocol.create({ sendBurst: 20, sendIntervalMs: 50, ...config }, { log: silentLogger, now: () => Date.now() });
  let events: AdapterEvent[] = [];
  const waiters: { type: string; pred: (e: AdapterEvent) => boolean; resolve: (e: AdapterEvent) => void }[] = [];
  adapter.subscribe((e) => {
    events.push(e);
    for (const w of [...waiters]) {
      if (w.type === e.type && w.pred(e)) { waiters.splice(waiters.indexOf(w), 1); w.resolve(e); }
    }
  });
  return {
    adapter,
    get events() { return events; },
    nick: String(config.nick),
    waitFor(type, pred = () => true, timeoutMs = 10_000) {
      const seen = events.find((e) => e.type === type && pred(e as never));
      if (seen) return Promise.resolve(seen as never);
      return new Promise((resolve, reject) => {
        const t = setTimeout(() => reject(new Error(`${String(config.nick)}: no ${type} event within ${timeoutMs} ms; saw ${events.map((e) => e.type).join(',')}`)), timeoutMs);
        waiters.push({ type, pred: pred as (e: AdapterEvent) => boolean, resolve: (e) => { clearTimeout(t); resolve(e as never); } });
      });
    },
    clear() { events = []; },
    async stop() { await adapter.disconnect().catch(() => undefined); },
  } as TestAccount;
}

export async function online(config: ConfigValues): Promise<TestAccount> {
  const a = account(config);
  await a.adapter.connect(new AbortController().signal);
  return a;
}

/** For interop runs (IRC_TEST_SERVER): true, with the reason printed, when the test needs what only the harness provides. */
export function needsHarness(server: { external: boolean }, what: string): boolean {
  if (!server.external) return false;
  console.warn(`skipped on the external server: needs ${what}`);
  return true;
}
