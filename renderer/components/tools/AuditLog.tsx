/** The retention audit log, newest first, paged. */
import { useEffect, useState } from 'react';
import type { AuditEntryDTO } from '../../../contract';
import { errorText, rpc } from '../../bridge/api';
import { fullTime } from '../../lib/time';
import { useAccounts } from '../../stores/accounts';
import { ErrorText } from '../common/ErrorText';

const ACTION: Record<AuditEntryDTO['action'], string> = {
  'set-retention': 'retention changed',
  'hold-on': 'legal hold started',
  'hold-off': 'legal hold ended',
  delete: 'deleted',
  'delete-blocked': 'deletion blocked by the legal hold',
};

function describe(e: AuditEntryDTO, label: (id: string) => string): string {
  const parts = [ACTION[e.action]];
  if (e.accountId) parts.push(label(e.accountId));
  if (e.action === 'set-retention') parts.push(e.days ? `${e.days} days` : 'keep forever');
  if (e.count !== undefined) parts.push(`${e.count} messages`);
  if (e.cutoff !== undefined) parts.push(`older than ${fullTime(e.cutoff)}`);
  if (e.reason) parts.push(`“${e.reason}”`);
  if (e.by) parts.push(`by ${e.by}`);
  return parts.join(' · ');
}

export function AuditLog() {
  const accounts = useAccounts((s) => s.accounts);
  const [entries, setEntries] = useState<AuditEntryDTO[]>([]);
  const [cursor, setCursor] = useState<string | undefined>();
  const [error, setError] = useState<string | null>(null);
  const load = async (from?: string) => {
    try {
      const page = await rpc('archive.audit', { limit: 20, ...(from ? { cursor: from } : {}) });
      setEntries((prev) => (from ? [...prev, ...page.entries] : page.entries));
      setCursor(page.nextCursor);
    } catch (err) {
      setError(errorText(err));
    }
  };
  useEffect(() => {
    void load();
  }, []);
  const label = (id: string) => accounts.find((a) => a.id === id)?.label ?? id;
  return (
    <fieldset>
      <legend>Audit log</legend>
      {entries.length === 0 && !error && <p className="muted small-text">Nothing recorded yet.</p>}
      <ul className="audit" data-testid="audit-log">
        {entries.map((e) => (
          <li key={e.id}>
            <time dateTime={new Date(e.at).toISOString()}>{fullTime(e.at)}</time> {describe(e, label)}
          </li>
        ))}
      </ul>
      {cursor && (
        <button type="button" className="small" onClick={() => void load(cursor)}>
          Older entries
        </button>
      )}
      <ErrorText error={error} />
    </fieldset>
  );
}
