// The archive tools in the app (issue #10): import/export as jobs with progress events, retention
// (archiveOpsRetention.ts), legal hold, the audit log, and keyword watches that raise the engine's
// notifications. The work itself is in core/archive; these files wire it to the engine.
import { ContractError, type AnyEvent } from '../../contract/index';
import { auditEntryDTO, watchDTO } from '../archive/dto';
import { JobRunner } from '../archive/jobs';
import { auditPage, setAccountRetention, setLegalHold } from '../archive/retention';
import { addWatch, listWatches, removeWatch } from '../archive/watch';
import { WatchNotifier } from '../archive/watchNotifier';
import { QueryError } from '../history/index';
import { accountIdOf, startExport, startImport } from './archiveOpsJobs';
import { RetentionSchedule, runDTO } from './archiveOpsRetention';
import type { EngineContext } from './context';
import { IndexCompactionSchedule } from './indexCompactionSchedule';
import type { HandlerFamily } from './handlers';
import { effectiveStatus } from './presence';

/** who asked, in the audit log */
const BY = 'app';
const turn = () => new Promise<void>((r) => setImmediate(r));

function watchNotifier(ctx: EngineContext): WatchNotifier {
  return new WatchNotifier({
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
}

export const archiveOps: HandlerFamily = (ctx: EngineContext) => {
  const store = () => ctx.store;
  const jobs = new JobRunner((job) => ctx.emit({ type: 'archive.job', payload: job }), ctx.now, turn, () => ctx.live);
  const retention = new RetentionSchedule(ctx, turn);
  const watches = watchNotifier(ctx);
  const compaction = new IndexCompactionSchedule(ctx);

  // The archive follows the engine's own event stream instead of hooks in the ingest path: the
  // unlock starts retention, stored messages wake the watches, the engine's notifications are
  // remembered so a watch does not notify the same message twice.
  // The full-text index is compacted when the engine is quiet (after unlock, imports, retention).
  ctx.onEmit((e: AnyEvent) => {
    if (e.type === 'messages.added') {
      watches.messagesAdded();
      compaction.activity();
    } else if (e.type === 'notify' && e.payload.reason !== 'watch') watches.engineNotified(e.payload.messageId);
    else if (e.type === 'archive.status' && e.payload.state === 'unlocked') {
      retention.start();
      compaction.start();
    } else if (e.type === 'archive.status' && e.payload.state !== 'unlocked') compaction.stop();
    else if ((e.type === 'archive.job' && e.payload.kind === 'import' && e.payload.state !== 'running') || e.type === 'archive.retention') compaction.check();
  });

  return {
    'archive.import': ({ paths }) => ({ jobId: startImport(ctx, jobs, paths) }),
    'archive.export': (input) => ({ jobId: startExport(ctx, jobs, input) }),
    'archive.jobs': () => jobs.list(),
    'archive.jobCancel': ({ jobId }) => {
      if (!jobs.cancel(jobId)) throw new ContractError('not-found', 'no running job with that id');
      return null;
    },
    'archive.retentionGet': () => retention.dto(),
    'archive.retentionSet': ({ accountId, days }) => {
      setAccountRetention(store(), accountIdOf(ctx, accountId), days, BY, ctx.now());
      retention.emit();
      // applied in the background (a large deletion takes a while); archive.retention tells the end
      void retention.automatic(BY);
      return retention.dto();
    },
    'archive.holdSet': (h) => {
      setLegalHold(store(), h.on, h.on ? h.reason : null, BY, ctx.now());
      retention.emit();
      return retention.dto();
    },
    'archive.retentionRun': async ({ dryRun }) => runDTO(await retention.manual(BY, dryRun)),
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
