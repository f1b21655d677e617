/** Keyword watches: saved searches that notify for new matching messages (list, add, remove). */
import { useEffect, useState, type FormEvent } from 'react';
import { CommandError, errorText } from '../../bridge/api';
import { useArchiveTools } from '../../stores/archiveTools';
import { FormActions } from '../common/FormActions';

export function WatchesPanel() {
  const watches = useArchiveTools((s) => s.watches);
  const [name, setName] = useState('');
  const [query, setQuery] = useState('');
  const [breakthrough, setBreakthrough] = useState(false);
  const [error, setError] = useState<string | null>(null);
  useEffect(() => {
    useArchiveTools.getState().loadWatches().catch((e: unknown) => setError(errorText(e)));
  }, []);

  const add = async (e: FormEvent) => {
    e.preventDefault();
    if (!name.trim() || !query.trim()) return setError('Give the watch a name and a search.');
    setError(null);
    try {
      await useArchiveTools.getState().addWatch(name.trim(), query.trim(), breakthrough);
      setName('');
      setQuery('');
      setBreakthrough(false);
    } catch (err) {
      // a malformed query or a name in use: the engine says which
      setError(err instanceof CommandError && err.fields ? Object.values(err.fields).join(' ') || err.message : errorText(err));
    }
  };
  const remove = (id: string) => useArchiveTools.getState().removeWatch(id).catch((e: unknown) => setError(errorText(e)));

  return (
    <div data-testid="watches-panel">
      <p className="muted small-text">A watch notifies you when a new message matches its search (same words and filters as the search window).</p>
      {watches.length === 0 ? (
        <p className="muted">No watches yet.</p>
      ) : (
        <ul className="watch-list" aria-label="Keyword watches">
          {watches.map((w) => (
            <li key={w.id} data-testid="watch">
              <span className="title">{w.name}</span> <code>{w.query}</code>
              {w.breakthrough && <span className="muted small-text"> · breaks through Do not disturb</span>}
              <button type="button" className="small" onClick={() => void remove(w.id)} aria-label={`Remove watch ${w.name}`}>
                Remove
              </button>
            </li>
          ))}
        </ul>
      )}
      <form onSubmit={add}>
        <fieldset>
          <legend>New watch</legend>
          <div className="field">
            <label htmlFor="watch-name">Name</label>
            <input id="watch-name" value={name} maxLength={200} onChange={(e) => setName(e.target.value)} placeholder="Outages" />
          </div>
          <div className="field">
            <label htmlFor="watch-query">Search</label>
            <input id="watch-query" value={query} maxLength={1000} onChange={(e) => setQuery(e.target.value)} placeholder='outage OR "is down"' />
          </div>
          <div className="field check">
            <input id="watch-bt" type="checkbox" checked={breakthrough} onChange={(e) => setBreakthrough(e.target.checked)} />
            <label htmlFor="watch-bt">Notify even under Do not disturb and in muted conversations</label>
          </div>
          <FormActions error={error} submitLabel="Add watch" />
        </fieldset>
      </form>
    </div>
  );
}
