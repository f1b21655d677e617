/** The unified contact list: one row per person across accounts, grouped, filtered as you type. */
import { useMemo } from 'react';
import { groupPeople, useContacts } from '../../stores/contacts';
import { useUi } from '../../stores/ui';
import { ContactRow } from './ContactRow';

export function ContactList() {
  const people = useContacts((s) => s.people);
  const filter = useContacts((s) => s.filter);
  const setFilter = useContacts((s) => s.setFilter);
  const open = useUi((s) => s.open);
  const groups = useMemo(() => groupPeople(people, filter), [people, filter]);

  return (
    <section className="section contacts" aria-labelledby="contacts-h">
      <div className="section-head">
        <h2 id="contacts-h">Contacts</h2>
        <button type="button" className="small" onClick={() => open('addContact')}>
          Add contact
        </button>
      </div>
      <input
        type="search"
        className="filter"
        placeholder="Filter contacts"
        aria-label="Filter contacts"
        value={filter}
        onChange={(e) => setFilter(e.target.value)}
      />
      {groups.length === 0 && <p className="muted">{people.length ? 'Nobody matches.' : 'No contacts yet.'}</p>}
      {groups.map((g) => (
        <div key={g.group} role="group" aria-label={g.group}>
          {(groups.length > 1 || g.group !== 'Contacts') && <h3 className="group">{g.group}</h3>}
          <ul className="rows" data-testid="contact-list">
            {g.people.map((p) => (
              <ContactRow key={p.id} person={p} />
            ))}
          </ul>
        </div>
      ))}
    </section>
  );
}
