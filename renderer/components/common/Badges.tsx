export function Badges({ unread, mentions }: { unread: number; mentions: number }) {
  return (
    <span className="badges">
      {mentions > 0 && (
        <span className="badge mention" data-testid="mention-badge" data-count={mentions}>
          @{mentions}
          <span className="sr-only"> mentions</span>
        </span>
      )}
      {unread > 0 && (
        <span className="badge" data-testid="unread-badge" data-count={unread}>
          {unread}
          <span className="sr-only"> unread</span>
        </span>
      )}
    </span>
  );
}
