// Import and export as jobs of the engine (core/archive/jobs.ts): the command validates and answers
// with the job id at once; the work runs in steps with event-loop turns between them.
import { existsSync, readdirSync, statSync } from 'node:fs';
import { ContractError, type CommandParsed } from '../../contract/index';
import { exportSummaryDTO, importSummaryDTO } from '../archive/dto';
import { DiskFullError } from '../archive/errors';
import { writeExportSteps } from '../archive/export/index';
import { importSteps, type ImportProgress, type ImportTouched } from '../archive/importer';
import type { JobRunner } from '../archive/jobs';
import { collectSteps, type Selection } from '../archive/select';
import { QueryError } from '../history/index';
import type { EngineContext } from './context';

/** messages per import transaction in the app: small, so the engine answers between batches */
const IMPORT_BATCH = 500;
/** an import path holding more log files than this is refused (a home folder chosen by mistake) */
const MAX_IMPORT_FILES = 50_000;

type ExportInput = CommandParsed<'archive.export'>;
type Scope = ExportInput['scope'];

export function accountIdOf(ctx: EngineContext, id: string): number {
  const n = Number(id);
  if (!Number.isSafeInteger(n) || !ctx.store.getAccount(n)) throw new ContractError('not-found', `no account ${id}`);
  return n;
}

export function startImport(ctx: EngineContext, jobs: JobRunner, paths: string[]): string {
  const s = ctx.store;
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
}

function exportSelection(ctx: EngineContext, scope: Scope): Selection {
  switch (scope.kind) {
    case 'conversation':
      ctx.conv(scope.conversationId);
      return { conversationIds: [Number(scope.conversationId)] };
    case 'person':
      return { conversationIds: ctx.views.personConversations(scope.personId).map((c) => c.id) };
    case 'all':
      return scope.accountId ? { account: String(accountIdOf(ctx, scope.accountId)) } : {};
    case 'search':
      try {
        ctx.store.search(scope.query, { limit: 1 });
      } catch (err) {
        if (err instanceof QueryError) throw new ContractError('invalid', err.message, { 'scope.query': err.message });
        throw err;
      }
      return { query: scope.query };
  }
}

function exportTitle(ctx: EngineContext, scope: Scope): string {
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
      return scope.accountId ? `all conversations of ${ctx.store.getAccount(Number(scope.accountId))?.label ?? scope.accountId}` : 'all conversations';
  }
}

export function startExport(ctx: EngineContext, jobs: JobRunner, input: ExportInput): string {
  const { dir, formats, scope, since, until } = input;
  if (existsSync(dir) && (!statSync(dir).isDirectory() || readdirSync(dir).length > 0)) {
    throw new ContractError('invalid', `${dir} is not an empty folder`, { dir: 'choose an empty or new folder' });
  }
  if (since !== undefined && until !== undefined && since >= until) throw new ContractError('invalid', 'the range ends before it starts', { until: 'after the start' });
  const range = { ...(since !== undefined ? { since } : {}), ...(until !== undefined ? { until } : {}) };
  const sel: Selection = { ...exportSelection(ctx, scope), ...range };
  const title = exportTitle(ctx, scope);
  ctx.ingest.flush();
  const s = ctx.store;
  const steps = (function* () {
    const collect = collectSteps(s, sel);
    let r = collect.next();
    while (!r.done) {
      yield { done: r.value, total: 0 };
      r = collect.next();
    }
    const messages = r.value;
    // writing: the bar is full, the files are written a chunk per step
    const write = writeExportSteps(dir, messages, { title, selection: { scope, ...range }, formats });
    for (let w = write.next(); ; w = write.next()) {
      if (w.done) return w.value;
      yield { done: messages.length, total: messages.length };
    }
  })();
  return jobs.start({ kind: 'export', unit: 'messages', steps, summary: (m) => ({ export: exportSummaryDTO(dir, m) }) }).jobId;
}
