/**
 * Retention: per account keep forever (the default) or delete messages older than N days; a legal
 * hold blocks every deletion; every policy change, hold change, deletion and blocked deletion is
 * appended to an audit log.
 *
 * Storage: core/history has no retention/audit tables yet, so policy and audit live in the store's
 * encrypted settings ('archive.retention', 'archive.audit') through its public API. Deletion uses
 * the store's row deletion when it offers one (`deleteMessages(ids)`); otherwise it RETRACTS the
 * messages (body emptied, removed from the search index with secure-delete; time and sender stay
 * as a tombstone) and says so in the audit entry (method: 'retract').
 */
import type { HistoryStore, Message } from '../history/index';
import { LegalHoldError } from './errors';

export const POLICY_KEY = 'archive.retention';
export const AUDIT_KEY = 'archive.audit';
const DAY = 86_400_000;

export interface RetentionPolicy {
  /** account id → days to keep (null or absent = forever) */
  accounts: Record<string, number | null>;
  hold: { on: boolean; reason: string | null; since: number | null };
}

export type AuditAction = 'set-retention' | 'hold-on' | 'hold-off' | 'delete' | 'delete-blocked';

export interface AuditEntry {
  at: number;
  action: AuditAction;
  accountId?: number;
  days?: number | null;
  /** messages older than this (ms epoch) were concerned */
  cutoff?: number;
  count?: number;
  method?: 'delete' | 'retract';
  reason?: string | null;
  /** who asked: 'cli', 'app', … */
  by?: string;
}

export function getPolicy(store: HistoryStore): RetentionPolicy {
  const p = store.getSetting<RetentionPolicy>(POLICY_KEY);
  return { accounts: { ...(p?.accounts ?? {}) }, hold: p?.hold ?? { on: false, reason: null, since: null } };
}

export function auditLog(store: HistoryStore): AuditEntry[] {
  return store.getSetting<AuditEntry[]>(AUDIT_KEY) ?? [];
}

function appendAudit(store: HistoryStore, e: AuditEntry): void {
  store.setSetting(AUDIT_KEY, [...auditLog(store), e]);
}

/** days = null: keep forever */
export function setAccountRetention(store: HistoryStore, accountId: number, days: number | null, by = 'cli', now = Date.now()): RetentionPolicy {
  if (!store.getAccount(accountId)) throw new Error(`no account with id ${accountId}`);
  if (days !== null && (!Number.isInteger(days) || days < 1)) throw new Error('days must be a whole number ≥ 1 (or "forever")');
  const p = getPolicy(store);
  if (days === null) delete p.accounts[String(accountId)]; else p.accounts[String(accountId)] = days;
  store.setSetting(POLICY_KEY, p);
  appendAudit(store, { at: now, action: 'set-retention', accountId, days, by });
  return p;
}

export function setLegalHold(store: HistoryStore, on: boolean, reason: string | null, by = 'cli', now = Date.now()): RetentionPolicy {
  const p = getPolicy(store);
  p.hold = on ? { on: true, reason, since: now } : { on: false, reason: null, since: null };
  store.setSetting(POLICY_KEY, p);
  appendAudit(store, { at: now, action: on ? 'hold-on' : 'hold-off', reason, by });
  return p;
}

/** ids of the account's messages older than cutoff that still hold content */
export function dueMessages(store: HistoryStore, accountId: number, cutoff: number): number[] {
  const ids: number[] = [];
  for (const c of store.listConversations(accountId)) {
    let after = 0;
    for (;;) {
      const page: Message[] = store.after(c.id, after, 1000);
      if (!page.length) break;
      let done = false;
      for (const m of page) {
        if (m.serverTime >= cutoff) { done = true; break; }
        if (m.retractedAt === null) ids.push(m.id);
      }
      if (done) break;
      after = page[page.length - 1]!.id;
    }
  }
  return ids;
}

export interface RetentionRun {
  blocked: boolean;
  method: 'delete' | 'retract';
  accounts: { accountId: number; days: number; cutoff: number; due: number; deleted: number }[];
}

type MaybeDeleting = HistoryStore & { deleteMessages?: (ids: number[]) => unknown };

/**
 * Applies the policy now. Throws LegalHoldError (after auditing the blocked attempt) when a hold is
 * on and anything is due. dryRun counts without deleting and writes no audit entry.
 */
export function applyRetention(store: HistoryStore, opts: { now?: number; dryRun?: boolean; by?: string } = {}): RetentionRun {
  const now = opts.now ?? Date.now();
  const p = getPolicy(store);
  const del = (store as MaybeDeleting).deleteMessages;
  const method: 'delete' | 'retract' = typeof del === 'function' ? 'delete' : 'retract';
  const run: RetentionRun = { blocked: false, method, accounts: [] };
  const plan: { accountId: number; days: number; cutoff: number; ids: number[] }[] = [];
  for (const [id, days] of Object.entries(p.accounts)) {
    if (days === null || days === undefined) continue;
    const accountId = Number(id);
    if (!store.getAccount(accountId)) continue;
    const cutoff = now - days * DAY;
    plan.push({ accountId, days, cutoff, ids: dueMessages(store, accountId, cutoff) });
  }
  const due = plan.reduce((n, x) => n + x.ids.length, 0);
  if (p.hold.on && due > 0) {
    run.blocked = true;
    run.accounts = plan.map((x) => ({ accountId: x.accountId, days: x.days, cutoff: x.cutoff, due: x.ids.length, deleted: 0 }));
    if (!opts.dryRun) {
      appendAudit(store, { at: now, action: 'delete-blocked', count: due, reason: p.hold.reason, by: opts.by ?? 'cli' });
      throw new LegalHoldError(p.hold.reason);
    }
    return run;
  }
  for (const x of plan) {
    let deleted = 0;
    if (!opts.dryRun && x.ids.length) {
      if (method === 'delete') { del!.call(store, x.ids); deleted = x.ids.length; }
      else for (const id of x.ids) { store.retractMessage(id, now); deleted++; }
      appendAudit(store, { at: now, action: 'delete', accountId: x.accountId, days: x.days, cutoff: x.cutoff, count: deleted, method, by: opts.by ?? 'cli' });
    }
    run.accounts.push({ accountId: x.accountId, days: x.days, cutoff: x.cutoff, due: x.ids.length, deleted });
  }
  return run;
}
