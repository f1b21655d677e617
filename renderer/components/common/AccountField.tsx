/** "Account" picker of the forms (add contact, join room, meeting, export): a labelled <select> of accounts. */
import type { AccountDTO } from '../../../contract';

export function AccountField(props: { id: string; accounts: AccountDTO[]; value: string; onChange: (id: string) => void; anyLabel?: string }) {
  return (
    <div className="field">
      <label htmlFor={props.id}>Account</label>
      <select id={props.id} value={props.value} onChange={(e) => props.onChange(e.target.value)}>
        {props.anyLabel !== undefined && <option value="">{props.anyLabel}</option>}
        {props.accounts.map((a) => (
          <option key={a.id} value={a.id}>
            {a.label}
          </option>
        ))}
      </select>
    </div>
  );
}
