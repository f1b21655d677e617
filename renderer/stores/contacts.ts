/** The unified contact list: people (metacontacts) across accounts, filter, subscription requests. */
import { create } from 'zustand';
import type { MergeSuggestionDTO, PersonDTO } from '../../contract';
import { rpc } from '../bridge/api';

export interface SubscriptionRequest {
  accountId: string;
  address: string;
  message?: string;
}

interface ContactsState {
  people: PersonDTO[];
  filter: string;
  requests: SubscriptionRequest[];
  suggestions: MergeSuggestionDTO[];
  load(): Promise<void>;
  upsert(p: PersonDTO): void;
  remove(personId: string): void;
  setFilter(f: string): void;
  addRequest(r: SubscriptionRequest): void;
  answer(r: SubscriptionRequest, approve: boolean): Promise<void>;
  merge(ids: string[]): Promise<void>;
  split(personId: string, accountId: string, address: string): Promise<void>;
  setVip(personId: string, vip: boolean): Promise<void>;
  loadSuggestions(): Promise<void>;
}

export const useContacts = create<ContactsState>((set, get) => ({
  people: [],
  filter: '',
  requests: [],
  suggestions: [],
  async load() {
    set({ people: await rpc('contacts.list', {}) });
  },
  upsert(p) {
    const list = get().people;
    const i = list.findIndex((x) => x.id === p.id);
    set({ people: i < 0 ? [...list, p] : list.map((x) => (x.id === p.id ? p : x)) });
  },
  remove(personId) {
    set({ people: get().people.filter((p) => p.id !== personId) });
  },
  setFilter: (filter) => set({ filter }),
  addRequest(r) {
    const rest = get().requests.filter((x) => !(x.accountId === r.accountId && x.address === r.address));
    set({ requests: [...rest, r] });
  },
  async answer(r, approve) {
    await rpc(approve ? 'contacts.approve' : 'contacts.deny', { accountId: r.accountId, address: r.address });
    set({ requests: get().requests.filter((x) => x !== r) });
  },
  async merge(ids) {
    const merged = await rpc('people.merge', { personIds: ids });
    // the engine's contacts.changed event may have brought the merged person already
    set({ people: [...get().people.filter((p) => !ids.includes(p.id) && p.id !== merged.id), merged] });
  },
  async split(personId, accountId, address) {
    const out = await rpc('people.split', { personId, accountId, address });
    const ids = new Set([personId, ...out.map((p) => p.id)]); // replaces any copy an event brought first
    set({ people: [...get().people.filter((p) => !ids.has(p.id)), ...out] });
  },
  async setVip(personId, vip) {
    get().upsert(await rpc('people.setVip', { personId, vip }));
  },
  async loadSuggestions() {
    set({ suggestions: await rpc('people.suggestions', {}) });
  },
}));

const RANK: Record<string, number> = { chat: 0, available: 0, away: 1, xa: 2, dnd: 1, invisible: 3, offline: 4 };

/** filter as you type (name, address, status message), then grouped and sorted by presence and name */
export function groupPeople(people: PersonDTO[], filter: string): { group: string; people: PersonDTO[] }[] {
  const q = filter.trim().toLowerCase();
  const match = (p: PersonDTO) =>
    !q ||
    p.name.toLowerCase().includes(q) ||
    (p.presence.status ?? '').toLowerCase().includes(q) ||
    p.identities.some((i) => i.address.toLowerCase().includes(q) || (i.name ?? '').toLowerCase().includes(q));
  const groups = new Map<string, PersonDTO[]>();
  for (const p of people) {
    if (!match(p)) continue;
    const g = p.groups[0] ?? 'Contacts';
    let list = groups.get(g);
    if (!list) groups.set(g, (list = []));
    list.push(p);
  }
  const sorted = [...groups.entries()].sort(([a], [b]) => a.localeCompare(b));
  return sorted.map(([group, list]) => ({
    group,
    people: list.sort((a, b) => (RANK[a.presence.show] ?? 5) - (RANK[b.presence.show] ?? 5) || a.name.localeCompare(b.name)),
  }));
}
