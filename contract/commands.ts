// Every command the engine understands: ONE table from which the engine's handler types, the hosts'
// validation and the renderer's client types all derive. `hostOnly` commands must not be forwarded
// from a renderer (the key material of the Electron host's sealed slot).
import { z } from 'zod';
import {
  AccountDTO,
  ArchiveJobDTO,
  ArchiveStatusDTO,
  AuditPageDTO,
  ConfigValuesDTO,
  ExportFormatDTO,
  ExportScopeDTO,
  LocalPath,
  RetentionDTO,
  RetentionRunDTO,
  WatchDTO,
  ConversationDTO,
  FieldDTO,
  Id,
  MemberDTO,
  MergeSuggestionDTO,
  MessageDTO,
  MessagePageDTO,
  PersonDTO,
  PresenceShow,
  ProtocolDTO,
  SearchResultDTO,
  SettingsDTO,
  StatusDTO,
  Time,
} from './dto';

const Empty = z.object({}).strict();
const Void = z.null();
const Body = z.string().min(1).max(64 * 1024);
/** largest file one upload may carry (servers usually allow less; XEP-0363 max-file-size is checked too) */
export const MAX_UPLOAD_BYTES = 100 * 1024 * 1024;
/** base64 characters per files.uploadChunk: 512 KiB, well under one frame */
export const UPLOAD_CHUNK_BASE64 = 512 * 1024;

export interface CommandDef<I extends z.ZodType = z.ZodType, O extends z.ZodType = z.ZodType> {
  input: I;
  output: O;
  /** only the host process may call it (never forwarded from a renderer) */
  hostOnly?: boolean;
  /** default client timeout for this command (ms) */
  timeoutMs?: number;
}

const def = <I extends z.ZodType, O extends z.ZodType>(input: I, output: O, extra: Omit<CommandDef, 'input' | 'output'> = {}) =>
  ({ input, output, ...extra }) as CommandDef<I, O>;

const ConvTarget = z.union([z.object({ conversationId: Id }), z.object({ personId: Id })]);

