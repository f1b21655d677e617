/** One conversation: header (title, topic, account), history, typing, composer; room members beside. */
import { useEffect, useState } from 'react';
import { errorText, rpc } from '../../bridge/api';
import { useAccounts } from '../../stores/accounts';
import { useConversations } from '../../stores/conversations';
import { useUi } from '../../stores/ui';
import { Composer } from './Composer';
import { MembersPanel } from './MembersPanel';
import { MessageList } from './MessageList';
import { TypingIndicator } from './TypingIndicator';
import { UploadList } from './UploadList';
import { useOwnServer } from './useOwnServer';

export function ChatView({ conversationId }: { conversationId: string }) {
  const conv = useConversations((s) => s.list.find((c) => c.id === conversationId));
  const account = useAccounts((s) => s.accounts.find((a) => a.id === conv?.accountId));
  const [showMembers, setShowMembers] = useState(true);
  const own = useOwnServer(conversationId, account);

  useEffect(() => {
    const onFocus = () => void useConversations.getState().markRead(conversationId);
    window.addEventListener('focus', onFocus);
    return () => window.removeEventListener('focus', onFocus);
  }, [conversationId]);

  if (!conv) return null;
  const isRoom = conv.kind === 'room';
  const toggleMute = () =>
    rpc('conversations.setMuted', { conversationId: conv.id, muted: !conv.muted })
      .then((c) => useConversations.getState().upsert(c))
      .catch((e: unknown) => useUi.getState().toast(errorText(e), 'error'));

  return (
    <div className="chat" data-testid="chat">
      <header className="chat-head">
        <div>
          <h1>{conv.title}</h1>
          <div className="muted small-text">
            {conv.address} · {account?.label ?? conv.accountId}
            {account && account.state !== 'online' ? ` (${account.state})` : ''}
          </div>
          {isRoom && conv.topic && (
            <div className="topic" title={conv.topic} data-testid="topic">
              {conv.topic}
            </div>
          )}
        </div>
        <div className="actions">
          <button type="button" className="small" onClick={toggleMute} aria-pressed={conv.muted}>
            {conv.muted ? 'Unmute' : 'Mute'}
          </button>
          {isRoom && (
            <button type="button" className="small" onClick={() => setShowMembers((v) => !v)} aria-pressed={showMembers}>
              Members
            </button>
          )}
        </div>
      </header>
      <div className="chat-body">
        <div className="chat-main">
          <MessageList conversationId={conv.id} own={own} />
          <TypingIndicator conversationId={conv.id} />
          <UploadList conversationId={conv.id} />
          <Composer conv={conv} account={account} />
        </div>
        {isRoom && showMembers && <MembersPanel conversationId={conv.id} />}
      </div>
    </div>
  );
}
