/** Add or edit an account: the form is generated from the protocol descriptor's fields. */
import { useMemo, useState, type FormEvent } from 'react';
import type { AccountDTO, ProtocolDTO } from '../../../contract';
import { CommandError, errorText } from '../../bridge/api';
import { useAccounts } from '../../stores/accounts';
import { cleanValues, defaults, FieldInput, type FieldValue } from '../common/FieldInput';
import { FormActions } from '../common/FormActions';

export function AccountForm(props: { protocol: ProtocolDTO; account?: AccountDTO; onDone: () => void }) {
  const { protocol, account } = props;
  const [values, setValues] = useState<Record<string, FieldValue>>(() => ({ ...defaults(protocol.configFields), ...(account?.config ?? {}) }));
  const [label, setLabel] = useState(account?.label ?? '');
  const [errors, setErrors] = useState<Record<string, string>>({});
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const [advanced, setAdvanced] = useState(false);
  const basic = useMemo(() => protocol.configFields.filter((f) => !f.advanced), [protocol]);
  const extra = useMemo(() => protocol.configFields.filter((f) => f.advanced), [protocol]);

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setBusy(true);
    setErrors({});
    setError(null);
    try {
      const config = cleanValues(protocol.configFields, values);
      if (account) await useAccounts.getState().update(account.id, label || undefined, config);
      else await useAccounts.getState().add(protocol.id, label || undefined, config);
      props.onDone();
    } catch (err) {
      if (err instanceof CommandError && err.fields) setErrors(err.fields);
      setError(errorText(err));
    } finally {
      setBusy(false);
    }
  };

  const field = (f: ProtocolDTO['configFields'][number]) => (
    <FieldInput
      key={f.key}
      field={f}
      value={values[f.key]}
      {...(errors[f.key] ? { error: errors[f.key] } : {})}
      secretSet={account?.secretsSet.includes(f.key) ?? false}
      onChange={(v) => setValues((cur) => ({ ...cur, [f.key]: v }))}
    />
  );

  return (
    <form className="account-form" onSubmit={submit} aria-label={`${account ? 'Edit' : 'New'} ${protocol.displayName} account`}>
      <div className="field">
        <label htmlFor="account-label">Name shown in Confab</label>
        <input id="account-label" type="text" value={label} placeholder={protocol.displayName} onChange={(e) => setLabel(e.target.value)} />
      </div>
      {basic.map(field)}
      {extra.length > 0 && (
        <details open={advanced} onToggle={(e) => setAdvanced((e.target as HTMLDetailsElement).open)}>
          <summary>Advanced</summary>
          {extra.map(field)}
        </details>
      )}
      <FormActions error={error} onCancel={props.onDone} submitLabel={account ? 'Save' : 'Add account'} disabled={busy} />
    </form>
  );
}
