/** Join a room: the form comes from the chosen account's join fields. */
import { useEffect, useState, type FormEvent, useMemo } from 'react';
import type { FieldDTO } from '../../../contract';
import { CommandError, errorText, rpc } from '../../bridge/api';
import { useAccounts } from '../../stores/accounts';
import { useConversations } from '../../stores/conversations';
import { Dialog } from '../common/Dialog';
import { cleanValues, defaults, FieldInput, type FieldValue } from '../common/FieldInput';
import { FormActions } from '../common/FormActions';
import { AccountField } from '../common/AccountField';

export function JoinRoomDialog({ onClose }: { onClose: () => void }) {
  const allAccounts = useAccounts((s) => s.accounts);
  const accounts = useMemo(() => allAccounts.filter((a) => a.caps?.rooms !== false), [allAccounts]);
  const [accountId, setAccountId] = useState(accounts[0]?.id ?? '');
  const [fields, setFields] = useState<FieldDTO[]>([]);
  const [values, setValues] = useState<Record<string, FieldValue>>({});
  const [errors, setErrors] = useState<Record<string, string>>({});
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  useEffect(() => {
    if (!accountId) return;
    let live = true;
    rpc('accounts.joinFields', { id: accountId })
      .then((f) => {
        if (!live) return;
        setFields(f);
        setValues(defaults(f));
      })
      .catch((e: unknown) => live && setError(errorText(e)));
    return () => {
      live = false;
    };
  }, [accountId]);

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setBusy(true);
    setErrors({});
    setError(null);
    try {
      const c = await rpc('rooms.join', { accountId, values: cleanValues(fields, values) });
      useConversations.getState().upsert(c);
      useConversations.getState().select(c.id);
      onClose();
    } catch (err) {
      if (err instanceof CommandError && err.fields) setErrors(err.fields);
      setError(errorText(err));
    } finally {
      setBusy(false);
    }
  };

  return (
    <Dialog title="Join a room" onClose={onClose} testId="join-dialog">
      {accounts.length === 0 ? (
        <p>No account offers rooms.</p>
      ) : (
        <form onSubmit={submit}>
          <AccountField id="join-account" accounts={accounts} value={accountId} onChange={setAccountId} />
          {fields.map((f) => (
            <FieldInput key={f.key} field={f} value={values[f.key]} {...(errors[f.key] ? { error: errors[f.key] } : {})} onChange={(v) => setValues((cur) => ({ ...cur, [f.key]: v }))} />
          ))}
          <FormActions error={error} onCancel={onClose} submitLabel="Join" disabled={busy || !accountId} />
        </form>
      )}
    </Dialog>
  );
}
