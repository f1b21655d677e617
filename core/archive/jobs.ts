/**
 * Long archive work (import, export) as jobs in the engine: a generator does the work in steps,
 * the runner gives the event loop a turn between steps (commands and incoming messages go on),
 * reports progress as `archive.job` DTOs, and stops a cancelled job between steps.
 */
import { randomUUID } from 'node:crypto';
import type { ArchiveJobDTO } from '../../contract/index';

export interface JobProgress {
  done: number;
  total: number;
}

export interface JobDefinition<P extends JobProgress, R> {
  kind: ArchiveJobDTO['kind'];
  unit: ArchiveJobDTO['unit'];
  steps: Generator<P, R>;
  /** the summary when done */
  summary: (result: R) => NonNullable<ArchiveJobDTO['summary']>;
  /** what a failed or cancelled job did so far (from its last progress), if anything */
  partial?: (last: P | null) => ArchiveJobDTO['summary'];
  /** the user-facing message of an error (never message text) */
  describeError?: (err: unknown) => string;
}

/** finished jobs kept for `archive.jobs` */
const KEEP_FINISHED = 20;

export class JobRunner {
  private readonly jobs = new Map<string, { dto: ArchiveJobDTO; cancel: boolean }>();

  constructor(
    private readonly emit: (job: ArchiveJobDTO) => void,
    private readonly now: () => number,
    /** one turn of the event loop between steps */
    private readonly turn: () => Promise<void> = () => new Promise((r) => setImmediate(r)),
    /** false once the engine stops: running jobs end as failed */
    private readonly alive: () => boolean = () => true,
  ) {}

  list(): ArchiveJobDTO[] {
    return [...this.jobs.values()].map((j) => ({ ...j.dto }));
  }

  get(jobId: string): ArchiveJobDTO | undefined {
    const j = this.jobs.get(jobId);
    return j ? { ...j.dto } : undefined;
  }

  /** false when there is no such running job */
  cancel(jobId: string): boolean {
    const j = this.jobs.get(jobId);
    if (!j || j.dto.state !== 'running') return false;
    j.cancel = true;
    return true;
  }

  start<P extends JobProgress, R>(def: JobDefinition<P, R>): { jobId: string; finished: Promise<ArchiveJobDTO> } {
    const jobId = randomUUID();
    const job = { dto: { jobId, kind: def.kind, state: 'running', done: 0, total: 0, unit: def.unit, startedAt: this.now() } as ArchiveJobDTO, cancel: false };
    this.jobs.set(jobId, job);
    this.prune();
    this.emit({ ...job.dto });
    const finished = this.run(job, def);
    return { jobId, finished };
  }

  private async run<P extends JobProgress, R>(job: { dto: ArchiveJobDTO; cancel: boolean }, def: JobDefinition<P, R>): Promise<ArchiveJobDTO> {
    let last: P | null = null;
    const end = (state: ArchiveJobDTO['state'], extra: Partial<ArchiveJobDTO>) => {
      job.dto = { ...job.dto, state, finishedAt: this.now(), ...extra };
      this.emit({ ...job.dto });
      return { ...job.dto };
    };
    const partial = () => {
      const s = def.partial?.(last);
      return s ? { summary: s } : {};
    };
    try {
      // the command's answer (the job id) goes out before the first step runs
      await this.turn();
      for (;;) {
        if (job.cancel) {
          def.steps.return(undefined as R);
          return end('cancelled', partial());
        }
        if (!this.alive()) {
          def.steps.return(undefined as R);
          return end('failed', { error: 'the engine stopped', ...partial() });
        }
        const r = def.steps.next();
        if (r.done) return end('done', { done: Math.max(job.dto.done, job.dto.total), summary: def.summary(r.value) });
        last = r.value;
        job.dto = { ...job.dto, done: r.value.done, total: r.value.total };
        this.emit({ ...job.dto });
        await this.turn();
      }
    } catch (err) {
      return end('failed', { error: def.describeError?.(err) ?? (err instanceof Error ? err.message : String(err)), ...partial() });
    }
  }

  private prune() {
    const finished = [...this.jobs.values()].filter((j) => j.dto.state !== 'running');
    for (const j of finished.slice(0, Math.max(0, finished.length - KEEP_FINISHED))) this.jobs.delete(j.dto.jobId);
  }
}
