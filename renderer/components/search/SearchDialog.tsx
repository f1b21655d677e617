/** Search (Ctrl+Shift+F): words and filters, hits grouped by conversation, a click opens the message in context. */
import { useEffect, useRef, type FormEvent } from 'react';
import { useAccounts } from '../../stores/accounts';
import { useConversations } from '../../stores/conversations';
import { useMessages } from '../../stores/messages';
import { useSearch, type SearchFilters } from '../../stores/search';
import { errorText } from '../../bridge/api';
import { fullTime } from '../../lib/time';
import { useUi } from '../../stores/ui';
import { Dialog } from '../common/Dialog';
import { Snippet } from './Snippet';

const FILTERS: { key: keyof SearchFilters; label: string; placeholder: string; type?: string }[] = [
  { key: 'from', label: 'From', placeholder: 'name or address' },
  { key: 'in', label: 'In', placeholder: 'conversation' },
  { key: 'after', label: 'After', placeholder: '', type: 'date' },
  { key: 'before', label: 'Before', placeholder: '', type: 'date' },
];

export function SearchDialog({ onClose }: { onClose: () => void }) {
  const { text, filters, result, busy, error } = useSearch();
  const accounts = useAccounts((s) => s.accounts);
  const timer = useRef<ReturnType<typeof setTimeout> | null>(null);

  // search as you type, a little after the last key
  useEffect(() => {
    if (timer.current) clearTimeout(timer.current);
    timer.current = setTimeout(() => void useSearch.getState().run(), 250);
    return () => {
      if (timer.current) clearTimeout(timer.current);
    };
  }, [text, filters]);

  const submit = (e: FormEvent) => {
    e.preventDefault();
    void useSearch.getState().run();
  };

  const openHit = async (conversationId: string, messageId: string) => {
    try {
      onClose();
      const conv = useConversations.getState();
      if (!conv.list.some((c) => c.id === conversationId)) await conv.load();
      await useMessages.getState().jumpTo(conversationId, messageId);
      conv.select(conversationId);
    } catch (e) {
      useUi.getState().toast(errorText(e), 'error');
    }
  };

  return (
    <Dialog title="Search history" onClose={onClose} wide testId="search-dialog">
      <form onSubmit={submit} role="search">
        <div className="field">
          <label htmlFor="search-q">Words</label>
          <input id="search-q" type="text" autoFocus value={text} onChange={(e) => useSearch.getState().setText(e.target.value)} placeholder='words, "a phrase", prefix*' />
        </div>
        <div className="filters">
          {FILTERS.map((f) => (
            <div className="field" key={f.key}>
              <label htmlFor={`sf-${f.key}`}>{f.label}</label>
              <input id={`sf-${f.key}`} type={f.type ?? 'text'} value={filters[f.key]} placeholder={f.placeholder} onChange={(e) => useSearch.getState().setFilter(f.key, e.target.value)} />
            </div>
          ))}
          <div className="field">
            <label htmlFor="sf-account">Account</label>
            <select id="sf-account" value={filters.account} onChange={(e) => useSearch.getState().setFilter('account', e.target.value)}>
              <option value="">All accounts</option>
              {accounts.map((a) => (
                <option key={a.id} value={a.label}>
                  {a.label}
                </option>
              ))}
            </select>
          </div>
        </div>
      </form>
      <div className="search-results" aria-live="polite" aria-busy={busy} data-testid="search-results">
        {error && (
          <p className="error" role="alert">
            {error}
          </p>
        )}
        {result && result.hits.length === 0 && <p className="muted">Nothing found.</p>}
        {result?.groups.map((g) => (
          <section key={g.conversationId} aria-label={g.title} className="hit-group">
            <h3>{g.title}</h3>
            <ul>
              {g.hitIndexes.map((i) => {
                const h = result.hits[i];
                if (!h) return null;
                return (
                  <li key={h.message.id}>
                    <button type="button" className="hit" data-testid="search-hit" onClick={() => void openHit(h.message.conversationId, h.message.id)}>
                      <span className="from">{h.message.fromName ?? h.message.from}</span>
                      <time className="muted small-text">{fullTime(h.message.time)}</time>
                      <Snippet parts={h.snippet} />
                    </button>
                  </li>
                );
              })}
            </ul>
          </section>
        ))}
        {result?.nextCursor && (
          <button type="button" onClick={() => void useSearch.getState().more()}>
            More results
          </button>
        )}
      </div>
    </Dialog>
  );
}
