/** Retention per account (keep forever / delete after N days), the legal hold, a manual run, and the audit log. */
import { useEffect, useState, type FormEvent } from 'react';
import type { RetentionDTO, RetentionRunDTO } from '../../../contract';
import { errorText, rpc } from '../../bridge/api';
import { fullTime } from '../../lib/time';
import { useArchiveTools } from '../../stores/archiveTools';
import { ErrorText } from '../common/ErrorText';
import { AuditLog } from './AuditLog';

type AccountRow = RetentionDTO['accounts'][number];

export function RetentionPanel() {
  const retention = useArchiveTools((s) => s.retention);
  const [error, setError] = useState<string | null>(null);
  const [auditKey, setAuditKey] = useState(0);
  useEffect(() => {
    useArchiveTools.getState().loadRetention().catch((e: unknown) => setError(errorText(e)));
  }, []);
  const after = () => setAuditKey((k) => k + 1);
  if (!retention) return error ? <ErrorText error={error} /> : <p role="status">Loading…</p>;
  return (
    <div data-testid="retention-panel">
      <p className="muted small-text">Messages are kept forever unless you choose a period for an account. A legal hold stops every deletion.</p>
      <fieldset>
        <legend>Keep history</legend>
        {retention.accounts.length === 0 && <p className="muted">No accounts yet.</p>}
        {retention.accounts.map((a) => (
          <AccountRetention key={a.accountId} row={a} held={retention.hold.on} onSaved={after} />
        ))}
      </fieldset>
      <LegalHold hold={retention.hold} onSaved={after} />
      <RunNow held={retention.hold.on} lastRunAt={retention.lastRunAt} onRan={after} />
      <AuditLog key={auditKey} />
      <ErrorText error={error} />
    </div>
  );
}

function AccountRetention({ row, held, onSaved }: { row: AccountRow; held: boolean; onSaved: () => void }) {
  const [forever, setForever] = useState(row.days === undefined);
  const [days, setDays] = useState(String(row.days ?? 365));
  const [msg, setMsg] = useState<{ text: string; error: boolean } | null>(null);
  const id = `ret-${row.accountId}`;
  const save = async (e: FormEvent) => {
    e.preventDefault();
    const n = Number(days);
    if (!forever && (!Number.isInteger(n) || n < 1)) return setMsg({ text: 'Days must be a whole number of at least 1.', error: true });
    try {
      await useArchiveTools.getState().setDays(row.accountId, forever ? null : n);
      setMsg({ text: forever ? 'Kept forever.' : `Messages older than ${n} days will be deleted${held ? ' once the legal hold ends' : ''}.`, error: false });
      onSaved();
    } catch (err) {
      setMsg({ text: errorText(err), error: true });
    }
  };
  return (
    <form className="retention-row" onSubmit={save} aria-label={`Retention for ${row.label}`} data-testid="retention-row">
      <span className="title">
        {row.label} <span className="muted small-text">({row.protocol}{row.removed ? ', removed — history kept' : ''})</span>
      </span>
      <label className="sr-only" htmlFor={`${id}-mode`}>
        Keep history of {row.label}
      </label>
      <select id={`${id}-mode`} value={forever ? 'forever' : 'days'} onChange={(e) => setForever(e.target.value === 'forever')}>
        <option value="forever">Keep forever</option>
        <option value="days">Delete after…</option>
      </select>
      {!forever && (
        <>
          <label className="sr-only" htmlFor={`${id}-days`}>
            Days to keep for {row.label}
          </label>
          <input id={`${id}-days`} type="number" min={1} max={365000} value={days} onChange={(e) => setDays(e.target.value)} className="days" />
          <span aria-hidden="true">days</span>
        </>
      )}
      <button type="submit" className="small">
        Save
      </button>
      {msg && (
        <span className={msg.error ? 'error small-text' : 'muted small-text'} role={msg.error ? 'alert' : 'status'}>
          {msg.text}
        </span>
      )}
    </form>
  );
}

function LegalHold({ hold, onSaved }: { hold: RetentionDTO['hold']; onSaved: () => void }) {
  const [reason, setReason] = useState('');
  const [error, setError] = useState<string | null>(null);
  const set = async (e: FormEvent) => {
    e.preventDefault();
    if (!hold.on && !reason.trim()) return setError('Give a reason (it goes into the audit log).');
    setError(null);
    try {
      await useArchiveTools.getState().setHold(!hold.on, reason.trim());
      setReason('');
      onSaved();
    } catch (err) {
      setError(errorText(err));
    }
  };
  return (
    <form onSubmit={set}>
      <fieldset>
        <legend>Legal hold</legend>
        <p data-testid="hold-state" role="status">
          {hold.on ? `On since ${hold.since ? fullTime(hold.since) : '—'}: nothing is deleted. Reason: ${hold.reason ?? '—'}` : 'Off.'}
        </p>
        {!hold.on && (
          <div className="field">
            <label htmlFor="hold-reason">Reason</label>
            <input id="hold-reason" value={reason} maxLength={1000} onChange={(e) => setReason(e.target.value)} placeholder="Case 2024-17, counsel's request" />
          </div>
        )}
        <ErrorText error={error} />
        <div className="actions start">
          <button type="submit" className={hold.on ? '' : 'primary'}>
            {hold.on ? 'End legal hold' : 'Start legal hold'}
          </button>
        </div>
      </fieldset>
    </form>
  );
}

function RunNow({ held, lastRunAt, onRan }: { held: boolean; lastRunAt: number | undefined; onRan: () => void }) {
  const [result, setResult] = useState<{ run: RetentionRunDTO; dry: boolean } | null>(null);
  const [error, setError] = useState<string | null>(null);
  const run = async (dryRun: boolean) => {
    setError(null);
    try {
      setResult({ run: await rpc('archive.retentionRun', { dryRun }), dry: dryRun });
      onRan();
    } catch (err) {
      setError(errorText(err));
    }
  };
  const total = (r: RetentionRunDTO, k: 'due' | 'deleted') => r.accounts.reduce((n, a) => n + a[k], 0);
  return (
    <fieldset>
      <legend>Apply now</legend>
      <p className="muted small-text">The policy runs every hour by itself{lastRunAt ? `; last run ${fullTime(lastRunAt)}` : ''}.</p>
      <div className="actions start">
        <button type="button" onClick={() => void run(true)}>
          Count what is due
        </button>
        <button type="button" className="danger" onClick={() => void run(false)} disabled={held}>
          Delete what is due now
        </button>
      </div>
      {result && (
        <p role="status" data-testid="retention-result">
          {result.run.blocked
            ? 'The legal hold stopped it: nothing was deleted.'
            : result.dry
              ? `${total(result.run, 'due')} messages are older than their account's period.`
              : `${total(result.run, 'deleted')} messages deleted.`}
        </p>
      )}
      <ErrorText error={error} />
    </fieldset>
  );
}
