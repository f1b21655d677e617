/** Each account's connection state in words, the error if any, and a retry. */
import { useAccounts } from '../../stores/accounts';
import { useUi } from '../../stores/ui';
import { errorText } from '../../bridge/api';
import type { AccountDTO } from '../../../contract';

const STATE: Record<AccountDTO['state'], string> = {
  offline: 'offline',
  connecting: 'connecting…',
  online: 'online',
  reconnecting: 'reconnecting…',
  failed: 'failed',
};

export function AccountStrip() {
  const accounts = useAccounts((s) => s.accounts);
  const open = useUi((s) => s.open);
  if (accounts.length === 0) {
    return (
      <section className="section" aria-label="Accounts">
        <p className="muted">No accounts yet.</p>
        <button type="button" className="primary" onClick={() => open('accounts')}>
          Add an account
        </button>
      </section>
    );
  }
  return (
    <section className="section accounts-strip" aria-label="Accounts">
      <ul>
        {accounts.map((a) => (
          <AccountLine key={a.id} a={a} />
        ))}
      </ul>
    </section>
  );
}

function AccountLine({ a }: { a: AccountDTO }) {
  const retry = async () => {
    try {
      await useAccounts.getState().reconnect(a.id);
    } catch (e) {
      useUi.getState().toast(errorText(e), 'error');
    }
  };
  const state = a.enabled ? STATE[a.state] : 'disabled';
  return (
    <li className={`account-line state-${a.state}`} data-testid="account-line" data-state={a.state}>
      <span className={`conn conn-${a.enabled ? a.state : 'offline'}`} aria-hidden="true" />
      <span className="name">{a.label}</span>
      <span className="state">{state}</span>
      {a.error && (a.state === 'failed' || a.state === 'reconnecting') && (
        <span className="error" role="alert">
          {a.error.message}
        </span>
      )}
      {a.enabled && (a.state === 'failed' || a.state === 'reconnecting') && (
        <button type="button" className="small" onClick={retry} aria-label={`Retry ${a.label} now`}>
          Retry
        </button>
      )}
    </li>
  );
}
