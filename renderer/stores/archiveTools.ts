/**
 * The archive tools (issue #10): import / export jobs with their progress, the retention policy and
 * legal hold, and keyword watches. Jobs run in the engine; `archive.job` events move them here.
 */
import { create } from 'zustand';
import type { ArchiveJobDTO, CommandInput, RetentionDTO, WatchDTO } from '../../contract';
import { rpc } from '../bridge/api';
import { useUi } from './ui';

interface ArchiveToolsState {
  /** jobs of this engine run by id (the newest last) */
  jobs: Record<string, ArchiveJobDTO>;
  retention: RetentionDTO | null;
  watches: WatchDTO[];
  loadJobs(): Promise<void>;
  jobChanged(j: ArchiveJobDTO): void;
  startImport(paths: string[]): Promise<string>;
  startExport(input: CommandInput<'archive.export'>): Promise<string>;
  cancelJob(jobId: string): Promise<void>;
  loadRetention(): Promise<void>;
  setRetention(r: RetentionDTO): void;
  setDays(accountId: string, days: number | null): Promise<void>;
  setHold(on: boolean, reason?: string): Promise<void>;
  loadWatches(): Promise<void>;
  addWatch(name: string, query: string, breakthrough: boolean): Promise<void>;
  removeWatch(id: string): Promise<void>;
}

const placeholder = (jobId: string, kind: ArchiveJobDTO['kind']): ArchiveJobDTO => ({
  jobId,
  kind,
  state: 'running',
  done: 0,
  total: 0,
  unit: kind === 'import' ? 'files' : 'messages',
  startedAt: Date.now(),
});

export const useArchiveTools = create<ArchiveToolsState>((set, get) => ({
  jobs: {},
  retention: null,
  watches: [],
  async loadJobs() {
    const list = await rpc('archive.jobs', {});
    set({ jobs: Object.fromEntries(list.map((j) => [j.jobId, j])) });
  },
  jobChanged(j) {
    const before = get().jobs[j.jobId];
    set({ jobs: { ...get().jobs, [j.jobId]: j } });
    // the dialog may be closed by now: say when a job ends
    if (before?.state === 'running' && j.state !== 'running') {
      const what = j.kind === 'import' ? 'Import' : 'Export';
      if (j.state === 'done') useUi.getState().toast(`${what} finished`);
      else if (j.state === 'failed') useUi.getState().toast(`${what} failed: ${j.error ?? 'see the archive tools'}`, 'error');
    }
  },
  async startImport(paths) {
    const { jobId } = await rpc('archive.import', { paths });
    // events may have arrived before the reply: never overwrite them with the placeholder
    if (!get().jobs[jobId]) set({ jobs: { ...get().jobs, [jobId]: placeholder(jobId, 'import') } });
    return jobId;
  },
  async startExport(input) {
    const { jobId } = await rpc('archive.export', input);
    if (!get().jobs[jobId]) set({ jobs: { ...get().jobs, [jobId]: placeholder(jobId, 'export') } });
    return jobId;
  },
  async cancelJob(jobId) {
    await rpc('archive.jobCancel', { jobId });
  },
  async loadRetention() {
    set({ retention: await rpc('archive.retentionGet', {}) });
  },
  setRetention(r) {
    set({ retention: r });
  },
  async setDays(accountId, days) {
    set({ retention: await rpc('archive.retentionSet', { accountId, days }) });
  },
  async setHold(on, reason) {
    set({ retention: await rpc('archive.holdSet', on ? { on: true, reason: reason ?? '' } : { on: false }) });
  },
  async loadWatches() {
    set({ watches: await rpc('archive.watches', {}) });
  },
  async addWatch(name, query, breakthrough) {
    const w = await rpc('archive.watchAdd', { name, query, breakthrough });
    set({ watches: [...get().watches.filter((x) => x.id !== w.id), w] });
  },
  async removeWatch(id) {
    await rpc('archive.watchRemove', { id });
    set({ watches: get().watches.filter((w) => w.id !== id) });
  },
}));
