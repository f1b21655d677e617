export function Badges({ unread, mentions }: { unread: number; mentions: number }) {
  return (
    <span className="badges">
      {mentions > 0 && (
        <span className="badge mention" aria-label={`${mentions} mentions`} data-testid="mention-badge">
          @{mentions}
        </span>
      )}
      {unread > 0 && (
        <span className="badge" aria-label={`${unread} unread`} data-testid="unread-badge">
          {unread}
        </span>
      )}
    </span>
  );
}
