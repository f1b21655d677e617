import type { ConversationDTO } from '../../../contract';
import { useAccounts, accountName } from '../../stores/accounts';
import { useConversations } from '../../stores/conversations';
import { shortDate } from '../../lib/time';
import { Badges } from '../common/Badges';

export function ConversationRow({ c, active }: { c: ConversationDTO; active: boolean }) {
  const accounts = useAccounts((s) => s.accounts);
  const label = `${c.title}${c.unread ? `, ${c.unread} unread` : ''}${c.mentions ? `, ${c.mentions} mentions` : ''}`;
  return (
    <li className={`row conv${active ? ' active' : ''}${c.unread ? ' unread' : ''}`} data-testid="conversation" data-title={c.title}>
      <button type="button" className="row-main" aria-current={active ? 'true' : undefined} aria-label={label} onClick={() => useConversations.getState().select(c.id)}>
        <span className="kind" aria-hidden="true">
          {c.kind === 'room' ? '#' : '@'}
        </span>
        <span className="title">{c.title}</span>
        <span className="muted small-text">{accountName(accounts, c.accountId)}</span>
        {c.lastMessageAt && <span className="muted small-text">{shortDate(c.lastMessageAt)}</span>}
        <Badges unread={c.unread} mentions={c.mentions} />
      </button>
    </li>
  );
}
