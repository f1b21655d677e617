/** Accounts: list with state, add (pick a protocol), edit, enable/disable, remove. */
import { useState } from 'react';
import type { AccountDTO } from '../../../contract';
import { errorText } from '../../bridge/api';
import { useAccounts } from '../../stores/accounts';
import { useUi } from '../../stores/ui';
import { Dialog } from '../common/Dialog';
import { AccountForm } from './AccountForm';

type Mode = { kind: 'list' } | { kind: 'add'; protocol: string } | { kind: 'edit'; account: AccountDTO };

export function AccountsDialog({ onClose }: { onClose: () => void }) {
  const protocols = useAccounts((s) => s.protocols);
  const accounts = useAccounts((s) => s.accounts);
  const [mode, setMode] = useState<Mode>({ kind: 'list' });
  const guard = (p: Promise<unknown>) => p.catch((e: unknown) => useUi.getState().toast(errorText(e), 'error'));

  if (mode.kind !== 'list') {
    const protocolId = mode.kind === 'add' ? mode.protocol : mode.account.protocol;
    const protocol = protocols.find((p) => p.id === protocolId);
    return (
      <Dialog title={mode.kind === 'add' ? `Add ${protocol?.displayName ?? protocolId} account` : `Edit ${mode.account.label}`} onClose={onClose} testId="account-dialog">
        {protocol ? (
          <AccountForm protocol={protocol} {...(mode.kind === 'edit' ? { account: mode.account } : {})} onDone={() => setMode({ kind: 'list' })} />
        ) : (
          <p className="error">Unknown protocol {protocolId}</p>
        )}
      </Dialog>
    );
  }

  return (
    <Dialog title="Accounts" onClose={onClose} testId="account-dialog">
      <ul className="account-list">
        {accounts.map((a) => (
          <li key={a.id}>
            <div>
              <strong>{a.label}</strong> <span className="muted">{protocols.find((p) => p.id === a.protocol)?.displayName ?? a.protocol}</span>
              <div className="muted">{a.enabled ? a.state : 'disabled'}{a.error ? ` — ${a.error.message}` : ''}</div>
            </div>
            <div className="actions">
              <button type="button" onClick={() => setMode({ kind: 'edit', account: a })}>
                Edit
              </button>
              <button type="button" onClick={() => guard(useAccounts.getState().setEnabled(a.id, !a.enabled))}>
                {a.enabled ? 'Disable' : 'Enable'}
              </button>
              <button
                type="button"
                className="danger"
                onClick={() => {
                  if (window.confirm(`Remove ${a.label}? Its history stays in the archive.`)) void guard(useAccounts.getState().destroy(a.id));
                }}
              >
                Remove
              </button>
            </div>
          </li>
        ))}
      </ul>
      <h3>Add an account</h3>
      <div className="actions start">
        {protocols.map((p) => (
          <button key={p.id} type="button" className="primary" onClick={() => setMode({ kind: 'add', protocol: p.id })}>
            {p.displayName}
          </button>
        ))}
      </div>
    </Dialog>
  );
}
