/**
 * Keyword watches in the running app: after new messages are stored, every watch is polled once
 * (debounced), and each new match raises the engine's notification — decided by the engine's own
 * notification rule (DND, mute, own/system messages; see watch.ts `watchNotifyInput`). A message the
 * engine already notified about (a direct message, a mention) is not notified twice.
 */
import type { NotificationDTO } from '../../contract/index';
import type { Conversation, HistoryStore } from '../history/index';
import { decideNotification, type NotifySettings } from '../engine/notify';
import { listWatches, pollWatches, watchNotifyInput } from './watch';

/** new messages usually come in bursts: one poll per burst */
const DEBOUNCE_MS = 100;
/** message ids the engine notified about, remembered to avoid a second notification */
const REMEMBER = 2000;

export interface WatchNotifierDeps {
  /** the open store, or null while locked or stopping */
  store(): HistoryStore | null;
  timers: { set(fn: () => void, ms: number): unknown; clear(h: unknown): void };
  /** what the notification decision needs about a conversation right now */
  context(conv: Conversation): { dnd: boolean; muted: boolean; settings: NotifySettings; title: string };
  notify(n: NotificationDTO): void;
  warn(message: string, meta: Record<string, unknown>): void;
}

export class WatchNotifier {
  private timer: unknown = null;
  private readonly notified = new Set<string>();
  /** null: unknown (read again at the next poll) */
  private any: boolean | null = null;

  constructor(private readonly deps: WatchNotifierDeps) {}

  /** the engine stored new messages */
  messagesAdded(): void {
    if (this.any === false || this.timer) return;
    this.timer = this.deps.timers.set(() => {
      this.timer = null;
      this.poll();
    }, DEBOUNCE_MS);
  }

  /** the engine raised a notification itself for this message */
  engineNotified(messageId: string): void {
    this.notified.add(messageId);
    if (this.notified.size > REMEMBER) this.notified.delete(this.notified.values().next().value as string);
  }

  watchesChanged(): void {
    this.any = null;
  }

  stop(): void {
    if (this.timer) this.deps.timers.clear(this.timer);
    this.timer = null;
  }

  /** polls every watch now; returns the notifications raised */
  poll(): NotificationDTO[] {
    const store = this.deps.store();
    if (!store) return [];
    const raised: NotificationDTO[] = [];
    try {
      const watches = new Map(listWatches(store).map((w) => [w.id, w]));
      this.any = watches.size > 0;
      if (!this.any) return raised;
      for (const m of pollWatches(store)) {
        const w = watches.get(m.watchId);
        const id = String(m.hit.message.id);
        if (!w || this.notified.has(id)) continue;
        const c = this.deps.context(m.hit.conversation);
        const d = decideNotification(watchNotifyInput(w, m, c));
        if (!d.notify) continue;
        this.engineNotified(id); // two watches matching one message: one notification
        const n: NotificationDTO = {
          conversationId: String(m.hit.conversation.id), messageId: id, title: `${w.name}: ${c.title}`,
          body: m.hit.message.body.slice(0, 500), sound: d.sound, attention: d.attention, reason: 'watch', watch: w.name,
        };
        raised.push(n);
        this.deps.notify(n);
      }
    } catch (err) {
      // a broken watch must not break ingest; the message text is never logged
      this.deps.warn('keyword watch poll failed', { err: err instanceof Error ? err.name : 'error' });
    }
    return raised;
  }
}
