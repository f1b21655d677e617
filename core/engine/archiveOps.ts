// The archive tools in the app (issue #10): import/export as jobs with progress events, retention
// (applied after unlock, every hour and on a policy change), legal hold, the audit log, and keyword
// watches that raise the engine's notifications. The work itself is in core/archive; this file wires
// it to the engine: commands, the schedule, and the engine's own events.
import { existsSync, readdirSync, statSync } from 'node:fs';
import { ContractError, type AnyEvent, type CommandParsed, type RetentionRunDTO } from '../../contract/index';
import { auditEntryDTO, exportSummaryDTO, importSummaryDTO, retentionDTO, watchDTO } from '../archive/dto';
import { DiskFullError } from '../archive/errors';
import { writeExport } from '../archive/export/index';
import { importSteps, type ImportProgress, type ImportTouched } from '../archive/importer';
import { auditPage, getLegalHold, getPolicy, retentionSteps, setAccountRetention, setLegalHold, type RetentionRun } from '../archive/retention';
import { collectSteps, type Selection } from '../archive/select';
import { JobRunner } from '../archive/jobs';
import { addWatch, listWatches, removeWatch } from '../archive/watch';
import { WatchNotifier } from '../archive/watchNotifier';
import { QueryError, type HistoryStore } from '../history/index';
import type { EngineContext } from './context';
import type { HandlerFamily } from './handlers';
import { effectiveStatus } from './presence';

const HOUR = 3_600_000;
/** messages per import transaction in the app: small, so the engine answers between batches */
const IMPORT_BATCH = 500;
/** messages per retention transaction in the app (FTS5 secure-delete makes each row costly: ~0.3 ms) */
const DELETE_BATCH = 500;
/** an import path holding more log files than this is refused (a home folder chosen by mistake) */
const MAX_IMPORT_FILES = 50_000;
const BY = 'app';

type ArchiveExportInput = CommandParsed<'archive.export'>;

const turn = () => new Promise<void>((r) => setImmediate(r));

/** Applies retention in the background, a batch per event-loop turn. */
async function runRetention(store: HistoryStore, opts: { now: number; by: string; dryRun?: boolean }): Promise<RetentionRun> {
  const steps = retentionSteps(store, { ...opts, batch: DELETE_BATCH });
  for (;;) {
    const r = steps.next();
    if (r.done) return r.value;
    await turn();
  }
}

function runDTO(r: RetentionRun): RetentionRunDTO {
  return { blocked: r.blocked, accounts: r.accounts.map((a) => ({ ...a, accountId: String(a.accountId) })) };
}

