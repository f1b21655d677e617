/** Breakthrough people and keywords, auto-reply, idle auto-away, notifications. */
import { useState, type FormEvent } from 'react';
import type { SettingsDTO } from '../../../contract';
import { errorText } from '../../bridge/api';
import { useContacts } from '../../stores/contacts';
import { useStatus } from '../../stores/status';
import { Dialog } from '../common/Dialog';
import { FormActions } from '../common/FormActions';

const minutes = (ms: number) => Math.round(ms / 60_000);

export function SettingsDialog({ onClose }: { onClose: () => void }) {
  const settings = useStatus((s) => s.settings);
  const people = useContacts((s) => s.people);
  const [draft, setDraft] = useState<SettingsDTO | null>(settings);
  const [keywords, setKeywords] = useState((settings?.breakthrough.keywords ?? []).join(', '));
  const [error, setError] = useState<string | null>(null);
  if (!draft) return null;

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setError(null);
    try {
      const kw = keywords.split(',').map((k) => k.trim()).filter(Boolean);
      await useStatus.getState().saveSettings({ ...draft, breakthrough: { ...draft.breakthrough, keywords: kw } });
      // VIP people are kept on the people too (the engine reads both)
      await Promise.all(
        people
          .filter((p) => p.vip !== draft.breakthrough.people.includes(p.id))
          .map((p) => useContacts.getState().setVip(p.id, draft.breakthrough.people.includes(p.id))),
      );
      onClose();
    } catch (err) {
      setError(errorText(err));
    }
  };
  const vip = new Set(draft.breakthrough.people);

  return (
    <Dialog title="Status and notification settings" onClose={onClose} wide>
      <form onSubmit={submit}>
        <fieldset>
          <legend>Breakthrough while Do not disturb</legend>
          <div className="field">
            <label htmlFor="kw">Keywords (comma separated)</label>
            <input id="kw" value={keywords} onChange={(e) => setKeywords(e.target.value)} placeholder="urgent, outage" />
          </div>
          <div className="people-picks" role="group" aria-label="People who break through">
            {[...people].sort((a, b) => a.name.localeCompare(b.name)).map((p) => (
              <div className="field check" key={p.id}>
                <input
                  id={`vip-${p.id}`}
                  type="checkbox"
                  checked={vip.has(p.id)}
                  onChange={(e) => {
                    const next = new Set(vip);
                    if (e.target.checked) next.add(p.id);
                    else next.delete(p.id);
                    setDraft({ ...draft, breakthrough: { ...draft.breakthrough, people: [...next] } });
                  }}
                />
                <label htmlFor={`vip-${p.id}`}>{p.name}</label>
              </div>
            ))}
          </div>
        </fieldset>
        <fieldset>
          <legend>Auto-reply when away or busy</legend>
          <div className="field check">
            <input id="ar-on" type="checkbox" checked={draft.autoReply.enabled} onChange={(e) => setDraft({ ...draft, autoReply: { ...draft.autoReply, enabled: e.target.checked } })} />
            <label htmlFor="ar-on">Answer direct messages automatically (once per person per period, never in rooms)</label>
          </div>
          <div className="field">
            <label htmlFor="ar-msg">Auto-reply text</label>
            <input id="ar-msg" value={draft.autoReply.message} maxLength={1000} onChange={(e) => setDraft({ ...draft, autoReply: { ...draft.autoReply, message: e.target.value } })} />
          </div>
          <div className="field">
            <label htmlFor="ar-period">Once per (minutes)</label>
            <input id="ar-period" type="number" min={1} value={minutes(draft.autoReply.periodMs)} onChange={(e) => setDraft({ ...draft, autoReply: { ...draft.autoReply, periodMs: Math.max(1, Number(e.target.value)) * 60_000 } })} />
          </div>
        </fieldset>
        <fieldset>
          <legend>Idle</legend>
          <div className="field check">
            <input id="idle-on" type="checkbox" checked={draft.idle.enabled} onChange={(e) => setDraft({ ...draft, idle: { ...draft.idle, enabled: e.target.checked } })} />
            <label htmlFor="idle-on">Set me away when idle (never replaces Do not disturb)</label>
          </div>
          <div className="field">
            <label htmlFor="idle-after">Away after (minutes)</label>
            <input id="idle-after" type="number" min={1} value={minutes(draft.idle.awayAfterMs)} onChange={(e) => setDraft({ ...draft, idle: { ...draft.idle, awayAfterMs: Math.max(1, Number(e.target.value)) * 60_000 } })} />
          </div>
        </fieldset>
        <fieldset>
          <legend>Notifications</legend>
          <div className="field check">
            <input id="n-on" type="checkbox" checked={draft.notifications.enabled} onChange={(e) => setDraft({ ...draft, notifications: { ...draft.notifications, enabled: e.target.checked } })} />
            <label htmlFor="n-on">Desktop notifications</label>
          </div>
          <div className="field check">
            <input id="n-sound" type="checkbox" checked={draft.notifications.sound} onChange={(e) => setDraft({ ...draft, notifications: { ...draft.notifications, sound: e.target.checked } })} />
            <label htmlFor="n-sound">Sound</label>
          </div>
          <div className="field">
            <label htmlFor="n-rooms">In rooms</label>
            <select id="n-rooms" value={draft.notifications.rooms} onChange={(e) => setDraft({ ...draft, notifications: { ...draft.notifications, rooms: e.target.value as 'all' | 'mentions' } })}>
              <option value="mentions">Only when I am mentioned</option>
              <option value="all">Every message</option>
            </select>
          </div>
          {typeof Notification !== 'undefined' && Notification.permission === 'default' && (
            <button type="button" onClick={() => void Notification.requestPermission()}>
              Allow desktop notifications in this browser
            </button>
          )}
        </fieldset>
        <FormActions error={error} onCancel={onClose} submitLabel="Save" />
      </form>
    </Dialog>
  );
}
