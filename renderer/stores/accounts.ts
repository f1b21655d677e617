/** Protocols (descriptor fields) and accounts with their connection state. */
import { create } from 'zustand';
import type { AccountDTO, ConfigValuesDTO, ProtocolDTO } from '../../contract';
import { rpc } from '../bridge/api';

interface AccountsState {
  protocols: ProtocolDTO[];
  accounts: AccountDTO[];
  load(): Promise<void>;
  upsert(a: AccountDTO): void;
  remove(id: string): void;
  add(protocol: string, label: string | undefined, config: ConfigValuesDTO): Promise<AccountDTO>;
  update(id: string, label: string | undefined, config: ConfigValuesDTO): Promise<AccountDTO>;
  destroy(id: string): Promise<void>;
  setEnabled(id: string, enabled: boolean): Promise<void>;
  reconnect(id: string): Promise<void>;
}

export const useAccounts = create<AccountsState>((set, get) => ({
  protocols: [],
  accounts: [],
  async load() {
    const [protocols, accounts] = await Promise.all([rpc('protocols.list', {}), rpc('accounts.list', {})]);
    set({ protocols, accounts });
  },
  upsert(a) {
    const list = get().accounts;
    const i = list.findIndex((x) => x.id === a.id);
    set({ accounts: i < 0 ? [...list, a] : list.map((x) => (x.id === a.id ? a : x)) });
  },
  remove(id) {
    set({ accounts: get().accounts.filter((a) => a.id !== id) });
  },
  async add(protocol, label, config) {
    const a = await rpc('accounts.add', { protocol, ...(label ? { label } : {}), config });
    get().upsert(a);
    return a;
  },
  async update(id, label, config) {
    const a = await rpc('accounts.update', { id, ...(label ? { label } : {}), config });
    get().upsert(a);
    return a;
  },
  async destroy(id) {
    await rpc('accounts.remove', { id });
    get().remove(id);
  },
  async setEnabled(id, enabled) {
    get().upsert(await rpc('accounts.update', { id, enabled }));
  },
  async reconnect(id) {
    await rpc('accounts.reconnect', { id });
  },
}));

export function accountName(accounts: AccountDTO[], id: string): string {
  return accounts.find((a) => a.id === id)?.label ?? id;
}
