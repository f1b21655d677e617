// The data the UI shows, as runtime schemas. Types derive from these (z.infer), so the engine,
// the hosts and the renderer share ONE definition. Ids are strings; times are ms since the epoch.
import { z } from 'zod';
import { Id, Time } from './scalars';

export { Id, Time } from './scalars';

// ---- errors -------------------------------------------------------------------------------------

export const ErrorCode = z.enum([
  'invalid', // input failed the schema or the descriptor's validation (see `fields`)
  'not-found',
  'locked', // the archive is not unlocked yet
  'wrong-key', // wrong passphrase, or not a Confab archive
  'archive-in-use', // another Confab process holds the archive
  'exists',
  'offline', // the account is not connected (the command needs the network)
  'unsupported', // the protocol lacks the capability
  'network',
  'auth',
  'tls',
  'protocol',
  'timeout',
  'internal',
]);
export type ErrorCode = z.infer<typeof ErrorCode>;

export const ErrorDTO = z.object({
  code: ErrorCode,
  message: z.string(),
  /** per-field messages for forms */
  fields: z.record(z.string(), z.string()).optional(),
});
export type ErrorDTO = z.infer<typeof ErrorDTO>;

/** Connection / adapter error shown to the user with the account. */
export const AccountErrorDTO = z.object({
  kind: z.enum(['network', 'auth', 'tls', 'name-in-use', 'config', 'protocol']),
  fatal: z.boolean(),
  message: z.string(),
  code: z.string().optional(),
});
export type AccountErrorDTO = z.infer<typeof AccountErrorDTO>;

// ---- archive -----------------------------------------------------------------------------------

export const ArchiveStatusDTO = z.object({
  /** none: no archive in the data folder yet (first run) */
  state: z.enum(['none', 'locked', 'unlocked']),
  dataDir: z.string(),
  /** key slots present; the Electron host looks for its sealed slot here */
  slots: z.array(z.object({ id: z.string(), kind: z.enum(['passphrase', 'sealed']), name: z.string().optional() })),
});
export type ArchiveStatusDTO = z.infer<typeof ArchiveStatusDTO>;

// ---- protocols ---------------------------------------------------------------------------------

export const FieldDTO = z.object({
  key: z.string(),
  label: z.string(),
  type: z.enum(['text', 'password', 'number', 'boolean', 'select']),
  required: z.boolean().optional(),
  default: z.union([z.string(), z.number(), z.boolean()]).optional(),
  placeholder: z.string().optional(),
  help: z.string().optional(),
  options: z.array(z.object({ value: z.string(), label: z.string() })).optional(),
  advanced: z.boolean().optional(),
});
export type FieldDTO = z.infer<typeof FieldDTO>;

export const ConfigValuesDTO = z.record(z.string(), z.union([z.string(), z.number(), z.boolean()]));
export type ConfigValuesDTO = z.infer<typeof ConfigValuesDTO>;

export const PresenceShow = z.enum(['available', 'chat', 'away', 'xa', 'dnd', 'invisible', 'offline']);
export type PresenceShow = z.infer<typeof PresenceShow>;

export const CapsDTO = z.object({
  presenceShows: z.array(PresenceShow),
  maxMessageBytes: z.number(),
  serverAck: z.boolean(),
  deliveryReceipts: z.boolean(),
  stableClientIds: z.boolean(),
  /** optional groups the adapter offers */
  contacts: z.boolean(),
  rooms: z.boolean(),
  typing: z.boolean(),
  receipts: z.boolean(),
  history: z.boolean(),
  files: z.boolean(),
});
export type CapsDTO = z.infer<typeof CapsDTO>;

export const ProtocolDTO = z.object({
  id: z.string(),
  displayName: z.string(),
  configFields: z.array(FieldDTO),
});
export type ProtocolDTO = z.infer<typeof ProtocolDTO>;

// ---- accounts ----------------------------------------------------------------------------------

export const ConnectionState = z.enum(['offline', 'connecting', 'online', 'reconnecting', 'failed']);
export type ConnectionState = z.infer<typeof ConnectionState>;

