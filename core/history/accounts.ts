/** Accounts: protocol, label and config in the clear columns; secrets only ever read by accountSecrets(). */
import type { Conn } from './conn';
import { UsageError } from './errors';
import { nonEmpty, toAccount, type AccountRow } from './rows';
import type { Account, AccountInput } from './types';

export class Accounts {
  constructor(private readonly c: Conn) {}

  add(input: AccountInput): Account {
    const r = this.c.run(
      'INSERT INTO accounts(protocol, label, config, secrets, enabled, created_at) VALUES (?, ?, ?, ?, ?, ?)',
      nonEmpty(input.protocol, 'protocol'),
      nonEmpty(input.label, 'label'),
      JSON.stringify(input.config ?? {}),
      JSON.stringify(input.secrets ?? {}),
      input.enabled === false ? 0 : 1,
      Date.now(),
    );
    return this.get(Number(r.lastInsertRowid))!;
  }

  update(id: number, patch: Partial<AccountInput>): Account {
    const cur = this.c.get<AccountRow>('SELECT * FROM accounts WHERE id = ?', id);
    if (!cur) throw new UsageError(`no account ${id}`);
    this.c.run(
      'UPDATE accounts SET protocol = ?, label = ?, config = ?, secrets = ?, enabled = ? WHERE id = ?',
      patch.protocol !== undefined ? nonEmpty(patch.protocol, 'protocol') : cur.protocol,
      patch.label !== undefined ? nonEmpty(patch.label, 'label') : cur.label,
      patch.config !== undefined ? JSON.stringify(patch.config) : cur.config,
      patch.secrets !== undefined ? JSON.stringify(patch.secrets) : cur.secrets,
      patch.enabled !== undefined ? (patch.enabled ? 1 : 0) : cur.enabled,
      id,
    );
    return this.get(id)!;
  }

  /** conversations, contacts and gaps go by ON DELETE CASCADE; messages only with deleteHistory */
  remove(id: number, opts: { deleteHistory?: boolean } = {}): void {
    this.c.tx(() => {
      const has = this.c.get<{ x: number }>('SELECT 1 AS x FROM messages WHERE account_id = ? LIMIT 1', id);
      if (has && !opts.deleteHistory) throw new UsageError('the account has history; pass deleteHistory: true to delete it too');
      if (has) this.c.run('DELETE FROM messages WHERE account_id = ?', id);
      this.c.run('DELETE FROM accounts WHERE id = ?', id);
    });
  }

  get(id: number): Account | null {
    const r = this.c.get<AccountRow>('SELECT * FROM accounts WHERE id = ?', id);
    return r ? toAccount(r) : null;
  }

  list(): Account[] {
    return this.c.all<AccountRow>('SELECT * FROM accounts ORDER BY id').map(toAccount);
  }

  secrets(id: number): Record<string, string> {
    const r = this.c.get<{ secrets: string }>('SELECT secrets FROM accounts WHERE id = ?', id);
    if (!r) throw new UsageError(`no account ${id}`);
    return JSON.parse(r.secrets) as Record<string, string>;
  }
}
