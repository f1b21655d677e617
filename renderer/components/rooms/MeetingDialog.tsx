/** "Start meeting": pick people of one account → a private room with them invited. */
import { useMemo, useState, type FormEvent } from 'react';
import { errorText, rpc } from '../../bridge/api';
import { useAccounts } from '../../stores/accounts';
import { useContacts } from '../../stores/contacts';
import { useConversations } from '../../stores/conversations';
import { Dialog } from '../common/Dialog';
import { FormActions } from '../common/FormActions';

export function MeetingDialog({ onClose }: { onClose: () => void }) {
  const allAccounts = useAccounts((s) => s.accounts);
  const accounts = useMemo(() => allAccounts.filter((a) => a.caps?.rooms !== false), [allAccounts]);
  const people = useContacts((s) => s.people);
  const [accountId, setAccountId] = useState(accounts[0]?.id ?? '');
  const [picked, setPicked] = useState<Set<string>>(new Set());
  const [name, setName] = useState('');
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const candidates = useMemo(
    () =>
      people
        .flatMap((p) => p.identities.filter((i) => i.accountId === accountId && i.source !== 'room').map((i) => ({ address: i.address, name: p.name })))
        .sort((a, b) => a.name.localeCompare(b.name)),
    [people, accountId],
  );

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setBusy(true);
    setError(null);
    try {
      const c = await rpc('rooms.startMeeting', { accountId, addresses: [...picked], ...(name ? { name } : {}) });
      useConversations.getState().upsert(c);
      useConversations.getState().select(c.id);
      onClose();
    } catch (err) {
      setError(errorText(err));
    } finally {
      setBusy(false);
    }
  };

  return (
    <Dialog title="Start meeting" onClose={onClose}>
      <form onSubmit={submit}>
        <div className="field">
          <label htmlFor="meet-account">Account</label>
          <select
            id="meet-account"
            value={accountId}
            onChange={(e) => {
              setAccountId(e.target.value);
              setPicked(new Set());
            }}
          >
            {accounts.map((a) => (
              <option key={a.id} value={a.id}>
                {a.label}
              </option>
            ))}
          </select>
        </div>
        <div className="field">
          <label htmlFor="meet-name">Name (optional)</label>
          <input id="meet-name" value={name} onChange={(e) => setName(e.target.value)} />
        </div>
        <fieldset>
          <legend>People to invite</legend>
          {candidates.length === 0 && <p className="muted">No contacts on this account.</p>}
          {candidates.map((c) => (
            <div className="field check" key={c.address}>
              <input
                id={`meet-${c.address}`}
                type="checkbox"
                checked={picked.has(c.address)}
                onChange={(e) => {
                  const next = new Set(picked);
                  if (e.target.checked) next.add(c.address);
                  else next.delete(c.address);
                  setPicked(next);
                }}
              />
              <label htmlFor={`meet-${c.address}`}>
                {c.name} <span className="muted">{c.address}</span>
              </label>
            </div>
          ))}
        </fieldset>
        <FormActions error={error} onCancel={onClose} submitLabel="Start meeting" disabled={busy || picked.size === 0} />
      </form>
    </Dialog>
  );
}
