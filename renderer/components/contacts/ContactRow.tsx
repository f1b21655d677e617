import type { PersonDTO } from '../../../contract';
import { errorText } from '../../bridge/api';
import { useConversations } from '../../stores/conversations';
import { useUi } from '../../stores/ui';
import { PresenceDot } from '../common/PresenceDot';

export function ContactRow({ person }: { person: PersonDTO }) {
  const openChat = async () => {
    try {
      await useConversations.getState().openWith({ personId: person.id });
    } catch (e) {
      useUi.getState().toast(errorText(e), 'error');
    }
  };
  const accounts = person.identities.length;
  return (
    <li className="row contact" data-testid="contact" data-person={person.id}>
      <button type="button" className="row-main" onClick={openChat}>
        <PresenceDot show={person.presence.show} />
        <span className="title">
          {person.name}
          {person.vip && (
            <span className="vip" data-testid="vip" title="Breaks through Do not disturb">
              <span aria-hidden="true"> ★</span>
              <span className="sr-only"> (breaks through Do not disturb)</span>
            </span>
          )}
        </span>
        {person.presence.status && <span className="status-msg">{person.presence.status}</span>}
        {accounts > 1 && <span className="muted small-text">{accounts} accounts</span>}
      </button>
      <button type="button" className="icon" aria-label={`Details of ${person.name}`} onClick={() => useUi.getState().open('person', person.id)}>
        ⋯
      </button>
    </li>
  );
}
