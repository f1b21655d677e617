import type { ConversationDTO } from '../../../contract';
import { useAccounts, accountName } from '../../stores/accounts';
import { useConversations } from '../../stores/conversations';
import { shortDate } from '../../lib/time';
import { Badges } from '../common/Badges';

export function ConversationRow({ c, active }: { c: ConversationDTO; active: boolean }) {
  const accounts = useAccounts((s) => s.accounts);
  return (
    <li className={`row conv${active ? ' active' : ''}${c.unread ? ' unread' : ''}`} data-testid="conversation" data-title={c.title}>
      <button type="button" className="conv-main" aria-current={active ? 'true' : undefined} onClick={() => useConversations.getState().select(c.id, { latest: true })}>
        <span className="kind" aria-hidden="true">
          {c.kind === 'room' ? '#' : '@'}
        </span>
        <span className="sr-only">{c.kind === 'room' ? 'Room ' : 'Chat with '}</span>
        <span className="title">{c.title}</span>
        <span className="when muted small-text">{c.lastMessageAt ? shortDate(c.lastMessageAt) : ''}</span>
        <span className="account muted small-text">{accountName(accounts, c.accountId)}{c.muted ? ' · muted' : ''}</span>
        <Badges unread={c.unread} mentions={c.mentions} />
      </button>
    </li>
  );
}
