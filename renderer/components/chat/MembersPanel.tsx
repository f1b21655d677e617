import { useEffect } from 'react';
import { useConversations } from '../../stores/conversations';
import { PeerFacts } from '../common/PeerFacts';

export function MembersPanel({ conversationId }: { conversationId: string }) {
  const members = useConversations((s) => s.members[conversationId]);
  useEffect(() => {
    void useConversations.getState().loadMembers(conversationId);
  }, [conversationId]);
  const list = [...(members ?? [])].sort((a, b) => (b.modes ?? '').localeCompare(a.modes ?? '') || a.nick.localeCompare(b.nick));
  return (
    <aside className="members" aria-label="Room members">
      <h3>{list.length} members</h3>
      <ul>
        {list.map((m) => (
          <li key={m.nick} className={m.away ? 'away' : ''}>
            {m.modes && <span className="modes">{m.modes}</span>}
            {m.nick}
            {m.role && m.role !== 'participant' && <span className="muted small-text"> {m.role}</span>}
            <PeerFacts account={m.account} realName={m.realName} userHost={m.userHost} nick={m.nick} />
          </li>
        ))}
      </ul>
    </aside>
  );
}
