/** Full-text search over the archive: query with filters, hits grouped by conversation. */
import { create } from 'zustand';
import type { SearchResultDTO } from '../../contract';
import { errorText, rpc } from '../bridge/api';

export interface SearchFilters {
  from: string;
  in: string;
  account: string;
  after: string;
  before: string;
}

export const noFilters: SearchFilters = { from: '', in: '', account: '', after: '', before: '' };

/** the store's query language: words plus `from:` `in:` `account:` `after:` `before:` filters */
export function buildQuery(text: string, f: SearchFilters): string {
  const parts = [text.trim()];
  const q = (v: string) => (/[\s"]/.test(v) ? `"${v.replace(/"/g, '')}"` : v);
  for (const k of ['from', 'in', 'account', 'after', 'before'] as const) if (f[k].trim()) parts.push(`${k}:${q(f[k].trim())}`);
  return parts.filter(Boolean).join(' ');
}

interface SearchState {
  text: string;
  filters: SearchFilters;
  result: SearchResultDTO | null;
  busy: boolean;
  error: string | null;
  setText(t: string): void;
  setFilter(k: keyof SearchFilters, v: string): void;
  run(): Promise<void>;
  more(): Promise<void>;
}

let seq = 0;

export const useSearch = create<SearchState>((set, get) => ({
  text: '',
  filters: noFilters,
  result: null,
  busy: false,
  error: null,
  setText: (text) => set({ text }),
  setFilter: (k, v) => set({ filters: { ...get().filters, [k]: v } }),
  async run() {
    const query = buildQuery(get().text, get().filters);
    if (!query) {
      set({ result: null, error: null });
      return;
    }
    const mine = ++seq;
    set({ busy: true, error: null });
    try {
      const result = await rpc('search.query', { query, limit: 50 });
      if (mine === seq) set({ result, busy: false });
    } catch (e) {
      if (mine === seq) set({ error: errorText(e), busy: false, result: null });
    }
  },
  async more() {
    const cur = get().result;
    if (!cur?.nextCursor) return;
    const query = buildQuery(get().text, get().filters);
    const page = await rpc('search.query', { query, limit: 50, cursor: cur.nextCursor });
    const offset = cur.hits.length;
    const groups = cur.groups.map((g) => ({ ...g, hitIndexes: [...g.hitIndexes] }));
    for (const g of page.groups) {
      const same = groups.find((x) => x.conversationId === g.conversationId);
      const idx = g.hitIndexes.map((i) => i + offset);
      if (same) same.hitIndexes.push(...idx);
      else groups.push({ ...g, hitIndexes: idx });
    }
    set({ result: { hits: [...cur.hits, ...page.hits], groups, ...(page.nextCursor ? { nextCursor: page.nextCursor } : {}) } });
  },
}));
