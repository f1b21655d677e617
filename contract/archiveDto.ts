/**
 * DTOs of the archive tools in the app (issue #10): import / export jobs, retention, legal hold,
 * the audit log and keyword watches. Re-exported by dto.ts.
 */
import { z } from 'zod';
import { Id, Time } from './scalars';

// ---- archive tools: import / export jobs, retention, legal hold, audit, keyword watches (issue #10) ----

/**
 * A path on the ENGINE's machine (the web host binds loopback only, so that is the user's machine).
 * Absolute (POSIX "/…" or Windows "C:\…" / "\\server\…"), no NUL, at most 4096 characters.
 */
export const LocalPath = z
  .string()
  .min(1)
  .max(4096)
  .refine((p) => !p.includes('\u0000'), 'a path may not contain NUL')
  .refine((p) => p.startsWith('/') || /^[A-Za-z]:[\\/]/.test(p) || p.startsWith('\\\\'), 'the path must be absolute');
export type LocalPath = z.infer<typeof LocalPath>;

export const ExportFormatDTO = z.enum(['html', 'txt', 'jsonl']);
export type ExportFormatDTO = z.infer<typeof ExportFormatDTO>;

/** What an export covers; `since`/`until` of the command narrow any of them to a date range. */
export const ExportScopeDTO = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('conversation'), conversationId: Id }),
  /** a person (metacontact) across all their identities and networks */
  z.object({ kind: z.literal('person'), personId: Id }),
  /** every conversation (with since/until: a date range) */
  z.object({ kind: z.literal('all'), accountId: Id.optional() }),
  /** the results of a search (the query language of search.query) */
  z.object({ kind: z.literal('search'), query: z.string().min(1).max(1000) }),
]);
export type ExportScopeDTO = z.infer<typeof ExportScopeDTO>;

export const ImportIssueDTO = z.object({ path: z.string(), line: z.number().int().optional(), message: z.string() });
export type ImportIssueDTO = z.infer<typeof ImportIssueDTO>;

export const ImportSummaryDTO = z.object({
  files: z.number().int(),
  /** files whose format was not recognised */
  skippedFiles: z.number().int(),
  lines: z.number().int(),
  /** messages found in the logs */
  parsed: z.number().int(),
  inserted: z.number().int(),
  /** already in the archive (re-import adds nothing) */
  duplicates: z.number().int(),
  byFormat: z.record(z.string(), z.number().int()),
  /** the first malformed files/lines (at most 200), with path and line */
  issues: z.array(ImportIssueDTO),
  issueCount: z.number().int(),
});
export type ImportSummaryDTO = z.infer<typeof ImportSummaryDTO>;

export const ExportSummaryDTO = z.object({
  dir: z.string(),
  messages: z.number().int(),
  /** last link of the hash chain: note it down to prove the export later (confab verify --head) */
  chainHead: z.string(),
  files: z.array(z.object({ name: z.string(), sha256: z.string(), bytes: z.number().int() })),
});
export type ExportSummaryDTO = z.infer<typeof ExportSummaryDTO>;

export const ArchiveJobDTO = z.object({
  jobId: z.string(),
  kind: z.enum(['import', 'export']),
  state: z.enum(['running', 'done', 'failed', 'cancelled']),
  /** progress in `unit`s (import: files, export: messages); total 0 while unknown */
  done: z.number().int().nonnegative(),
  total: z.number().int().nonnegative(),
  unit: z.enum(['files', 'messages']),
  startedAt: Time,
  finishedAt: Time.optional(),
  /** when done (an import stopped by a full disk is 'failed' and still carries what it stored) */
  summary: z.union([z.object({ import: ImportSummaryDTO }), z.object({ export: ExportSummaryDTO })]).optional(),
  error: z.string().optional(),
});
export type ArchiveJobDTO = z.infer<typeof ArchiveJobDTO>;

export const LegalHoldDTO = z.object({ on: z.boolean(), reason: z.string().optional(), since: Time.optional() });
export type LegalHoldDTO = z.infer<typeof LegalHoldDTO>;

export const RetentionDTO = z.object({
  /** every account with history, also removed ones whose history was kept (removed: true);
   *  days absent = keep forever (the default) */
  accounts: z.array(z.object({ accountId: Id, label: z.string(), protocol: z.string(), days: z.number().int().positive().optional(), removed: z.boolean().optional() })),
  hold: LegalHoldDTO,
  /** last automatic or manual run */
  lastRunAt: Time.optional(),
});
export type RetentionDTO = z.infer<typeof RetentionDTO>;

export const RetentionRunDTO = z.object({
  /** a legal hold stopped it (nothing deleted; the attempt is in the audit log) */
  blocked: z.boolean(),
  accounts: z.array(z.object({ accountId: Id, days: z.number().int(), cutoff: Time, due: z.number().int(), deleted: z.number().int() })),
});
export type RetentionRunDTO = z.infer<typeof RetentionRunDTO>;

export const AuditEntryDTO = z.object({
  id: z.string(),
  at: Time,
  action: z.enum(['set-retention', 'hold-on', 'hold-off', 'delete', 'delete-blocked']),
  accountId: Id.optional(),
  days: z.number().int().nullable().optional(),
  /** messages older than this were concerned */
  cutoff: Time.optional(),
  count: z.number().int().optional(),
  reason: z.string().optional(),
  /** who asked: 'app', 'cli', 'schedule' */
  by: z.string().optional(),
});
export type AuditEntryDTO = z.infer<typeof AuditEntryDTO>;

export const AuditPageDTO = z.object({ entries: z.array(AuditEntryDTO), nextCursor: z.string().optional() });
export type AuditPageDTO = z.infer<typeof AuditPageDTO>;

/** A keyword watch: a saved search that notifies for new matching messages. */
export const WatchDTO = z.object({
  id: z.string(),
  name: z.string(),
  query: z.string(),
  /** notifies even under Do Not Disturb and in muted conversations */
  breakthrough: z.boolean(),
  createdAt: Time,
});
export type WatchDTO = z.infer<typeof WatchDTO>;
