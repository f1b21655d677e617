/** The archive tools' records as contract DTOs (ids as strings, absent instead of null). */
import type { AuditEntryDTO, ExportSummaryDTO, ImportSummaryDTO, RetentionDTO, WatchDTO } from '../../contract/index';
import type { Account } from '../history/index';
import type { AuditEntry } from './audit';
import type { Manifest } from './export/types';
import type { ImportSummary } from './importer';
import type { RetentionPolicy } from './retention';
import type { Watch } from './watch';

/** issues listed in a summary (the count says how many there were) */
const MAX_ISSUES = 200;

export function importSummaryDTO(s: ImportSummary): ImportSummaryDTO {
  const byFormat: Record<string, number> = {};
  for (const [k, v] of Object.entries(s.byFormat)) if (v !== undefined) byFormat[k] = v;
  return {
    files: s.files, skippedFiles: s.skippedFiles, lines: s.lines, parsed: s.parsed, inserted: s.inserted, duplicates: s.duplicates, byFormat,
    issues: s.issues.slice(0, MAX_ISSUES).map((i) => ({ path: i.path, ...(i.line > 0 ? { line: i.line } : {}), message: i.message })),
    issueCount: s.issues.length,
  };
}

export function exportSummaryDTO(dir: string, m: Manifest): ExportSummaryDTO {
  return { dir, messages: m.count, chainHead: m.chainHead, files: m.files.map((f) => ({ name: f.name, sha256: f.sha256, bytes: f.bytes })) };
}

/** isRemoved: an account the user removed while keeping its history (still under retention) */
export function retentionDTO(accounts: Account[], p: RetentionPolicy, lastRunAt: number | null, isRemoved: (a: Account) => boolean = () => false): RetentionDTO {
  return {
    accounts: accounts.map((a) => {
      const days = p.accounts[String(a.id)];
      return { accountId: String(a.id), label: a.label, protocol: a.protocol, ...(days ? { days } : {}), ...(isRemoved(a) ? { removed: true } : {}) };
    }),
    hold: { on: p.hold.on, ...(p.hold.reason ? { reason: p.hold.reason } : {}), ...(p.hold.since !== null ? { since: p.hold.since } : {}) },
    ...(lastRunAt !== null ? { lastRunAt } : {}),
  };
}

export function auditEntryDTO(e: AuditEntry): AuditEntryDTO {
  return {
    id: String(e.id), at: e.at, action: e.action,
    ...(e.accountId !== undefined ? { accountId: String(e.accountId) } : {}),
    ...(e.days !== undefined ? { days: e.days } : {}),
    ...(e.cutoff !== undefined ? { cutoff: e.cutoff } : {}),
    ...(e.count !== undefined ? { count: e.count } : {}),
    ...(e.reason ? { reason: e.reason } : {}),
    ...(e.by ? { by: e.by } : {}),
  };
}

export function watchDTO(w: Watch): WatchDTO {
  return { id: String(w.id), name: w.name, query: w.query, breakthrough: w.breakthrough, createdAt: w.createdAt };
}
