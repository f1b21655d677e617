/**
 * The loaded window of each conversation's history. Only a bounded window lives in memory (and the
 * chat list virtualises even that): scrolling to an edge loads the next page from the archive and
 * drops the far end, so 100,000 messages never become one giant list.
 */
import { create } from 'zustand';
import type { GapDTO, MessageDTO } from '../../contract';
import { rpc } from '../bridge/api';

export const PAGE = 100;
export const MAX_LOADED = 400;

export interface HistoryWindow {
  messages: MessageDTO[];
  gaps: GapDTO[];
  /** older / newer messages exist in the archive beyond the window */
  hasBefore: boolean;
  hasAfter: boolean;
  loading: boolean;
  /** message to scroll to and highlight (jump to message in context) */
  anchor: string | null;
  /** bumps whenever older messages were put in front (the list keeps its scroll position) */
  prepended: number;
}

const empty = (): HistoryWindow => ({ messages: [], gaps: [], hasBefore: true, hasAfter: false, loading: false, anchor: null, prepended: 0 });

const byTime = (a: MessageDTO, b: MessageDTO) => a.time - b.time || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);

function mergeMessages(base: MessageDTO[], add: MessageDTO[]): MessageDTO[] {
  const map = new Map(base.map((m) => [m.id, m]));
  for (const m of add) map.set(m.id, m);
  return [...map.values()].sort(byTime);
}

function mergeGaps(base: GapDTO[], add: GapDTO[]): GapDTO[] {
  const key = (g: GapDTO) => `${g.from}:${g.to}`;
  const map = new Map(base.map((g) => [key(g), g]));
  for (const g of add) map.set(key(g), g);
  return [...map.values()];
}

interface MessagesState {
  windows: Record<string, HistoryWindow>;
  openLatest(conversationId: string): Promise<void>;
  loadOlder(conversationId: string): Promise<void>;
  loadNewer(conversationId: string): Promise<void>;
  jumpTo(conversationId: string, messageId: string): Promise<void>;
  clearAnchor(conversationId: string): void;
  added(messages: MessageDTO[]): void;
  updated(u: { id: string; conversationId: string; state: MessageDTO['state']; error?: string; serverId?: string }): void;
  gap(g: GapDTO): void;
  send(conversationId: string, body: string, kind?: 'chat' | 'action' | 'notice'): Promise<void>;
  resend(conversationId: string, messageId: string): Promise<void>;
}

/** per conversation: bumped by every reload of the whole window; a page that comes back later is dropped */
const generation = new Map<string, number>();
const bump = (id: string) => {
  const g = (generation.get(id) ?? 0) + 1;
  generation.set(id, g);
  return g;
};
const current = (id: string, g: number) => (generation.get(id) ?? 0) === g;

export const useMessages = create<MessagesState>((set, get) => {
  const win = (id: string) => get().windows[id] ?? empty();
  const put = (id: string, w: Partial<HistoryWindow>) => set({ windows: { ...get().windows, [id]: { ...win(id), ...w } } });

  return {
    windows: {},
    async openLatest(conversationId) {
      const g = bump(conversationId);
      put(conversationId, { loading: true });
      const page = await rpc('messages.page', { conversationId, limit: PAGE });
      if (!current(conversationId, g)) return;
      put(conversationId, { messages: page.messages.sort(byTime), gaps: page.gaps, hasBefore: page.hasBefore, hasAfter: false, loading: false, anchor: null });
    },
    async loadOlder(conversationId) {
      const w = win(conversationId);
      const first = w.messages[0];
      if (w.loading || !w.hasBefore || !first) return;
      const g = generation.get(conversationId) ?? 0;
      put(conversationId, { loading: true });
      const page = await rpc('messages.page', { conversationId, before: first.id, limit: PAGE });
      if (!current(conversationId, g)) return;
      let messages = mergeMessages(w.messages, page.messages);
      let hasAfter = w.hasAfter;
      if (messages.length > MAX_LOADED) {
        messages = messages.slice(0, MAX_LOADED);
        hasAfter = true;
      }
      const added = messages.findIndex((m) => m.id === first.id);
      put(conversationId, { messages, gaps: mergeGaps(w.gaps, page.gaps), hasBefore: page.hasBefore, hasAfter, loading: false, prepended: w.prepended + Math.max(0, added) });
    },
    async loadNewer(conversationId) {
      const w = win(conversationId);
      const last = w.messages[w.messages.length - 1];
      if (w.loading || !w.hasAfter || !last) return;
      const g = generation.get(conversationId) ?? 0;
      put(conversationId, { loading: true });
      const page = await rpc('messages.page', { conversationId, after: last.id, limit: PAGE });
      if (!current(conversationId, g)) return;
      let messages = mergeMessages(w.messages, page.messages);
      let hasBefore = w.hasBefore;
      if (messages.length > MAX_LOADED) {
        messages = messages.slice(messages.length - MAX_LOADED);
        hasBefore = true;
      }
      put(conversationId, { messages, gaps: mergeGaps(w.gaps, page.gaps), hasBefore, hasAfter: page.hasAfter, loading: false });
    },
    async jumpTo(conversationId, messageId) {
      const g = bump(conversationId);
      put(conversationId, { loading: true });
      const page = await rpc('messages.page', { conversationId, around: messageId, limit: PAGE });
      if (!current(conversationId, g)) return;
      put(conversationId, { messages: page.messages.sort(byTime), gaps: page.gaps, hasBefore: page.hasBefore, hasAfter: page.hasAfter, loading: false, anchor: messageId });
    },
    clearAnchor(conversationId) {
      put(conversationId, { anchor: null });
    },
    added(messages) {
      const byConv = new Map<string, MessageDTO[]>();
      for (const m of messages) {
        let l = byConv.get(m.conversationId);
        if (!l) byConv.set(m.conversationId, (l = []));
        l.push(m);
      }
      const windows = { ...get().windows };
      for (const [id, list] of byConv) {
        const w = windows[id];
        // only the live end of a loaded window grows; a window scrolled back learns it has newer ones
        if (!w) continue;
        if (w.hasAfter) {
          windows[id] = { ...w };
          continue;
        }
        let merged = mergeMessages(w.messages, list);
        let hasBefore = w.hasBefore;
        if (merged.length > MAX_LOADED) {
          merged = merged.slice(merged.length - MAX_LOADED);
          hasBefore = true;
        }
        windows[id] = { ...w, messages: merged, hasBefore };
      }
      set({ windows });
    },
    updated(u) {
      const w = get().windows[u.conversationId];
      if (!w) return;
      put(u.conversationId, {
        messages: w.messages.map((m) =>
          m.id === u.id ? { ...m, state: u.state, ...(u.error !== undefined ? { error: u.error } : {}), ...(u.serverId !== undefined ? { serverId: u.serverId } : {}) } : m,
        ),
      });
    },
    gap(g) {
      const w = get().windows[g.conversationId];
      if (w) put(g.conversationId, { gaps: mergeGaps(w.gaps, [g]) });
    },
    async send(conversationId, body, kind) {
      const w = win(conversationId);
      if (w.hasAfter) await get().openLatest(conversationId);
      const m = await rpc('messages.send', { conversationId, body, ...(kind ? { kind } : {}) });
      get().added([m]);
    },
    async resend(conversationId, messageId) {
      const m = await rpc('messages.resend', { messageId });
      get().added([m]);
      void conversationId;
    },
  };
});
