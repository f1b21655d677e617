/** One import / export job: progress while it runs, then its summary (or error), announced politely. */
import type { ArchiveJobDTO, ExportSummaryDTO, ImportSummaryDTO } from '../../../contract';
import { errorText } from '../../bridge/api';
import { useArchiveTools } from '../../stores/archiveTools';
import { useUi } from '../../stores/ui';

export function JobStatus({ jobId }: { jobId: string }) {
  const job = useArchiveTools((s) => s.jobs[jobId]);
  if (!job) return null;
  const what = job.kind === 'import' ? 'Import' : 'Export';
  const cancel = () => useArchiveTools.getState().cancelJob(jobId).catch((e: unknown) => useUi.getState().toast(errorText(e), 'error'));
  return (
    <section className="job" aria-label={`${what} progress`} data-testid="job" data-state={job.state}>
      {job.state === 'running' && (
        <div className="inline">
          <progress max={job.total || undefined} {...(job.total ? { value: job.done } : {})} aria-label={`${what} progress`} />
          <span className="muted small-text" role="status">
            {job.total ? `${job.done} of ${job.total} ${job.unit}` : `${job.done} ${job.unit}…`}
          </span>
          <button type="button" className="small" onClick={() => void cancel()}>
            Cancel {what.toLowerCase()}
          </button>
        </div>
      )}
      {job.state !== 'running' && (
        <p role="status" className={job.state === 'done' ? '' : 'error'}>
          {job.state === 'done' ? `${what} finished.` : job.state === 'cancelled' ? `${what} cancelled.` : `${what} failed: ${job.error ?? 'unknown error'}`}
        </p>
      )}
      {job.summary && 'import' in job.summary && <ImportSummary s={job.summary.import} />}
      {job.summary && 'export' in job.summary && <ExportSummary s={job.summary.export} />}
    </section>
  );
}

function ImportSummary({ s }: { s: ImportSummaryDTO }) {
  const formats = Object.entries(s.byFormat).map(([f, n]) => `${f}: ${n}`).join(', ');
  return (
    <div className="summary" data-testid="import-summary">
      <dl>
        <dt>Files read</dt>
        <dd>{s.files}{s.skippedFiles ? ` (${s.skippedFiles} not recognised)` : ''}</dd>
        <dt>Messages found</dt>
        <dd>{s.parsed}{formats ? ` (${formats})` : ''}</dd>
        <dt>New in the archive</dt>
        <dd data-testid="imported-count">{s.inserted}</dd>
        <dt>Already there</dt>
        <dd>{s.duplicates}</dd>
      </dl>
      {s.issueCount > 0 && (
        <>
          <h3>
            {s.issueCount} problem{s.issueCount === 1 ? '' : 's'} (the rest was imported)
          </h3>
          <ul className="issues" data-testid="import-issues">
            {s.issues.map((i, n) => (
              <li key={n}>
                <code>
                  {i.path}
                  {i.line !== undefined ? `:${i.line}` : ''}
                </code>{' '}
                {i.message}
              </li>
            ))}
          </ul>
          {s.issueCount > s.issues.length && <p className="muted small-text">…and {s.issueCount - s.issues.length} more.</p>}
        </>
      )}
    </div>
  );
}

function ExportSummary({ s }: { s: ExportSummaryDTO }) {
  return (
    <div className="summary" data-testid="export-summary">
      <dl>
        <dt>Messages</dt>
        <dd>{s.messages}</dd>
        <dt>Folder</dt>
        <dd>
          <code data-testid="export-dir">{s.dir}</code>
        </dd>
        <dt>Manifest</dt>
        <dd>
          <code>manifest.json</code> in that folder: every file with its SHA-256 — check it with <code>confab verify {s.dir}</code>
        </dd>
        <dt>Chain head</dt>
        <dd>
          <code className="wrap">{s.chainHead}</code> <span className="muted small-text">(note it down: <code>confab verify --head</code> proves nothing was rebuilt)</span>
        </dd>
      </dl>
      <h3>Files</h3>
      <ul className="issues">
        {s.files.map((f) => (
          <li key={f.name}>
            <code>{f.name}</code> — {f.bytes} bytes
          </li>
        ))}
      </ul>
    </div>
  );
}

/** jobs of one kind, newest first */
export function jobsOf(jobs: Record<string, ArchiveJobDTO>, kind: ArchiveJobDTO['kind']): ArchiveJobDTO[] {
  return Object.values(jobs)
    .filter((j) => j.kind === kind)
    .sort((a, b) => b.startedAt - a.startedAt);
}
