/** Conversations (unread, mentions), the one on screen, typing people and room members. */
import { create } from 'zustand';
import type { ConversationDTO, MemberDTO } from '../../contract';
import { rpc } from '../bridge/api';
import { useMessages } from './messages';

interface ConversationsState {
  list: ConversationDTO[];
  activeId: string | null;
  /** conversationId → who is typing (address → state) */
  typing: Record<string, Record<string, string>>;
  members: Record<string, MemberDTO[]>;
  load(): Promise<void>;
  upsert(c: ConversationDTO): void;
  remove(id: string): void;
  /** `latest`: a window left in an older context reloads at the newest messages (a click in the list) */
  select(id: string | null, opts?: { latest?: boolean }): void;
  openWith(input: { accountId: string; kind: 'direct' | 'room'; address: string } | { personId: string }): Promise<ConversationDTO>;
  markRead(id: string): Promise<void>;
  setTyping(conversationId: string, from: string, state: string): void;
  setMembers(conversationId: string, members: MemberDTO[]): void;
  loadMembers(conversationId: string): Promise<void>;
}

export const useConversations = create<ConversationsState>((set, get) => ({
  list: [],
  activeId: null,
  typing: {},
  members: {},
  async load() {
    set({ list: await rpc('conversations.list', {}) });
  },
  upsert(c) {
    const list = get().list;
    const i = list.findIndex((x) => x.id === c.id);
    set({ list: i < 0 ? [...list, c] : list.map((x) => (x.id === c.id ? c : x)) });
  },
  remove(id) {
    set({ list: get().list.filter((c) => c.id !== id), activeId: get().activeId === id ? null : get().activeId });
  },
  select(activeId, opts) {
    set({ activeId });
    if (!activeId) return;
    void get().markRead(activeId);
    const w = useMessages.getState().windows[activeId];
    if (opts?.latest && w?.hasAfter && !w.anchor) void useMessages.getState().openLatest(activeId);
  },
  async openWith(input) {
    const c = await rpc('conversations.open', input);
    get().upsert(c);
    get().select(c.id);
    return c;
  },
  async markRead(id) {
    const c = get().list.find((x) => x.id === id);
    if (!c || (c.unread === 0 && c.mentions === 0)) return;
    try {
      get().upsert(await rpc('conversations.markRead', { conversationId: id }));
    } catch {
      /* shown again by the next conversations.changed */
    }
  },
  setTyping(conversationId, from, state) {
    const cur = { ...(get().typing[conversationId] ?? {}) };
    if (state === 'composing' || state === 'paused') cur[from] = state;
    else delete cur[from];
    set({ typing: { ...get().typing, [conversationId]: cur } });
  },
  setMembers(conversationId, members) {
    set({ members: { ...get().members, [conversationId]: members } });
  },
  async loadMembers(conversationId) {
    try {
      get().setMembers(conversationId, await rpc('rooms.members', { conversationId }));
    } catch {
      /* not joined */
    }
  },
}));

/** newest activity first; unread ones stay where their time puts them */
export function sortConversations(list: ConversationDTO[]): ConversationDTO[] {
  return [...list].sort((a, b) => (b.lastMessageAt ?? 0) - (a.lastMessageAt ?? 0) || a.title.localeCompare(b.title));
}