export const commands = {
  // --- engine -----------------------------------------------------------------------------------
  'engine.ping': def(Empty, z.object({ pid: z.number(), version: z.string() })),
  /** closes connections and the archive, then the process exits */
  'engine.shutdown': def(Empty, Void, { hostOnly: true }),

  // --- archive (first run / unlock) --------------------------------------------------------------
  'archive.status': def(Empty, ArchiveStatusDTO),
  'archive.create': def(z.object({ passphrase: z.string().min(8).max(1024) }), Void, { timeoutMs: 60_000 }),
  'archive.unlock': def(
    z.union([z.object({ passphrase: z.string().min(1).max(1024) }), z.object({ keyHex: z.string().regex(/^[0-9a-f]{64}$/) })]),
    Void,
    { timeoutMs: 60_000 },
  ),
  /** the raw key, for the host to seal (Electron safeStorage); host only */
  'archive.exportKey': def(Empty, z.object({ keyHex: z.string() }), { hostOnly: true }),
  'archive.addSealedSlot': def(z.object({ name: z.string().min(1).max(100), blobBase64: z.string().max(100_000) }), Void, { hostOnly: true }),
  'archive.sealedBlob': def(z.object({ name: z.string().min(1).max(100) }), z.object({ blobBase64: z.string() }).nullable(), { hostOnly: true }),
  'archive.removeSlot': def(z.object({ slotId: z.string() }), Void, { hostOnly: true }),
  'archive.changePassphrase': def(z.object({ old: z.string().min(1), new: z.string().min(8).max(1024) }), Void, { timeoutMs: 60_000 }),

  // --- protocols and accounts --------------------------------------------------------------------
  'protocols.list': def(Empty, z.array(ProtocolDTO)),
  'accounts.list': def(Empty, z.array(AccountDTO)),
  /** config validated against the descriptor's fields; errors come back as code 'invalid' with `fields` */
  'accounts.add': def(z.object({ protocol: z.string(), label: z.string().max(200).optional(), config: ConfigValuesDTO, enabled: z.boolean().default(true) }), AccountDTO),
  /** config keys absent keep their value (a password field left empty keeps the stored secret) */
  'accounts.update': def(z.object({ id: Id, label: z.string().max(200).optional(), config: ConfigValuesDTO.optional(), enabled: z.boolean().optional() }), AccountDTO),
  'accounts.remove': def(z.object({ id: Id, keepHistory: z.boolean().default(true) }), Void),
  /** connect now (after a fatal error, or skip the backoff wait) */
  'accounts.reconnect': def(z.object({ id: Id }), Void),
  'accounts.joinFields': def(z.object({ id: Id }), z.array(FieldDTO)),

  // --- contacts and people -----------------------------------------------------------------------
  'contacts.list': def(Empty, z.array(PersonDTO)),
  'contacts.add': def(z.object({ accountId: Id, address: z.string().min(1).max(1024), name: z.string().max(200).optional(), groups: z.array(z.string()).optional(), message: z.string().max(1000).optional() }), Void, { timeoutMs: 20_000 }),
  'contacts.remove': def(z.object({ accountId: Id, address: z.string() }), Void, { timeoutMs: 20_000 }),
  'contacts.update': def(z.object({ accountId: Id, address: z.string(), name: z.string().max(200).optional(), groups: z.array(z.string()).optional() }), Void, { timeoutMs: 20_000 }),
  'contacts.approve': def(z.object({ accountId: Id, address: z.string() }), Void),
  'contacts.deny': def(z.object({ accountId: Id, address: z.string() }), Void),
  'people.merge': def(z.object({ personIds: z.array(Id).min(2) }), PersonDTO),
  /** moves one identity out into a person of its own */
  'people.split': def(z.object({ personId: Id, accountId: Id, address: z.string() }), z.array(PersonDTO)),
  'people.suggestions': def(Empty, z.array(MergeSuggestionDTO)),
  'people.rename': def(z.object({ personId: Id, name: z.string().min(1).max(200) }), PersonDTO),
  /** preferred order of identities for reply routing (first online wins) */
  'people.setOrder': def(z.object({ personId: Id, identities: z.array(z.object({ accountId: Id, address: z.string() })) }), PersonDTO),
  'people.setVip': def(z.object({ personId: Id, vip: z.boolean() }), PersonDTO),

  // --- conversations and messages ----------------------------------------------------------------
  'conversations.list': def(Empty, z.array(ConversationDTO)),
  'conversations.open': def(z.union([z.object({ accountId: Id, kind: z.enum(['direct', 'room']), address: z.string().min(1).max(1024) }), z.object({ personId: Id })]), ConversationDTO),
  'conversations.markRead': def(z.object({ conversationId: Id, upToId: z.string().optional() }), ConversationDTO),
  'conversations.setMuted': def(z.object({ conversationId: Id, muted: z.boolean() }), ConversationDTO),
  'conversations.close': def(z.object({ conversationId: Id }), Void),
  /** a page of history; `personId` gives the merged timeline of a metacontact */
  'messages.page': def(
    z.intersection(ConvTarget, z.object({ before: z.string().optional(), after: z.string().optional(), around: z.string().optional(), limit: z.number().int().min(1).max(500).default(100) })),
    MessagePageDTO,
  ),
  /** stored (queued) first, then sent; the state moves by `messages.updated` events. To a person: routed to the preferred online identity */
  'messages.send': def(z.intersection(ConvTarget, z.object({ body: Body, kind: z.enum(['chat', 'action', 'notice']).optional() })), MessageDTO),
  'messages.resend': def(z.object({ messageId: z.string() }), MessageDTO),
  'typing.set': def(z.object({ conversationId: Id, state: z.enum(['active', 'composing', 'paused']) }), Void),

  // --- file sharing (XEP-0363 on XMPP; accounts without caps.files refuse with code 'unsupported') ---
  // Chunked because one frame is at most MAX_FRAME_BYTES: begin → chunk… (in order) → finish, which
  // uploads to the account's server and sends the link as a message. The engine holds at most
  // MAX_UPLOAD_BYTES per upload in memory and forgets an upload idle for 5 minutes.
  'files.uploadBegin': def(
    z.object({ conversationId: Id, name: z.string().min(1).max(255), mime: z.string().max(255).default('application/octet-stream'), size: z.number().int().min(1).max(MAX_UPLOAD_BYTES) }),
    z.object({ uploadId: z.string() }),
  ),
  'files.uploadChunk': def(z.object({ uploadId: z.string().max(100), offset: z.number().int().nonnegative(), dataBase64: z.string().min(1).max(UPLOAD_CHUNK_BASE64) }), Void),
  /** uploads and sends the link; the returned message moves through the usual delivery states */
  'files.uploadFinish': def(z.object({ uploadId: z.string().max(100) }), MessageDTO, { timeoutMs: 300_000 }),
  'files.uploadCancel': def(z.object({ uploadId: z.string().max(100) }), Void),

  // --- search ------------------------------------------------------------------------------------
  /** query language of the history store (words, "phrases", prefix*, AND/OR/NOT, from: in: with: account: before: after: on:) */
  'search.query': def(z.object({ query: z.string().min(1).max(1000), limit: z.number().int().min(1).max(200).default(50), cursor: z.string().optional(), order: z.enum(['newest', 'relevance']).default('newest') }), SearchResultDTO, { timeoutMs: 30_000 }),

  // --- rooms -------------------------------------------------------------------------------------
  'rooms.join': def(z.object({ accountId: Id, values: ConfigValuesDTO }), ConversationDTO, { timeoutMs: 30_000 }),
  'rooms.part': def(z.object({ conversationId: Id, reason: z.string().max(500).optional() }), Void),
  'rooms.members': def(z.object({ conversationId: Id }), z.array(MemberDTO)),
  'rooms.setTopic': def(z.object({ conversationId: Id, topic: z.string().max(1000) }), Void),
  'rooms.invite': def(z.object({ conversationId: Id, address: z.string().min(1), reason: z.string().max(500).optional() }), Void),
  /** instant meeting: a private room on one account with these contacts invited */
  'rooms.startMeeting': def(z.object({ accountId: Id, addresses: z.array(z.string().min(1)).min(1).max(100), name: z.string().max(200).optional() }), ConversationDTO, { timeoutMs: 30_000 }),

  // --- status, DND, settings ---------------------------------------------------------------------
  'status.get': def(Empty, StatusDTO),
  'status.set': def(z.object({ show: PresenceShow, message: z.string().max(1000).optional() }), StatusDTO),
  /** DND for a duration or until a time (neither: until turned off) */
  'status.dnd': def(z.object({ durationMs: z.number().int().positive().optional(), until: Time.optional(), message: z.string().max(1000).optional() }), StatusDTO),
  'status.dndOff': def(Empty, StatusDTO),
  'status.setAccountOverride': def(z.object({ accountId: Id, show: PresenceShow.nullable() }), AccountDTO),
  'settings.get': def(Empty, SettingsDTO),
  'settings.set': def(SettingsDTO.partial(), SettingsDTO),

  // --- archive tools (issue #10): import / export jobs, retention, legal hold, audit, watches ---------
  // Import and export run as jobs in the engine: the command answers at once with the job id, then
  // `archive.job` events report progress and the end (summary or error). Paths are on the engine's
  // machine and must be absolute.
  /** import old logs (files or folders; format detected: Pidgin HTML/TXT, irssi, WeeChat, HexChat) */
  'archive.import': def(z.object({ paths: z.array(LocalPath).min(1).max(1000) }), z.object({ jobId: z.string() })),
  /** export to `dir` (absent or empty): chosen transcripts + messages.jsonl (hash chain) + manifest.json */
  'archive.export': def(
    z.object({ dir: LocalPath, formats: z.array(ExportFormatDTO).min(1).default(['html', 'txt', 'jsonl']), scope: ExportScopeDTO, since: Time.optional(), until: Time.optional() }),
    z.object({ jobId: z.string() }),
  ),
  /** running and recently finished jobs of this engine run */
  'archive.jobs': def(Empty, z.array(ArchiveJobDTO)),
  /** stops a running job between batches (what an import stored so far stays) */
  'archive.jobCancel': def(z.object({ jobId: z.string().max(100) }), Void),
  'archive.retentionGet': def(Empty, RetentionDTO),
  /** days absent or null: keep forever. Applied at once (and then every hour) */
  'archive.retentionSet': def(z.object({ accountId: Id, days: z.number().int().min(1).max(365_000).nullable() }), RetentionDTO, { timeoutMs: 60_000 }),
  /** a legal hold blocks every deletion (retention, account removal without history) until turned off */
  'archive.holdSet': def(
    z.union([z.object({ on: z.literal(true), reason: z.string().min(1).max(1000) }), z.object({ on: z.literal(false) })]),
    RetentionDTO,
  ),
  /** apply the retention policy now (dryRun: only count what is due) */
  'archive.retentionRun': def(z.object({ dryRun: z.boolean().default(false) }), RetentionRunDTO, { timeoutMs: 120_000 }),
  /** audit log, newest first */
  'archive.audit': def(z.object({ cursor: z.string().max(100).optional(), limit: z.number().int().min(1).max(500).default(100) }), AuditPageDTO),
  'archive.watches': def(Empty, z.array(WatchDTO)),
  /** the query is checked first (code 'invalid' for a malformed query or a name in use) */
  'archive.watchAdd': def(z.object({ name: z.string().min(1).max(200), query: z.string().min(1).max(1000), breakthrough: z.boolean().default(false) }), WatchDTO),
  'archive.watchRemove': def(z.object({ id: z.string().max(100) }), Void),

  // --- host reports ------------------------------------------------------------------------------
  /** the host's idle time (ms since last input); drives auto-away */
  'host.idle': def(z.object({ idleMs: z.number().int().nonnegative(), locked: z.boolean().optional() }), Void),
  /** the OS says the network came back: waiting reconnects happen now */
  'host.networkUp': def(Empty, Void),
} satisfies Record<string, CommandDef>;

export type Commands = typeof commands;
export type CommandName = keyof Commands;
/** what the caller passes (defaults may be omitted) */
export type CommandInput<K extends CommandName> = z.input<Commands[K]['input']>;
/** what a handler receives (defaults applied) */
export type CommandParsed<K extends CommandName> = z.output<Commands[K]['input']>;
export type CommandOutput<K extends CommandName> = z.output<Commands[K]['output']>;

export const commandNames = Object.keys(commands) as CommandName[];
export function isCommandName(name: unknown): name is CommandName {
  return typeof name === 'string' && Object.prototype.hasOwnProperty.call(commands, name);
}
