/** One person (metacontact): identities per account, split one out, merge with another, VIP. */
import { useState } from 'react';
import { errorText } from '../../bridge/api';
import { accountName, useAccounts } from '../../stores/accounts';
import { useContacts } from '../../stores/contacts';
import { useUi } from '../../stores/ui';
import { Dialog } from '../common/Dialog';
import { PresenceDot } from '../common/PresenceDot';
import { VipToggle } from './VipToggle';
import { PeerFacts } from '../common/PeerFacts';

export function PersonDialog({ onClose }: { onClose: () => void }) {
  const personId = useUi((s) => s.personId);
  const people = useContacts((s) => s.people);
  const accounts = useAccounts((s) => s.accounts);
  const person = people.find((p) => p.id === personId);
  const [mergeWith, setMergeWith] = useState('');
  if (!person) return null;
  const guard = (p: Promise<unknown>) => p.catch((e: unknown) => useUi.getState().toast(errorText(e), 'error'));
  const others = people.filter((p) => p.id !== person.id).sort((a, b) => a.name.localeCompare(b.name));

  return (
    <Dialog title={person.name} onClose={onClose}>
      <h3>Identities</h3>
      <ul className="identities">
        {person.identities.map((i) => (
          <li key={`${i.accountId}:${i.address}`}>
            <PresenceDot show={i.presence.show} /> {i.address} <span className="muted">on {accountName(accounts, i.accountId)}</span>
            <PeerFacts account={i.account} realName={i.realName} nick={i.address} />
            {person.identities.length > 1 && (
              <button type="button" className="small" onClick={() => guard(useContacts.getState().split(person.id, i.accountId, i.address))}>
                Split out
              </button>
            )}
          </li>
        ))}
      </ul>
      <VipToggle personId={person.id} vip={person.vip} />
      <h3>Merge with another contact</h3>
      <div className="inline">
        <label htmlFor="merge-with" className="sr-only">
          Contact to merge with
        </label>
        <select id="merge-with" value={mergeWith} onChange={(e) => setMergeWith(e.target.value)}>
          <option value="">Choose…</option>
          {others.map((p) => (
            <option key={p.id} value={p.id}>
              {p.name} ({p.identities.map((i) => i.address).join(', ')})
            </option>
          ))}
        </select>
        <button type="button" disabled={!mergeWith} onClick={() => guard(useContacts.getState().merge([person.id, mergeWith]).then(onClose))}>
          Merge
        </button>
      </div>
    </Dialog>
  );
}
