/** Import old logs (Pidgin HTML/TXT, irssi, WeeChat, HexChat): paths on this computer → a job with progress and a summary. */
import { useEffect, useState, type FormEvent } from 'react';
import { errorText } from '../../bridge/api';
import { useArchiveTools } from '../../stores/archiveTools';
import { FormActions } from '../common/FormActions';
import { JobStatus, jobsOf } from './JobStatus';

/** one path per line; blank lines ignored */
export const splitPaths = (text: string) => text.split('\n').map((l) => l.trim()).filter(Boolean);

export function ImportPanel() {
  const [paths, setPaths] = useState('');
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const jobs = useArchiveTools((s) => s.jobs);
  const latest = jobsOf(jobs, 'import')[0];

  useEffect(() => {
    void useArchiveTools.getState().loadJobs().catch(() => {});
  }, []);

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    const list = splitPaths(paths);
    if (list.length === 0) return setError('Name at least one file or folder.');
    const relative = list.find((p) => !p.startsWith('/') && !/^[A-Za-z]:[\\/]/.test(p) && !p.startsWith('\\\\'));
    if (relative) return setError(`Use full paths (starting with /): ${relative}`);
    setError(null);
    setBusy(true);
    try {
      await useArchiveTools.getState().startImport(list);
    } catch (err) {
      setError(errorText(err));
    } finally {
      setBusy(false);
    }
  };

  return (
    <form onSubmit={submit} data-testid="import-panel">
      <p className="muted small-text">
        Bring logs of other clients into the encrypted, searchable archive: Pidgin / libpurple (HTML and text), irssi, WeeChat and HexChat. The format is
        detected per file; importing the same files again adds nothing. A broken line is reported with its file and line and the rest goes on.
      </p>
      <div className="field">
        <label htmlFor="import-paths">Files or folders on this computer (one full path per line)</label>
        <textarea id="import-paths" rows={4} value={paths} onChange={(e) => setPaths(e.target.value)} placeholder={'/home/you/.purple/logs\n/home/you/irclogs'} spellCheck={false} />
      </div>
      <FormActions error={error} submitLabel="Import" disabled={busy || latest?.state === 'running'} />
      {latest && <JobStatus jobId={latest.jobId} />}
    </form>
  );
}
