/** Open conversations across all accounts, newest first, with unread and mention badges. */
import { useMemo } from 'react';
import { sortConversations, useConversations } from '../../stores/conversations';
import { ConversationRow } from './ConversationRow';

export function ConversationList() {
  const list = useConversations((s) => s.list);
  const activeId = useConversations((s) => s.activeId);
  const sorted = useMemo(() => sortConversations(list), [list]);
  if (sorted.length === 0) return null;
  return (
    <section className="section conversations" aria-labelledby="conv-h">
      <h2 id="conv-h">Conversations</h2>
      <ul className="rows" data-testid="conversation-list">
        {sorted.map((c) => (
          <ConversationRow key={c.id} c={c} active={c.id === activeId} />
        ))}
      </ul>
    </section>
  );
}
