/** One message: sender, time, text, delivery state (with resend for failed / unconfirmed). */
import { memo } from 'react';
import type { MessageDTO } from '../../../contract';
import { errorText } from '../../bridge/api';
import { fullTime, timeOf } from '../../lib/time';
import { useMessages } from '../../stores/messages';
import { useUi } from '../../stores/ui';
import type { OwnServer } from '../../lib/ownServer';
import { Attachment } from './Attachment';
import { MessageBody } from './MessageBody';

const STATE_LABEL: Partial<Record<MessageDTO['state'], string>> = {
  queued: 'queued',
  sending: 'sending…',
  sent: 'sent',
  delivered: 'delivered',
  read: 'read',
  unconfirmed: 'not confirmed by the server',
  failed: 'failed',
};

export const MessageRow = memo(function MessageRow(props: { m: MessageDTO; highlighted: boolean; own: OwnServer }) {
  const { m } = props;
  const resend = () =>
    useMessages
      .getState()
      .resend(m.conversationId, m.id)
      .catch((e: unknown) => useUi.getState().toast(errorText(e), 'error'));
  const who = m.fromName ?? m.from;
  const cls = ['msg', m.direction, m.kind, m.mention ? 'mention' : '', props.highlighted ? 'highlight' : ''].filter(Boolean).join(' ');
  return (
    <article className={cls} data-testid="message" data-id={m.id} data-state={m.state} aria-label={`${who} at ${timeOf(m.time)}`}>
      <header>
        {m.kind !== 'action' && <span className="from">{who}</span>}
        <time dateTime={new Date(m.time).toISOString()} title={fullTime(m.time)}>
          {timeOf(m.time)}
        </time>
        {m.direction === 'out' && STATE_LABEL[m.state] && (
          <span className={`delivery ${m.state}`} data-testid="delivery" title={m.error ?? STATE_LABEL[m.state]}>
            {STATE_LABEL[m.state]}
          </span>
        )}
        {m.autoReply && <span className="muted small-text">auto-reply</span>}
        {m.direction === 'out' && (m.state === 'failed' || m.state === 'unconfirmed') && (
          <button type="button" className="small" onClick={resend} aria-label="Send this message again">
            Resend
          </button>
        )}
      </header>
      {m.kind === 'action' ? (
        <div className="body action">
          <em>
            * {who} {m.body}
          </em>
        </div>
      ) : m.oobUrl && m.body.trim() === m.oobUrl ? null /* the link alone: the attachment below shows it */ : (
        <MessageBody body={m.body} />
      )}
      {m.oobUrl && <Attachment url={m.oobUrl} own={props.own} />}
      {m.error && m.state === 'failed' && <p className="error small-text">{m.error}</p>}
    </article>
  );
});
