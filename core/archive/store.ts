/**
 * The archive tools' adapter over core/history's public API: import records into the store,
 * collect messages for an export, statistics. Everything here uses only the HistoryStore interface.
 */
import { resolve } from 'node:path';
import type { Account, Conversation, HistoryStore, Message, MessageInput } from '../history/index';
import { DiskFullError, isDiskFull } from './errors';
import type { ExportMessage } from './export/types';
import { listLogFiles, readLogFile, type ImportedMessage, type LogFormat, type ParseIssue, type ParseOptions } from './import/index';

export const ID_SHIFT = 1024; // message ids are serverTime × 1024 + sequence (core/history)

// ---- import ----------------------------------------------------------------------------------

export interface ImportProgress {
  file: string;
  fileIndex: number;
  files: number;
  messages: number;
  inserted: number;
}

export interface ImportSummary {
  files: number;
  /** files whose format was not recognised */
  skippedFiles: number;
  lines: number;
  /** messages found in the logs */
  parsed: number;
  inserted: number;
  duplicates: number;
  byFormat: Partial<Record<LogFormat, number>>;
  issues: ParseIssue[];
}

export interface ImportOptions extends ParseOptions {
  format?: LogFormat;
  onProgress?: (p: ImportProgress) => void;
  /** parse only, write nothing */
  dryRun?: boolean;
  batchSize?: number;
}

function normAddress(protocol: string, address: string): string {
  return protocol === 'irc' || protocol === 'xmpp' ? address.toLowerCase() : address;
}

/** finds (or creates, disabled) the account imported messages belong to */
export class AccountResolver {
  private cache = new Map<string, number>();
  constructor(private store: HistoryStore) {}

  resolve(protocol: string, account: string, format: LogFormat): number {
    const key = `${protocol}:${account}`;
    const hit = this.cache.get(key);
    if (hit !== undefined) return hit;
    const want = account.toLowerCase();
    const found = this.store.listAccounts().find((a) => a.protocol === protocol && (
      a.config.importKey === key || a.label.toLowerCase() === want ||
      [a.config.jid, a.config.network, a.config.server, a.config.address].some((v) => typeof v === 'string' && v.toLowerCase() === want)));
    const id = found ? found.id : this.store.addAccount({
      protocol, label: account || `${format} import`, config: { importKey: key, imported: true }, enabled: false,
    }).id;
    this.cache.set(key, id);
    return id;
  }
}

export function toInput(store: HistoryStore, accounts: AccountResolver, convCache: Map<string, number>, m: ImportedMessage): MessageInput {
  const accountId = accounts.resolve(m.protocol, m.account, m.format);
  const address = normAddress(m.protocol, m.conversation.address);
  const ck = `${accountId}\u0000${m.conversation.kind}\u0000${address}`;
  let conversationId = convCache.get(ck);
  if (conversationId === undefined) {
    const title = address !== m.conversation.address ? m.conversation.address : null;
    conversationId = store.ensureConversation(accountId, m.conversation.kind, address, title).id;
    convCache.set(ck, conversationId);
  }
  return {
    accountId, conversationId,
    sender: m.sender, senderName: m.sender || null,
    body: m.body, kind: m.kind, direction: m.direction,
    serverTime: m.time, serverId: m.sourceId, state: null,
    source: `${m.format}:${m.path}:${m.line}`,
  };
}

/** Imports log files (folders are walked) into the store. Re-importing adds nothing. */
export function importLogs(store: HistoryStore | null, paths: string[], opts: ImportOptions = {}): ImportSummary {
  const files = listLogFiles(paths.map((p) => resolve(p)));
  const sum: ImportSummary = { files: files.length, skippedFiles: 0, lines: 0, parsed: 0, inserted: 0, duplicates: 0, byFormat: {}, issues: [] };
  const accounts = store ? new AccountResolver(store) : null;
  const convs = new Map<string, number>();
  const batch = opts.batchSize ?? 2000;
  files.forEach((file, fileIndex) => {
    const r = readLogFile(file, opts);
    sum.lines += r.lines;
    sum.issues.push(...r.issues);
    if (!r.format) { sum.skippedFiles++; return; }
    sum.parsed += r.messages.length;
    sum.byFormat[r.format] = (sum.byFormat[r.format] ?? 0) + r.messages.length;
    if (store && accounts && !opts.dryRun) {
      for (let i = 0; i < r.messages.length; i += batch) {
        let res;
        try {
          const rows = r.messages.slice(i, i + batch).map((m) => toInput(store, accounts, convs, m));
          res = store.insertMessages(rows);
        } catch (err) {
          if (isDiskFull(err)) throw new DiskFullError(sum.inserted, { cause: err });
          throw err;
        }
        for (const x of res) if (x.status === 'inserted') sum.inserted++; else sum.duplicates++;
      }
    }
    opts.onProgress?.({ file, fileIndex, files: files.length, messages: sum.parsed, inserted: sum.inserted });
  });
  return sum;
}

// ---- selection for export -----------------------------------------------------------------------

