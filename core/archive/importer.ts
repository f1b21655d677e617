/**
 * Import of old log files into the store. `importSteps` is a generator that yields after each
 * stored batch, so the engine can give its event loop a turn (and stop a cancelled job) between
 * batches; the CLI runs it to the end with `importLogs`. Re-importing adds nothing (each line has a
 * stable source id, deduplicated by the store).
 */
import { resolve } from 'node:path';
import type { HistoryStore, MessageInput } from '../history/index';
import { DiskFullError, isDiskFull } from './errors';
import { drain } from './steps';
import { listLogFiles, readLogFileSteps, type ImportedMessage, type LogFormat, type ParseIssue, type ParseOptions } from './import/index';

export interface ImportProgress {
  file: string;
  fileIndex: number;
  files: number;
  messages: number;
  inserted: number;
  /** the running summary (what a stopped or failed import did so far) */
  summary: ImportSummary;
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
  /** refuse more candidate files than this (the app: a folder chosen by mistake) */
  maxFiles?: number;
}

/** what the import touched, for the app to show (accounts it created, conversations it wrote to) */
export interface ImportTouched {
  newAccounts: Set<number>;
  conversations: Set<number>;
}

function normAddress(protocol: string, address: string): string {
  return protocol === 'irc' || protocol === 'xmpp' ? address.toLowerCase() : address;
}

/** finds (or creates, disabled) the account imported messages belong to */
export class AccountResolver {
  private cache = new Map<string, number>();
  readonly created = new Set<number>();
  constructor(private store: HistoryStore) {}

  resolve(protocol: string, account: string, format: LogFormat): number {
    const key = `${protocol}:${account}`;
    const hit = this.cache.get(key);
    if (hit !== undefined) return hit;
    const want = account.toLowerCase();
    const found = this.store.listAccounts().find((a) => a.protocol === protocol && (
      a.config.importKey === key || a.label.toLowerCase() === want ||
      [a.config.jid, a.config.network, a.config.server, a.config.address].some((v) => typeof v === 'string' && v.toLowerCase() === want)));
    let id: number;
    if (found) id = found.id;
    else {
      id = this.store.addAccount({ protocol, label: account || `${format} import`, config: { importKey: key, imported: true }, enabled: false }).id;
      this.created.add(id);
    }
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
    // the old client received it then: never "new" for keyword watches
    serverTime: m.time, receivedTime: m.time, serverId: m.sourceId, state: null,
    source: `${m.format}:${m.path}:${m.line}`,
  };
}

/**
 * Imports log files (folders are walked), yielding progress after each stored batch and after each
 * file. Returns the summary; `touched` (when given) collects what the import created or wrote to.
 */
export function* importSteps(store: HistoryStore | null, paths: string[], opts: ImportOptions = {}, touched?: ImportTouched): Generator<ImportProgress, ImportSummary> {
  const files = listLogFiles(paths.map((p) => resolve(p)), opts.maxFiles !== undefined ? { maxFiles: opts.maxFiles } : {});
  const sum: ImportSummary = { files: files.length, skippedFiles: 0, lines: 0, parsed: 0, inserted: 0, duplicates: 0, byFormat: {}, issues: [] };
  const accounts = store ? new AccountResolver(store) : null;
  const convs = new Map<string, number>();
  const batch = opts.batchSize ?? 2000;
  for (const [fileIndex, file] of files.entries()) {
    const progress = (): ImportProgress => ({ file, fileIndex, files: files.length, messages: sum.parsed, inserted: sum.inserted, summary: sum });
    // parsed in slices of lines: the engine answers between them (a 100k-line log takes ~1 s)
    const parsing = readLogFileSteps(file, opts);
    let step = parsing.next();
    for (; !step.done; step = parsing.next()) yield progress();
    const r = step.value;
    sum.lines += r.lines;
    sum.issues.push(...r.issues);
    if (!r.format) {
      sum.skippedFiles++;
    } else {
      sum.parsed += r.messages.length;
      sum.byFormat[r.format] = (sum.byFormat[r.format] ?? 0) + r.messages.length;
      if (store && accounts && !opts.dryRun) {
        for (let i = 0; i < r.messages.length; i += batch) {
          let res;
          const rows = r.messages.slice(i, i + batch).map((m) => toInput(store, accounts, convs, m));
          try {
            res = store.insertMessages(rows);
          } catch (err) {
            if (isDiskFull(err)) throw new DiskFullError(sum.inserted, { cause: err });
            throw err;
          }
          for (const x of res) if (x.status === 'inserted') sum.inserted++; else sum.duplicates++;
          for (const row of new Set(rows.map((x) => x.conversationId))) store.markImportedRead(row);
          if (touched) {
            for (const row of rows) touched.conversations.add(row.conversationId);
            for (const id of accounts.created) touched.newAccounts.add(id);
          }
          if (i + batch < r.messages.length) yield progress();
        }
      }
    }
    const p = progress();
    opts.onProgress?.(p);
    yield p;
  }
  return sum;
}

/** Imports log files (folders are walked) into the store at once. Re-importing adds nothing. */
export function importLogs(store: HistoryStore | null, paths: string[], opts: ImportOptions = {}): ImportSummary {
  return drain(importSteps(store, paths, opts));
}