export const archiveOps: HandlerFamily = (ctx: EngineContext) => {
  const store = () => ctx.store;
  const jobs = new JobRunner((job) => ctx.emit({ type: 'archive.job', payload: job }), ctx.now, turn, () => ctx.live);
  let lastRunAt: number | null = null;
  let retentionTimer: unknown = null;
  let retentionRunning: Promise<RetentionRun | null> | null = null;

  const retention = () => retentionDTO(store().listAccounts(), getPolicy(store()), lastRunAt);
  const emitRetention = () => ctx.emit({ type: 'archive.retention', payload: retention() });

  /** one run at a time; while a legal hold is on the schedule does not try (a manual run does, audited) */
  const scheduledRetention = (): Promise<RetentionRun | null> => {
    if (retentionRunning || !ctx.live) return retentionRunning ?? Promise.resolve(null);
    if (getLegalHold(store()).on) return Promise.resolve(null);
    retentionRunning = runRetention(store(), { now: ctx.now(), by: 'schedule' })
      .then((r) => {
        lastRunAt = ctx.now();
        if (r.accounts.some((a) => a.deleted > 0)) emitRetention();
        return r;
      })
      .catch((err) => {
        ctx.log.warn('retention run failed', { err: err instanceof Error ? err.message : String(err) });
        return null;
      })
      .finally(() => {
        retentionRunning = null;
      });
    return retentionRunning;
  };

  const scheduleHourly = () => {
    if (retentionTimer) ctx.timers.clear(retentionTimer);
    retentionTimer = ctx.timers.set(() => {
      retentionTimer = null;
      if (!ctx.live) return;
      void scheduledRetention().finally(scheduleHourly);
    }, HOUR);
  };

  const watches = new WatchNotifier({
    store: () => (ctx.live ? ctx.archive.store : null),
    timers: ctx.timers,
    context: (conv) => ({
      dnd: effectiveStatus(ctx.status.state).dnd,
      muted: ctx.mutedSet().has(String(conv.id)),
      settings: ctx.settings.notifications,
      title: ctx.views.conversationTitle(ctx.runtimes.get(String(conv.accountId)), conv),
    }),
    notify: (n) => ctx.emit({ type: 'notify', payload: n }),
    warn: (message, meta) => ctx.log.warn(message, meta),
  });

  // The archive follows the engine's own event stream instead of hooks in the ingest path: the
  // unlock starts retention, stored messages wake the watches, the engine's notifications are
  // remembered so a watch does not notify the same message twice.
  const emit = ctx.emit.bind(ctx);
  ctx.emit = (e: AnyEvent) => {
    emit(e);
    if (e.type === 'messages.added') watches.messagesAdded();
    else if (e.type === 'notify' && e.payload.reason !== 'watch') watches.engineNotified(e.payload.messageId);
    else if (e.type === 'archive.status' && e.payload.state === 'unlocked' && !retentionTimer) {
      void scheduledRetention();
      scheduleHourly();
    }
  };

  const accountId = (id: string): number => {
    const n = Number(id);
    if (!Number.isSafeInteger(n) || !store().getAccount(n)) throw new ContractError('not-found', `no account ${id}`);
    return n;
  };

  const startImport = (paths: string[]): string => {
    const s = store();
    for (const p of paths) if (!existsSync(p)) throw new ContractError('not-found', `${p} does not exist`, { paths: `${p} does not exist` });
    const touched: ImportTouched = { newAccounts: new Set(), conversations: new Set() };
    const announced = new Set<number>();
    /** accounts the import created get a runtime (disabled) and appear in the app; conversations too */
    const announce = () => {
      for (const id of touched.newAccounts) {
        if (announced.has(id)) continue;
        announced.add(id);
        const a = s.getAccount(id);
        const rt = a ? ctx.connections.add(a) : null;
        if (rt) ctx.views.emitAccount(rt);
      }
      for (const c of touched.conversations) ctx.views.emitConversation(c);
      touched.conversations.clear();
    };
    const steps = (function* () {
      const gen = importSteps(s, paths, { batchSize: IMPORT_BATCH, maxFiles: MAX_IMPORT_FILES }, touched);
      for (;;) {
        const r = gen.next();
        announce();
        if (r.done) return r.value;
        yield { ...r.value, done: r.value.fileIndex + 1, total: r.value.files };
      }
    })();
    return jobs.start({
      kind: 'import',
      unit: 'files',
      steps,
      summary: (sum) => ({ import: importSummaryDTO(sum) }),
      partial: (last: (ImportProgress & { done: number }) | null) => (last ? { import: importSummaryDTO(last.summary) } : undefined),
      describeError: (err) => (err instanceof DiskFullError ? err.message : `import failed: ${err instanceof Error ? err.message : String(err)}`),
    }).jobId;
  };

  const exportSelection = (scope: ArchiveExportInput['scope']): Selection => {
    switch (scope.kind) {
      case 'conversation':
        ctx.conv(scope.conversationId);
        return { conversationIds: [Number(scope.conversationId)] };
      case 'person':
        return { conversationIds: ctx.views.personConversations(scope.personId).map((c) => c.id) };
      case 'all':
        return scope.accountId ? { account: String(accountId(scope.accountId)) } : {};
      case 'search':
        try {
          store().search(scope.query, { limit: 1 });
        } catch (err) {
          if (err instanceof QueryError) throw new ContractError('invalid', err.message, { 'scope.query': err.message });
          throw err;
        }
        return { query: scope.query };
    }
  };

  const exportTitle = (scope: ArchiveExportInput['scope']): string => {
    switch (scope.kind) {
      case 'search':
        return `search: ${scope.query}`;
      case 'person':
        return `person ${ctx.views.requirePerson(scope.personId).name}`;
      case 'conversation': {
        const c = ctx.conv(scope.conversationId);
        return `conversation ${ctx.views.conversationTitle(ctx.runtimes.get(String(c.accountId)), c)}`;
      }
      case 'all':
        return scope.accountId ? `all conversations of ${store().getAccount(Number(scope.accountId))?.label ?? scope.accountId}` : 'all conversations';
    }
  };

  const startExport = (input: ArchiveExportInput): string => {
    const { dir, formats, scope, since, until } = input;
    if (existsSync(dir) && (!statSync(dir).isDirectory() || readdirSync(dir).length > 0)) {
      throw new ContractError('invalid', `${dir} is not an empty folder`, { dir: 'choose an empty or new folder' });
    }
    if (since !== undefined && until !== undefined && since >= until) throw new ContractError('invalid', 'the range ends before it starts', { until: 'after the start' });
    const sel: Selection = { ...exportSelection(scope), ...(since !== undefined ? { since } : {}), ...(until !== undefined ? { until } : {}) };
    const title = exportTitle(scope);
    ctx.ingest.flush();
    const s = store();
    const steps = (function* () {
      const collect = collectSteps(s, sel);
      let r = collect.next();
      while (!r.done) {
        yield { done: r.value, total: 0 };
        r = collect.next();
      }
      const messages = r.value;
      yield { done: messages.length, total: messages.length };
      return writeExport(dir, messages, { title, selection: { scope, ...(since !== undefined ? { since } : {}), ...(until !== undefined ? { until } : {}) }, formats });
    })();
    return jobs.start({ kind: 'export', unit: 'messages', steps, summary: (m) => ({ export: exportSummaryDTO(dir, m) }) }).jobId;
  };

  return {
    'archive.import': ({ paths }) => ({ jobId: startImport(paths) }),
    'archive.export': (input) => ({ jobId: startExport(input) }),
    'archive.jobs': () => jobs.list(),
    'archive.jobCancel': ({ jobId }) => {
      if (!jobs.cancel(jobId)) throw new ContractError('not-found', 'no running job with that id');
      return null;
    },
    'archive.retentionGet': () => retention(),
    'archive.retentionSet': async ({ accountId: id, days }) => {
      setAccountRetention(store(), accountId(id), days, BY, ctx.now());
      emitRetention();
      await scheduledRetention();
      return retention();
    },
    'archive.holdSet': (h) => {
      setLegalHold(store(), h.on, h.on ? h.reason : null, BY, ctx.now());
      emitRetention();
      return retention();
    },
    'archive.retentionRun': async ({ dryRun }) => {
      await retentionRunning;
      const r = await runRetention(store(), { now: ctx.now(), by: BY, dryRun });
      if (!dryRun) {
        lastRunAt = ctx.now();
        emitRetention();
      }
      return runDTO(r);
    },
    'archive.audit': ({ cursor, limit }) => {
      const before = cursor === undefined ? undefined : Number(cursor);
      if (before !== undefined && !Number.isSafeInteger(before)) throw new ContractError('invalid', 'bad cursor', { cursor: 'bad cursor' });
      const page = auditPage(store(), { limit, ...(before !== undefined ? { before } : {}) });
      return { entries: page.entries.map(auditEntryDTO), ...(page.nextBefore !== undefined ? { nextCursor: String(page.nextBefore) } : {}) };
    },
    'archive.watches': () => listWatches(store()).map(watchDTO),
    'archive.watchAdd': ({ name, query, breakthrough }) => {
      try {
        const w = addWatch(store(), name, query, { breakthrough, now: ctx.now() });
        watches.watchesChanged();
        return watchDTO(w);
      } catch (err) {
        if (err instanceof QueryError) throw new ContractError('invalid', err.message, { query: err.message });
        if (err instanceof Error && /exists already/.test(err.message)) throw new ContractError('exists', err.message, { name: err.message });
        throw err;
      }
    },
    'archive.watchRemove': ({ id }) => {
      const n = Number(id);
      if (!Number.isSafeInteger(n) || !removeWatch(store(), n)) throw new ContractError('not-found', `no watch ${id}`);
      watches.watchesChanged();
      return null;
    },
  };
};

