/** Ctrl+K: jump to a person, a room or an account by typing part of its name. */
import { useMemo, useState, type KeyboardEvent } from 'react';
import { errorText } from '../../bridge/api';
import { useAccounts } from '../../stores/accounts';
import { useContacts } from '../../stores/contacts';
import { useConversations } from '../../stores/conversations';
import { useUi } from '../../stores/ui';
import { Dialog } from '../common/Dialog';

interface Item {
  key: string;
  label: string;
  hint: string;
  run: () => Promise<unknown> | void;
}

export function QuickSwitcher({ onClose }: { onClose: () => void }) {
  const people = useContacts((s) => s.people);
  const convs = useConversations((s) => s.list);
  const accounts = useAccounts((s) => s.accounts);
  const [q, setQ] = useState('');
  const [sel, setSel] = useState(0);

  const items = useMemo<Item[]>(() => {
    const all: Item[] = [
      ...convs.filter((c) => c.kind === 'room').map((c) => ({ key: `c:${c.id}`, label: c.title, hint: 'room', run: () => useConversations.getState().select(c.id) })),
      ...people.map((p) => ({ key: `p:${p.id}`, label: p.name, hint: p.identities.map((i) => i.address).join(', '), run: () => useConversations.getState().openWith({ personId: p.id }) })),
      ...convs.filter((c) => c.kind === 'direct' && !c.personId).map((c) => ({ key: `c:${c.id}`, label: c.title, hint: 'conversation', run: () => useConversations.getState().select(c.id) })),
      ...accounts.map((a) => ({ key: `a:${a.id}`, label: a.label, hint: `account, ${a.state}`, run: () => useUi.getState().open('accounts') })),
    ];
    const needle = q.trim().toLowerCase();
    return (needle ? all.filter((i) => i.label.toLowerCase().includes(needle) || i.hint.toLowerCase().includes(needle)) : all).slice(0, 50);
  }, [people, convs, accounts, q]);

  const choose = async (i: Item | undefined) => {
    if (!i) return;
    onClose();
    try {
      await i.run();
    } catch (e) {
      useUi.getState().toast(errorText(e), 'error');
    }
  };
  const onKey = (e: KeyboardEvent) => {
    if (e.key === 'ArrowDown') {
      e.preventDefault();
      setSel((s) => Math.min(items.length - 1, s + 1));
    } else if (e.key === 'ArrowUp') {
      e.preventDefault();
      setSel((s) => Math.max(0, s - 1));
    } else if (e.key === 'Enter') {
      e.preventDefault();
      void choose(items[sel]);
    }
  };
  const activeId = items[sel] ? `qs-${sel}` : undefined;

  return (
    <Dialog title="Go to…" onClose={onClose} testId="switcher">
      <input
        type="text"
        role="combobox"
        aria-expanded="true"
        aria-controls="qs-list"
        aria-activedescendant={activeId}
        aria-label="Person, room or account"
        autoFocus
        value={q}
        onChange={(e) => {
          setQ(e.target.value);
          setSel(0);
        }}
        onKeyDown={onKey}
      />
      <ul id="qs-list" role="listbox" aria-label="Matches" className="switcher-list">
        {items.map((i, n) => (
          <li key={i.key} id={`qs-${n}`} role="option" aria-selected={n === sel} className={n === sel ? 'sel' : ''} onMouseDown={(e) => e.preventDefault()} onClick={() => void choose(i)}>
            <span>{i.label}</span> <span className="muted small-text">{i.hint}</span>
          </li>
        ))}
      </ul>
    </Dialog>
  );
}
