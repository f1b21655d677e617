import { useState, type FormEvent, useMemo } from 'react';
import { CommandError, errorText, rpc } from '../../bridge/api';
import { useAccounts } from '../../stores/accounts';
import { Dialog } from '../common/Dialog';
import { FormActions } from '../common/FormActions';
import { AccountField } from '../common/AccountField';

export function AddContactDialog({ onClose }: { onClose: () => void }) {
  const allAccounts = useAccounts((s) => s.accounts);
  const accounts = useMemo(() => allAccounts.filter((a) => a.caps?.contacts !== false), [allAccounts]);
  const [accountId, setAccountId] = useState(accounts[0]?.id ?? '');
  const [address, setAddress] = useState('');
  const [name, setName] = useState('');
  const [group, setGroup] = useState('');
  const [error, setError] = useState<string | null>(null);

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setError(null);
    try {
      await rpc('contacts.add', { accountId, address: address.trim(), ...(name ? { name } : {}), ...(group ? { groups: [group] } : {}) });
      onClose();
    } catch (err) {
      setError(err instanceof CommandError && err.fields ? Object.values(err.fields).join(' ') || err.message : errorText(err));
    }
  };
  return (
    <Dialog title="Add contact" onClose={onClose}>
      <form onSubmit={submit}>
        <AccountField id="ac-account" accounts={accounts} value={accountId} onChange={setAccountId} />
        <div className="field">
          <label htmlFor="ac-address">Address or nick</label>
          <input id="ac-address" required value={address} onChange={(e) => setAddress(e.target.value)} placeholder="alice@example.org or alice" />
        </div>
        <div className="field">
          <label htmlFor="ac-name">Name (optional)</label>
          <input id="ac-name" value={name} onChange={(e) => setName(e.target.value)} />
        </div>
        <div className="field">
          <label htmlFor="ac-group">Group (optional)</label>
          <input id="ac-group" value={group} onChange={(e) => setGroup(e.target.value)} />
        </div>
        <FormActions error={error} onCancel={onClose} submitLabel="Add" disabled={!accountId} />
      </form>
    </Dialog>
  );
}
