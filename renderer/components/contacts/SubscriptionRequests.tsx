/** People asking to see our presence: approve or deny. */
import { errorText } from '../../bridge/api';
import { useAccounts, accountName } from '../../stores/accounts';
import { useContacts, type SubscriptionRequest } from '../../stores/contacts';
import { useUi } from '../../stores/ui';

export function SubscriptionRequests() {
  const requests = useContacts((s) => s.requests);
  const accounts = useAccounts((s) => s.accounts);
  if (requests.length === 0) return null;
  const answer = (r: SubscriptionRequest, ok: boolean) =>
    useContacts.getState().answer(r, ok).catch((e: unknown) => useUi.getState().toast(errorText(e), 'error'));
  return (
    <section className="section requests" aria-label="Contact requests">
      <h2>Contact requests</h2>
      <ul>
        {requests.map((r) => (
          <li key={`${r.accountId}:${r.address}`}>
            <span>
              <strong>{r.address}</strong> <span className="muted">on {accountName(accounts, r.accountId)}</span>
              {r.message && <span className="muted"> — {r.message}</span>}
            </span>
            <span className="actions">
              <button type="button" className="primary small" onClick={() => answer(r, true)} aria-label={`Approve ${r.address}`}>
                Approve
              </button>
              <button type="button" className="small" onClick={() => answer(r, false)} aria-label={`Deny ${r.address}`}>
                Deny
              </button>
            </span>
          </li>
        ))}
      </ul>
    </section>
  );
}
