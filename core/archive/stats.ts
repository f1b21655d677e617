/** `confab stats`: message, account and conversation counts. */
import type { HistoryStore } from '../history/index';

export interface ArchiveStats {
  messages: number;
  accounts: number;
  conversations: number;
  perAccount: { id: number; label: string; protocol: string; conversations: number; messages: number }[];
  schemaVersion: number;
  /** segments of the full-text index (the app and `import` merge them; fewer = faster cold searches) */
  indexSegments: number;
}

export function archiveStats(store: HistoryStore): ArchiveStats {
  const convs = store.listConversations();
  const perAccount = store.listAccounts().map((a) => {
    const mine = convs.filter((c) => c.accountId === a.id);
    return { id: a.id, label: a.label, protocol: a.protocol, conversations: mine.length, messages: mine.reduce((n, c) => n + store.countMessages(c.id), 0) };
  });
  return { messages: store.countMessages(), accounts: perAccount.length, conversations: convs.length, perAccount, schemaVersion: store.version, indexSegments: store.indexSegments() };
}