export interface Selection {
  /** conversation address or title (room or peer) */
  conversation?: string;
  /** account label, protocol or id */
  account?: string;
  /** a person: metacontact name, contact name or address, across networks */
  person?: string;
  /** a search query (the same language as `confab search`) */
  query?: string;
  /** ms epoch, inclusive */
  since?: number;
  /** ms epoch, exclusive */
  until?: number;
}

function matchAccount(a: Account, spec: string): boolean {
  const s = spec.toLowerCase();
  return String(a.id) === spec || a.label.toLowerCase() === s || a.protocol === s;
}

function toExport(m: Message, conv: Conversation, acc: Account | undefined): ExportMessage {
  return {
    id: m.id, time: m.serverTime, protocol: acc?.protocol ?? '?', account: acc?.label ?? String(m.accountId),
    conversation: conv.address, conversationKind: conv.kind, conversationTitle: conv.title,
    sender: m.sender, senderName: m.senderName, kind: m.kind, direction: m.direction, body: m.body,
    editedAt: m.editedAt, retractedAt: m.retractedAt, source: m.source,
  };
}

/** The conversations a selection covers (without a query). */
export function selectConversations(store: HistoryStore, sel: Selection): Conversation[] {
  const accounts = store.listAccounts().filter((a) => !sel.account || matchAccount(a, sel.account));
  const accIds = new Set(accounts.map((a) => a.id));
  let convs: Conversation[] = store.listConversations().filter((c) => accIds.has(c.accountId));
  if (sel.conversation) {
    const want = sel.conversation.toLowerCase();
    convs = convs.filter((c) => c.address.toLowerCase() === want || (c.title ?? '').toLowerCase() === want);
  }
  if (sel.person) {
    const want = sel.person.toLowerCase();
    const contactIds = new Set<number>();
    for (const mc of store.listMetacontacts()) if (mc.name.toLowerCase() === want) mc.contactIds.forEach((id) => contactIds.add(id));
    const contacts = store.listContacts();
    for (const c of contacts) if (c.address.toLowerCase() === want || (c.name ?? '').toLowerCase() === want) {
      contactIds.add(c.id);
      // the whole person when this contact is linked into one
      if (c.metacontactId !== null) for (const o of contacts) if (o.metacontactId === c.metacontactId) contactIds.add(o.id);
    }
    const pairs = new Set(contacts.filter((c) => contactIds.has(c.id)).map((c) => `${c.accountId}\u0000${c.address.toLowerCase()}`));
    convs = convs.filter((c) => c.kind === 'direct' && (
      (c.contactId !== null && contactIds.has(c.contactId)) || pairs.has(`${c.accountId}\u0000${c.address.toLowerCase()}`) || c.address.toLowerCase() === want));
  }
  return convs;
}

/** Messages for an export, ordered by conversation, then time. */
export function collectMessages(store: HistoryStore, sel: Selection): ExportMessage[] {
  const accounts = new Map(store.listAccounts().map((a) => [a.id, a]));
  const out: { m: Message; c: Conversation }[] = [];
  const inRange = (m: Message) => (sel.since === undefined || m.serverTime >= sel.since) && (sel.until === undefined || m.serverTime < sel.until);
  if (sel.query) {
    const convIds = sel.conversation || sel.person || sel.account ? new Set(selectConversations(store, sel).map((c) => c.id)) : null;
    let cursor: string | null = null;
    do {
      const page = store.search(sel.query, { limit: 500, cursor });
      for (const h of page.hits) if ((!convIds || convIds.has(h.conversation.id)) && inRange(h.message)) out.push({ m: h.message, c: h.conversation });
      cursor = page.nextCursor;
    } while (cursor);
  } else {
    for (const c of selectConversations(store, sel)) {
      let after = sel.since !== undefined ? sel.since * ID_SHIFT - 1 : 0;
      for (;;) {
        const page = store.after(c.id, after, 500);
        if (!page.length) break;
        let done = false;
        for (const m of page) {
          if (sel.until !== undefined && m.serverTime >= sel.until) { done = true; break; }
          if (inRange(m)) out.push({ m, c });
        }
        if (done) break;
        after = page[page.length - 1]!.id;
      }
    }
  }
  out.sort((a, b) => (a.c.id - b.c.id) || (a.m.id - b.m.id));
  return out.map(({ m, c }) => toExport(m, c, accounts.get(m.accountId)));
}

// ---- stats ---------------------------------------------------------------------------------------

export interface ArchiveStats {
  messages: number;
  accounts: number;
  conversations: number;
  perAccount: { id: number; label: string; protocol: string; conversations: number; messages: number }[];
  schemaVersion: number;
}

export function archiveStats(store: HistoryStore): ArchiveStats {
  const convs = store.listConversations();
  const perAccount = store.listAccounts().map((a) => {
    const mine = convs.filter((c) => c.accountId === a.id);
    return { id: a.id, label: a.label, protocol: a.protocol, conversations: mine.length, messages: mine.reduce((n, c) => n + store.countMessages(c.id), 0) };
  });
  return { messages: store.countMessages(), accounts: perAccount.length, conversations: convs.length, perAccount, schemaVersion: store.version };
}
