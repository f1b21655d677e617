import { useConversations } from '../../stores/conversations';

export function TypingIndicator({ conversationId }: { conversationId: string }) {
  const typing = useConversations((s) => s.typing[conversationId]);
  const who = Object.entries(typing ?? {}).filter(([, st]) => st === 'composing').map(([from]) => from);
  const text = who.length === 0 ? '' : who.length === 1 ? `${who[0]} is typing…` : `${who.slice(0, 3).join(', ')} are typing…`;
  return (
    <div className="typing" aria-live="polite" data-testid="typing">
      {text}
    </div>
  );
}