export const AccountDTO = z.object({
  id: Id,
  protocol: z.string(),
  label: z.string(),
  enabled: z.boolean(),
  /** config WITHOUT secret (password-type) fields; those are reported as `secretsSet` */
  config: ConfigValuesDTO,
  secretsSet: z.array(z.string()),
  state: ConnectionState,
  error: AccountErrorDTO.optional(),
  /** next automatic retry (ms epoch) while reconnecting */
  nextRetryAt: Time.optional(),
  /** own address as bound by the server */
  self: z.string().optional(),
  caps: CapsDTO.optional(),
  /** per-account status override (null/absent: follows the global status) */
  statusOverride: PresenceShow.optional(),
});
export type AccountDTO = z.infer<typeof AccountDTO>;

// ---- contacts and people (metacontacts) --------------------------------------------------------

export const PresenceDTO = z.object({
  show: PresenceShow,
  status: z.string().optional(),
  idleSince: Time.optional(),
});
export type PresenceDTO = z.infer<typeof PresenceDTO>;

export const IdentityDTO = z.object({
  accountId: Id,
  /** normalized address on that account (JID, nick) */
  address: z.string(),
  name: z.string().optional(),
  groups: z.array(z.string()),
  subscription: z.enum(['none', 'to', 'from', 'both']).optional(),
  pendingOut: z.boolean().optional(),
  presence: PresenceDTO,
  /** where it came from: roster, IRC MONITOR list, a room, a conversation */
  source: z.enum(['roster', 'monitor', 'room', 'conversation']),
  /** services account the server reports for them ('' = not logged in); IRC */
  account: z.string().optional(),
  /** self-chosen real name the server reports; IRC */
  realName: z.string().optional(),
});
export type IdentityDTO = z.infer<typeof IdentityDTO>;

/** One person: one or more identities across accounts, presence aggregated (best of all). */
export const PersonDTO = z.object({
  id: Id,
  name: z.string(),
  identities: z.array(IdentityDTO),
  presence: PresenceDTO,
  groups: z.array(z.string()),
  /** breaks through DND */
  vip: z.boolean(),
});
export type PersonDTO = z.infer<typeof PersonDTO>;

export const MergeSuggestionDTO = z.object({
  personIds: z.array(Id).min(2),
  reason: z.enum(['same-name', 'same-nick', 'same-local-part', 'same-account']),
});
export type MergeSuggestionDTO = z.infer<typeof MergeSuggestionDTO>;

// ---- conversations and messages ----------------------------------------------------------------

export const ConversationDTO = z.object({
  id: Id,
  accountId: Id,
  kind: z.enum(['direct', 'room']),
  /** peer address (direct) or room address */
  address: z.string(),
  title: z.string(),
  personId: Id.optional(),
  unread: z.number().int().nonnegative(),
  mentions: z.number().int().nonnegative(),
  lastMessageAt: Time.optional(),
  lastReadId: z.string().optional(),
  muted: z.boolean(),
  /** rooms */
  topic: z.string().optional(),
  joined: z.boolean().optional(),
  nick: z.string().optional(),
});
export type ConversationDTO = z.infer<typeof ConversationDTO>;

export const DeliveryState = z.enum(['received', 'queued', 'sending', 'sent', 'delivered', 'read', 'unconfirmed', 'failed']);
export type DeliveryState = z.infer<typeof DeliveryState>;

export const MessageDTO = z.object({
  /** history key: sorts by time */
  id: z.string(),
  conversationId: Id,
  accountId: Id,
  direction: z.enum(['in', 'out']),
  kind: z.enum(['chat', 'action', 'notice', 'system']),
  from: z.string(),
  fromName: z.string().optional(),
  body: z.string(),
  time: Time,
  state: DeliveryState,
  error: z.string().optional(),
  clientId: z.string().optional(),
  serverId: z.string().optional(),
  /** mentions the user's nick or name */
  mention: z.boolean().optional(),
  /** sent by the auto-reply */
  autoReply: z.boolean().optional(),
  oobUrl: z.string().optional(),
});
export type MessageDTO = z.infer<typeof MessageDTO>;

/** A hole in the history the server could not fill (the UI shows a marker between `after` and `before`). */
export const GapDTO = z.object({
  conversationId: Id,
  /** time range of the missing part */
  from: Time,
  to: Time,
  reason: z.string(),
});
export type GapDTO = z.infer<typeof GapDTO>;

