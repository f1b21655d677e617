/**
 * What an export covers: conversations (by address/title, account, person, or ids), a date range,
 * or a search's results — collected in order (conversation, then time) as ExportMessage records.
 * `collectSteps` yields after each page, so the engine can stay responsive on a large export.
 */
import type { Account, Conversation, HistoryStore, Message } from '../history/index';
import type { ExportMessage } from './export/types';
import { drain } from './steps';

export const ID_SHIFT = 1024; // message ids are serverTime × 1024 + sequence (core/history)
const PAGE = 500;

export interface Selection {
  /** conversation address or title (room or peer) */
  conversation?: string;
  /** exactly these conversations (the app's choice by id) */
  conversationIds?: number[];
  /** account label, protocol or id */
  account?: string;
  /** a person: metacontact name, contact name or address, across networks */
  person?: string;
  /** a search query (the same language as `confab search`) */
  query?: string;
  /** ms epoch, inclusive */
  since?: number;
  /** ms epoch, exclusive */
  until?: number;
}

function matchAccount(a: Account, spec: string): boolean {
  const s = spec.toLowerCase();
  return String(a.id) === spec || a.label.toLowerCase() === s || a.protocol === s;
}

function toExport(m: Message, conv: Conversation, acc: Account | undefined): ExportMessage {
  return {
    id: m.id, time: m.serverTime, protocol: acc?.protocol ?? '?', account: acc?.label ?? String(m.accountId),
    conversation: conv.address, conversationKind: conv.kind, conversationTitle: conv.title,
    sender: m.sender, senderName: m.senderName, kind: m.kind, direction: m.direction, body: m.body,
    editedAt: m.editedAt, retractedAt: m.retractedAt, source: m.source,
  };
}

/** The conversations a selection covers (without a query). */
export function selectConversations(store: HistoryStore, sel: Selection): Conversation[] {
  const accounts = store.listAccounts().filter((a) => !sel.account || matchAccount(a, sel.account));
  const accIds = new Set(accounts.map((a) => a.id));
  let convs: Conversation[] = store.listConversations().filter((c) => accIds.has(c.accountId));
  if (sel.conversationIds) {
    const ids = new Set(sel.conversationIds);
    convs = convs.filter((c) => ids.has(c.id));
  }
  if (sel.conversation) {
    const want = sel.conversation.toLowerCase();
    convs = convs.filter((c) => c.address.toLowerCase() === want || (c.title ?? '').toLowerCase() === want);
  }
  if (sel.person) {
    const want = sel.person.toLowerCase();
    const contactIds = new Set<number>();
    for (const mc of store.listMetacontacts()) if (mc.name.toLowerCase() === want) mc.contactIds.forEach((id) => contactIds.add(id));
    const contacts = store.listContacts();
    for (const c of contacts) if (c.address.toLowerCase() === want || (c.name ?? '').toLowerCase() === want) {
      contactIds.add(c.id);
      // the whole person when this contact is linked into one
      if (c.metacontactId !== null) for (const o of contacts) if (o.metacontactId === c.metacontactId) contactIds.add(o.id);
    }
    const pairs = new Set(contacts.filter((c) => contactIds.has(c.id)).map((c) => `${c.accountId}\u0000${c.address.toLowerCase()}`));
    convs = convs.filter((c) => c.kind === 'direct' && (
      (c.contactId !== null && contactIds.has(c.contactId)) || pairs.has(`${c.accountId}\u0000${c.address.toLowerCase()}`) || c.address.toLowerCase() === want));
  }
  return convs;
}

/** Messages for an export, ordered by conversation, then time; yields the count so far after each page. */
export function* collectSteps(store: HistoryStore, sel: Selection): Generator<number, ExportMessage[]> {
  const accounts = new Map(store.listAccounts().map((a) => [a.id, a]));
  const out: { m: Message; c: Conversation }[] = [];
  const inRange = (m: Message) => (sel.since === undefined || m.serverTime >= sel.since) && (sel.until === undefined || m.serverTime < sel.until);
  if (sel.query) {
    const narrowed = sel.conversation || sel.person || sel.account || sel.conversationIds;
    const convIds = narrowed ? new Set(selectConversations(store, sel).map((c) => c.id)) : null;
    let cursor: string | null = null;
    do {
      const page = store.search(sel.query, { limit: PAGE, cursor });
      for (const h of page.hits) if ((!convIds || convIds.has(h.conversation.id)) && inRange(h.message)) out.push({ m: h.message, c: h.conversation });
      cursor = page.nextCursor;
      yield out.length;
    } while (cursor);
  } else {
    for (const c of selectConversations(store, sel)) {
      let after = sel.since !== undefined ? sel.since * ID_SHIFT - 1 : 0;
      for (;;) {
        const page = store.after(c.id, after, PAGE);
        if (!page.length) break;
        let done = false;
        for (const m of page) {
          if (sel.until !== undefined && m.serverTime >= sel.until) { done = true; break; }
          if (inRange(m)) out.push({ m, c });
        }
        yield out.length;
        if (done) break;
        after = page[page.length - 1]!.id;
      }
    }
  }
  out.sort((a, b) => (a.c.id - b.c.id) || (a.m.id - b.m.id));
  return out.map(({ m, c }) => toExport(m, c, accounts.get(m.accountId)));
}

/** Messages for an export at once. */
export function collectMessages(store: HistoryStore, sel: Selection): ExportMessage[] {
  return drain(collectSteps(store, sel));
}
