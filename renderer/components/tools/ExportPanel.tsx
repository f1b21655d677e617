/** Export a conversation, a person, everything (optionally one account / a date range) or a search's results, with a manifest. */
import { useEffect, useState, type FormEvent } from 'react';
import type { ExportFormatDTO, ExportScopeDTO } from '../../../contract';
import { errorText } from '../../bridge/api';
import { useAccounts } from '../../stores/accounts';
import { useArchiveTools } from '../../stores/archiveTools';
import { useContacts } from '../../stores/contacts';
import { useConversations } from '../../stores/conversations';
import { FormActions } from '../common/FormActions';
import { AccountField } from '../common/AccountField';
import { JobStatus, jobsOf } from './JobStatus';

const FORMATS: { id: ExportFormatDTO; label: string }[] = [
  { id: 'html', label: 'HTML (a readable transcript)' },
  { id: 'txt', label: 'Plain text' },
  { id: 'jsonl', label: 'JSON lines (for scripts; carries the hash chain)' },
];

type ScopeKind = ExportScopeDTO['kind'];

/** a date input's value (YYYY-MM-DD, local time) → ms; `endOfDay` for "until" */
function dayToMs(v: string, endOfDay: boolean): number | undefined {
  if (!v) return undefined;
  const d = new Date(`${v}T00:00:00`);
  if (Number.isNaN(d.getTime())) return undefined;
  return endOfDay ? d.getTime() + 86_400_000 - 1 : d.getTime();
}

export function ExportPanel() {
  const conversations = useConversations((s) => s.list);
  const people = useContacts((s) => s.people);
  const accounts = useAccounts((s) => s.accounts);
  const activeId = useConversations((s) => s.activeId);
  const jobs = useArchiveTools((s) => s.jobs);
  const latest = jobsOf(jobs, 'export')[0];
  const [kind, setKind] = useState<ScopeKind>(activeId ? 'conversation' : 'all');
  const [conversationId, setConversationId] = useState(activeId ?? conversations[0]?.id ?? '');
  const [personId, setPersonId] = useState(people[0]?.id ?? '');
  const [accountId, setAccountId] = useState('');
  const [query, setQuery] = useState('');
  const [since, setSince] = useState('');
  const [until, setUntil] = useState('');
  const [formats, setFormats] = useState<Set<ExportFormatDTO>>(new Set(['html', 'txt', 'jsonl']));
  const [dir, setDir] = useState('');
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  useEffect(() => {
    void useArchiveTools.getState().loadJobs().catch(() => {});
  }, []);

  const scope = (): ExportScopeDTO | string => {
    switch (kind) {
      case 'conversation':
        return conversationId ? { kind, conversationId } : 'Pick a conversation.';
      case 'person':
        return personId ? { kind, personId } : 'Pick a person.';
      case 'all':
        return accountId ? { kind, accountId } : { kind };
      case 'search':
        return query.trim() ? { kind, query: query.trim() } : 'Type a search.';
    }
  };

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    const s = scope();
    if (typeof s === 'string') return setError(s);
    if (!dir.trim().startsWith('/') && !/^[A-Za-z]:[\\/]/.test(dir.trim())) return setError('The target folder must be a full path (starting with /).');
    if (formats.size === 0) return setError('Pick at least one format.');
    const from = dayToMs(since, false);
    const to = dayToMs(until, true);
    if (from !== undefined && to !== undefined && from > to) return setError('"From" is after "until".');
    setError(null);
    setBusy(true);
    try {
      await useArchiveTools.getState().startExport({ dir: dir.trim(), formats: [...formats], scope: s, ...(from !== undefined ? { since: from } : {}), ...(to !== undefined ? { until: to } : {}) });
    } catch (err) {
      setError(errorText(err));
    } finally {
      setBusy(false);
    }
  };

  const toggle = (f: ExportFormatDTO, on: boolean) => {
    const next = new Set(formats);
    if (on) next.add(f);
    else next.delete(f);
    setFormats(next);
  };

  return (
    <form onSubmit={submit} data-testid="export-panel">
      <fieldset>
        <legend>What</legend>
        <div className="field">
          <label htmlFor="exp-kind">Export</label>
          <select id="exp-kind" value={kind} onChange={(e) => setKind(e.target.value as ScopeKind)}>
            <option value="conversation">One conversation</option>
            <option value="person">A person, across networks</option>
            <option value="all">Everything (or one account)</option>
            <option value="search">The results of a search</option>
          </select>
        </div>
        {kind === 'conversation' && (
          <div className="field">
            <label htmlFor="exp-conv">Conversation</label>
            <select id="exp-conv" value={conversationId} onChange={(e) => setConversationId(e.target.value)}>
              {conversations.map((c) => (
                <option key={c.id} value={c.id}>
                  {c.title} ({accounts.find((a) => a.id === c.accountId)?.label ?? c.accountId})
                </option>
              ))}
            </select>
          </div>
        )}
        {kind === 'person' && (
          <div className="field">
            <label htmlFor="exp-person">Person</label>
            <select id="exp-person" value={personId} onChange={(e) => setPersonId(e.target.value)}>
              {[...people].sort((a, b) => a.name.localeCompare(b.name)).map((p) => (
                <option key={p.id} value={p.id}>
                  {p.name}
                </option>
              ))}
            </select>
          </div>
        )}
        {kind === 'all' && (
          <AccountField id="exp-account" accounts={accounts} value={accountId} onChange={setAccountId} anyLabel="All accounts" />
        )}
        {kind === 'search' && (
          <div className="field">
            <label htmlFor="exp-query">Search (same words and filters as the search window)</label>
            <input id="exp-query" value={query} onChange={(e) => setQuery(e.target.value)} placeholder='deploy from:bob after:2024-01-01' />
          </div>
        )}
        <div className="inline">
          <div className="field">
            <label htmlFor="exp-since">From (optional)</label>
            <input id="exp-since" type="date" value={since} onChange={(e) => setSince(e.target.value)} />
          </div>
          <div className="field">
            <label htmlFor="exp-until">Until (optional)</label>
            <input id="exp-until" type="date" value={until} onChange={(e) => setUntil(e.target.value)} />
          </div>
        </div>
      </fieldset>
      <fieldset>
        <legend>Formats</legend>
        {FORMATS.map((f) => (
          <div className="field check" key={f.id}>
            <input id={`exp-f-${f.id}`} type="checkbox" checked={formats.has(f.id)} onChange={(e) => toggle(f.id, e.target.checked)} />
            <label htmlFor={`exp-f-${f.id}`}>{f.label}</label>
          </div>
        ))}
      </fieldset>
      <div className="field">
        <label htmlFor="exp-dir">Target folder on this computer (new or empty)</label>
        <input id="exp-dir" value={dir} onChange={(e) => setDir(e.target.value)} placeholder="/home/you/confab-export" spellCheck={false} />
        <small>A manifest.json with every file's SHA-256 is written beside the transcripts.</small>
      </div>
      <FormActions error={error} submitLabel="Export" disabled={busy || latest?.state === 'running'} />
      {latest && <JobStatus jobId={latest.jobId} />}
    </form>
  );
}
