// Events from the engine to the UI. Delivered in batches (see coalesce.ts): within one batch, events
// with the same coalescing key replace each other (last wins), so a flood of presence or unread
// updates costs the UI one update per ~50 ms.
import { z } from 'zod';
import {
  AccountDTO,
  ArchiveJobDTO,
  ArchiveStatusDTO,
  ConversationDTO,
  DigestDTO,
  ErrorDTO,
  GapDTO,
  Id,
  MemberDTO,
  MessageDTO,
  NotificationDTO,
  PersonDTO,
  RetentionDTO,
  StatusDTO,
} from './dto';

export const events = {
  'archive.status': ArchiveStatusDTO,
  'accounts.changed': AccountDTO,
  'accounts.removed': z.object({ id: Id }),
  /** people whose identities/presence changed (upserts) */
  'contacts.changed': PersonDTO,
  'contacts.removed': z.object({ personId: Id }),
  'contacts.subscriptionRequest': z.object({ accountId: Id, address: z.string(), message: z.string().optional() }),
  'conversations.changed': ConversationDTO,
  'conversations.removed': z.object({ conversationId: Id }),
  /** new messages (live, caught up, or own just queued) */
  'messages.added': z.object({ messages: z.array(MessageDTO) }),
  /** delivery state change of an own message */
  'messages.updated': z.object({ id: z.string(), conversationId: Id, state: MessageDTO.shape.state, error: z.string().optional(), serverId: z.string().optional() }),
  'messages.gap': GapDTO,
  'typing': z.object({ conversationId: Id, from: z.string(), state: z.enum(['active', 'composing', 'paused', 'inactive', 'gone']) }),
  'rooms.members': z.object({ conversationId: Id, members: z.array(MemberDTO) }),
  'rooms.invite': z.object({ accountId: Id, room: z.string(), from: z.string(), reason: z.string().optional() }),
  'status.changed': StatusDTO,
  /** the host shows it (OS notification, sound, attention) — never emitted while DND unless it breaks through */
  'notify': NotificationDTO,
  /** "while you were busy": emitted when DND ends */
  'digest': DigestDTO,
  /** archive tools (issue #10): progress and end of an import/export job (coalesced per job: last wins) */
  'archive.job': ArchiveJobDTO,
  /** the retention policy or legal hold changed (by the app, the schedule's run) */
  'archive.retention': RetentionDTO,
  /** a problem worth showing that belongs to no command */
  'error': ErrorDTO.extend({ accountId: Id.optional() }),
} satisfies Record<string, z.ZodType>;

export type Events = typeof events;
export type EventName = keyof Events;
export type EventPayload<E extends EventName> = z.output<Events[E]>;
export type AnyEvent = { [E in EventName]: { type: E; payload: EventPayload<E> } }[EventName];

export const eventNames = Object.keys(events) as EventName[];

/**
 * Coalescing key: two events in one batch with the same key collapse into the later one.
 * null: never coalesced (every message, notification, digest counts).
 */
export function coalesceKey(e: AnyEvent): string | null {
  switch (e.type) {
    case 'accounts.changed':
      return `a:${e.payload.id}`;
    case 'contacts.changed':
      return `p:${e.payload.id}`;
    case 'conversations.changed':
      return `c:${e.payload.id}`;
    case 'typing':
      return `t:${e.payload.conversationId}:${e.payload.from}`;
    case 'rooms.members':
      return `m:${e.payload.conversationId}`;
    case 'status.changed':
      return 'status';
    case 'archive.status':
      return 'archive';
    case 'archive.job':
      return `j:${e.payload.jobId}`;
    case 'archive.retention':
      return 'retention';
    case 'messages.updated':
      return `u:${e.payload.id}`;
    default:
      return null;
  }
}
