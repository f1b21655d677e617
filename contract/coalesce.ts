// Batches events for ~50 ms and collapses updates of the same thing (see coalesceKey), so a flood
// (a 500-member room joining, a MAM catch-up of 10k messages) costs the UI a few updates, not thousands.
import { coalesceKey, type AnyEvent } from './events';
import { timers, type TimerHandle } from './timers';

export interface EventBatcher {
  push(e: AnyEvent): void;
  /** deliver what is pending now */
  flush(): void;
  close(): void;
}

export function createEventBatcher(deliver: (batch: AnyEvent[]) => void, opts: { intervalMs?: number; maxMessagesPerEvent?: number } = {}): EventBatcher {
  const intervalMs = opts.intervalMs ?? 50;
  const maxMsgs = opts.maxMessagesPerEvent ?? 1000;
  let queue: (AnyEvent | null)[] = [];
  let byKey = new Map<string, number>();
  let timer: TimerHandle | null = null;
  let closed = false;

  const flush = () => {
    if (timer !== null) {
      timers.clear(timer);
      timer = null;
    }
    const batch = queue.filter((e): e is AnyEvent => e !== null);
    queue = [];
    byKey = new Map();
    if (batch.length) deliver(batch);
  };

  return {
    push(e) {
      if (closed) return;
      const key = coalesceKey(e);
      if (key !== null) {
        const at = byKey.get(key);
        if (at !== undefined) queue[at] = null;
        byKey.set(key, queue.length);
        queue.push(e);
      } else {
        const last = queue[queue.length - 1];
        // consecutive message additions travel as one event
        if (e.type === 'messages.added' && last && last.type === 'messages.added' && last.payload.messages.length + e.payload.messages.length <= maxMsgs) {
          queue[queue.length - 1] = { type: 'messages.added', payload: { messages: [...last.payload.messages, ...e.payload.messages] } };
        } else {
          queue.push(e);
        }
      }
      if (timer === null) timer = timers.set(flush, intervalMs);
    },
    flush,
    close() {
      flush();
      closed = true;
    },
  };
}
