// The generic client: typed `call` with a timeout, returning a Reply (never throwing), and typed
// event subscriptions fed by batched event frames. Used by the engine process client, the web
// bridge and the Electron preload alike.
import { commands, type CommandInput, type CommandName, type CommandOutput } from './commands';
import type { AnyEvent, EventName, EventPayload } from './events';
import { fail, type Reply } from './reply';
import { timers } from './timers';
import type { Frame, RequestFrame } from './wire';

export interface ConfabApi {
  call<K extends CommandName>(cmd: K, input: CommandInput<K>): Promise<Reply<CommandOutput<K>>>;
  on<E extends EventName>(event: E, fn: (payload: EventPayload<E>) => void): () => void;
  /** every event batch as delivered (one store update per batch) */
  onBatch(fn: (events: AnyEvent[]) => void): () => void;
}

export interface Transport {
  send(frame: RequestFrame): void;
}

export interface ContractClient extends ConfabApi {
  /** feed a frame received from the transport */
  receive(frame: Frame): void;
  /** the transport is gone: every pending call fails with `reason` */
  close(reason?: string): void;
}

export function createContractClient(transport: Transport, opts: { timeoutMs?: number } = {}): ContractClient {
  const defaultTimeout = opts.timeoutMs ?? 15_000;
  let nextId = 1;
  let closed: string | null = null;
  const pending = new Map<number, { resolve: (r: Reply<unknown>) => void; timer: unknown }>();
  const listeners = new Map<string, Set<(p: unknown) => void>>();
  const batchListeners = new Set<(events: AnyEvent[]) => void>();

  const client: ContractClient = {
    call(cmd, input) {
      if (closed !== null) return Promise.resolve(fail('internal', closed));
      const id = nextId++;
      const def = commands[cmd] as { timeoutMs?: number };
      const ms = def?.timeoutMs ?? defaultTimeout;
      return new Promise((resolve) => {
        const timer = timers.set(() => {
          pending.delete(id);
          resolve(fail('timeout', `no answer to ${cmd} within ${ms} ms`));
        }, ms);
        pending.set(id, { resolve: resolve as (r: Reply<unknown>) => void, timer });
        try {
          transport.send({ t: 'req', id, cmd, input });
        } catch (err) {
          timers.clear(timer);
          pending.delete(id);
          resolve(fail('internal', `could not send ${cmd}: ${err instanceof Error ? err.message : String(err)}`));
        }
      });
    },
    on(event, fn) {
      let set = listeners.get(event);
      if (!set) listeners.set(event, (set = new Set()));
      set.add(fn as (p: unknown) => void);
      return () => void set.delete(fn as (p: unknown) => void);
    },
    onBatch(fn) {
      batchListeners.add(fn);
      return () => void batchListeners.delete(fn);
    },
    receive(frame) {
      if (frame.t === 'res') {
        const p = pending.get(frame.id);
        if (!p) return;
        pending.delete(frame.id);
        timers.clear(p.timer);
        p.resolve(frame.reply);
      } else if (frame.t === 'evt') {
        for (const fn of [...batchListeners]) safe(() => fn(frame.events));
        for (const e of frame.events) {
          const set = listeners.get(e.type);
          if (set) for (const fn of [...set]) safe(() => fn(e.payload));
        }
      }
    },
    close(reason = 'the engine stopped') {
      closed = reason;
      for (const [id, p] of pending) {
        timers.clear(p.timer);
        p.resolve(fail('internal', reason));
        pending.delete(id);
      }
    },
  };
  return client;
}

function safe(fn: () => void) {
  try {
    fn();
  } catch {
    // a throwing UI listener must not break the others
  }
}
