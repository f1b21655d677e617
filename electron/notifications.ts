/**
 * Desktop notifications. The engine decides WHETHER to notify (its policy: DND, mute, mentions,
 * VIPs) and emits `notify`; the host only shows them. The renderer asks to show one by message id
 * (its `notify(n, onClick)` host service); the main process shows only notifications the engine
 * really emitted, with the engine's text, so a compromised page cannot forge one.
 */
import type { NotificationDTO } from '../contract/dto';

export class NotificationBook {
  private readonly byId = new Map<string, NotificationDTO>();
  constructor(private readonly capacity = 200) {}

  /** remember a `notify` event from the engine */
  remember(n: NotificationDTO): void {
    this.byId.delete(n.messageId);
    this.byId.set(n.messageId, n);
    while (this.byId.size > this.capacity) {
      const oldest = this.byId.keys().next().value as string;
      this.byId.delete(oldest);
    }
  }

  /** the engine's notification for this message, once: a second request shows nothing */
  take(messageId: unknown): NotificationDTO | null {
    if (typeof messageId !== 'string') return null;
    const n = this.byId.get(messageId);
    if (!n) return null;
    this.byId.delete(messageId);
    return n;
  }
}

/** What the OS notification shows. On a locked screen the message text stays hidden. */
export function notificationContent(n: NotificationDTO, screenLocked: boolean): { title: string; body: string; silent: boolean } {
  const title = n.title.slice(0, 200);
  const body = screenLocked ? 'New message' : n.body.length > 300 ? n.body.slice(0, 299) + '…' : n.body;
  return { title, body, silent: !n.sound };
}