export const MessagePageDTO = z.object({
  messages: z.array(MessageDTO),
  gaps: z.array(GapDTO),
  /** there are older / newer messages beyond this page */
  hasBefore: z.boolean(),
  hasAfter: z.boolean(),
});
export type MessagePageDTO = z.infer<typeof MessagePageDTO>;

// ---- search ------------------------------------------------------------------------------------

/** snippet as text parts; `mark: true` parts are the matched words (render as <mark>, never HTML) */
export const SnippetDTO = z.array(z.object({ text: z.string(), mark: z.boolean() }));
export type SnippetDTO = z.infer<typeof SnippetDTO>;

export const SearchHitDTO = z.object({
  message: MessageDTO,
  conversationTitle: z.string(),
  snippet: SnippetDTO,
});
export type SearchHitDTO = z.infer<typeof SearchHitDTO>;

export const SearchResultDTO = z.object({
  hits: z.array(SearchHitDTO),
  /** the page's hits grouped by conversation, in order of first appearance */
  groups: z.array(z.object({ conversationId: Id, title: z.string(), hitIndexes: z.array(z.number().int()) })),
  nextCursor: z.string().optional(),
});
export type SearchResultDTO = z.infer<typeof SearchResultDTO>;

// ---- status, DND, notifications ----------------------------------------------------------------

export const StatusDTO = z.object({
  /** what the user chose (global) */
  show: PresenceShow,
  message: z.string().optional(),
  /** DND active until (ms epoch); absent while DND is off or "until turned off" */
  dndUntil: Time.optional(),
  dnd: z.boolean(),
  /** the status that comes back when DND ends */
  previous: z.object({ show: PresenceShow, message: z.string().optional() }).optional(),
  /** set automatically by idle (auto-away) */
  auto: z.boolean(),
});
export type StatusDTO = z.infer<typeof StatusDTO>;

export const SettingsDTO = z.object({
  autoReply: z.object({
    enabled: z.boolean(),
    message: z.string().max(1000),
    /** once per contact per this period */
    periodMs: z.number().int().positive(),
  }),
  idle: z.object({
    enabled: z.boolean(),
    awayAfterMs: z.number().int().positive(),
    xaAfterMs: z.number().int().positive().optional(),
  }),
  breakthrough: z.object({
    /** person ids that break through DND */
    people: z.array(Id),
    keywords: z.array(z.string().min(1).max(200)),
  }),
  notifications: z.object({
    enabled: z.boolean(),
    sound: z.boolean(),
    /** notify for every room message, or only for mentions */
    rooms: z.enum(['all', 'mentions']),
  }),
});
export type SettingsDTO = z.infer<typeof SettingsDTO>;

export const NotificationDTO = z.object({
  conversationId: Id,
  messageId: z.string(),
  title: z.string(),
  /** text to show; the host may hide it on a locked screen */
  body: z.string(),
  sound: z.boolean(),
  /** flash the taskbar / bounce the dock */
  attention: z.boolean(),
  reason: z.enum(['direct', 'mention', 'vip', 'keyword', 'room', 'watch']),
  /** reason 'watch': the name of the keyword watch that matched */
  watch: z.string().optional(),
});
export type NotificationDTO = z.infer<typeof NotificationDTO>;

export const DigestDTO = z.object({
  since: Time,
  until: Time,
  messages: z.number().int().nonnegative(),
  mentions: z.number().int().nonnegative(),
  from: z.array(z.object({ name: z.string(), personId: Id.optional(), conversationId: Id, messages: z.number().int(), mentions: z.number().int() })),
});
export type DigestDTO = z.infer<typeof DigestDTO>;

export const MemberDTO = z.object({
  nick: z.string(),
  address: z.string().optional(),
  role: z.string().optional(),
  affiliation: z.string().optional(),
  modes: z.string().optional(),
  away: z.boolean().optional(),
  /** services account they are logged in to (IRC account-notify / extended-join / WHOX); '' = not logged in */
  account: z.string().optional(),
  /** self-chosen real name (IRC realname) */
  realName: z.string().optional(),
  /** user@host as the server shows it */
  userHost: z.string().optional(),
});
export type MemberDTO = z.infer<typeof MemberDTO>;

// the archive tools' DTOs (import / export jobs, retention, legal hold, audit, watches) live in archiveDto.ts
export * from './archiveDto';
