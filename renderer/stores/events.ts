/** Applies the engine's events to the stores (one place, one line per event). */
import { bridge, showNotification } from '../bridge/api';
import { useAccounts } from './accounts';
import { useArchiveTools } from './archiveTools';
import { useContacts } from './contacts';
import { useConversations } from './conversations';
import { useMessages } from './messages';
import { useSession } from './session';
import { useStatus } from './status';
import { useUi } from './ui';
import { useUploads } from './uploads';

export function wireEvents(): () => void {
  const b = bridge();
  const offs = [
    b.on('archive.status', (a) => useSession.getState().setArchive(a)),
    b.on('accounts.changed', (a) => useAccounts.getState().upsert(a)),
    b.on('accounts.removed', ({ id }) => useAccounts.getState().remove(id)),
    b.on('contacts.changed', (p) => useContacts.getState().upsert(p)),
    b.on('contacts.removed', ({ personId }) => useContacts.getState().remove(personId)),
    b.on('contacts.subscriptionRequest', (r) => useContacts.getState().addRequest(r)),
    b.on('conversations.changed', (c) => {
      const conv = useConversations.getState();
      // the conversation on screen is read as it arrives
      if (c.id === conv.activeId && (c.unread > 0 || c.mentions > 0) && document.visibilityState === 'visible') {
        conv.upsert(c);
        void conv.markRead(c.id);
      } else conv.upsert(c);
    }),
    b.on('conversations.removed', ({ conversationId }) => useConversations.getState().remove(conversationId)),
    b.on('messages.added', ({ messages }) => {
      useMessages.getState().added(messages);
      for (const m of messages) if (m.direction === 'out' && m.oobUrl) useUploads.getState().learn(m.accountId, m.oobUrl);
    }),
    b.on('messages.updated', (u) => useMessages.getState().updated(u)),
    b.on('messages.gap', (g) => useMessages.getState().gap(g)),
    b.on('typing', (t) => useConversations.getState().setTyping(t.conversationId, t.from, t.state)),
    b.on('rooms.members', ({ conversationId, members }) => useConversations.getState().setMembers(conversationId, members)),
    b.on('rooms.invite', (i) => useUi.getState().toast(`${i.from} invites you to ${i.room}${i.reason ? `: ${i.reason}` : ''}`)),
    b.on('status.changed', (s) => useStatus.getState().setStatus(s)),
    b.on('digest', (d) => useStatus.getState().showDigest(d)),
    b.on('notify', (n) => showNotification(n, () => useConversations.getState().select(n.conversationId))),
    b.on('archive.job', (j) => useArchiveTools.getState().jobChanged(j)),
    b.on('archive.retention', (r) => useArchiveTools.getState().setRetention(r)),
    b.on('error', (e) => useUi.getState().toast(e.message, 'error')),
  ];
  const offConn = b.onConnection?.((up) => useSession.getState().setHostUp(up));
  return () => {
    for (const off of offs) off();
    offConn?.();
  };
}

/** after unlock: everything the main screen shows */
export async function loadAll(): Promise<void> {
  await Promise.all([
    useAccounts.getState().load(),
    useContacts.getState().load(),
    useConversations.getState().load(),
    useStatus.getState().load(),
  ]);
}
