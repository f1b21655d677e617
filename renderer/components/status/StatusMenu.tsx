/**
 * The status menu: available / away / dnd / invisible / offline with a message, and Do Not Disturb
 * for 30 minutes, 1 hour, until tomorrow or until turned off.
 */
import { useEffect, useRef, useState } from 'react';
import type { PresenceShow } from '../../../contract';
import { errorText } from '../../bridge/api';
import { timeOf } from '../../lib/time';
import { tomorrowMorning, useStatus } from '../../stores/status';
import { useUi } from '../../stores/ui';
import { PresenceDot, presenceLabel } from '../common/PresenceDot';

const SHOWS: PresenceShow[] = ['available', 'away', 'dnd', 'invisible', 'offline'];

export function StatusMenu() {
  const status = useStatus((s) => s.status);
  const [open, setOpen] = useState(false);
  const [message, setMessage] = useState(status?.message ?? '');
  const wrap = useRef<HTMLDivElement>(null);

  useEffect(() => {
    if (!open) return;
    const onDoc = (e: MouseEvent) => {
      if (wrap.current && !wrap.current.contains(e.target as Node)) setOpen(false);
    };
    document.addEventListener('mousedown', onDoc);
    return () => document.removeEventListener('mousedown', onDoc);
  }, [open]);

  useEffect(() => setMessage(status?.message ?? ''), [status?.message]);

  const run = (p: Promise<unknown>) => {
    setOpen(false);
    p.catch((e: unknown) => useUi.getState().toast(errorText(e), 'error'));
  };
  const st = useStatus.getState();
  const msg = message.trim() || undefined;
  const show = status?.show ?? 'offline';
  const dndText = status?.dnd ? (status.dndUntil ? `Do not disturb until ${timeOf(status.dndUntil)}` : 'Do not disturb') : presenceLabel(show);

  return (
    <div className="status-menu" ref={wrap} onKeyDown={(e) => e.key === 'Escape' && setOpen(false)}>
      <button type="button" className="status-button" aria-haspopup="true" aria-expanded={open} onClick={() => setOpen((v) => !v)} data-testid="status-button">
        <PresenceDot show={status?.dnd ? 'dnd' : show} />
        <span>{dndText}</span>
        {status?.auto && <span className="muted small-text"> (idle)</span>}
      </button>
      {open && (
        <div className="popover" role="group" aria-label="Set your status" data-testid="status-popover">
          <div className="field">
            <label htmlFor="status-msg">Status message</label>
            <input id="status-msg" value={message} maxLength={1000} onChange={(e) => setMessage(e.target.value)} placeholder="What are you up to?" />
          </div>
          <ul className="menu">
            {SHOWS.map((s) => (
              <li key={s}>
                <button type="button" onClick={() => run(s === 'dnd' ? st.dnd({ ...(msg ? { message: msg } : {}) }) : st.set(s, msg))} aria-current={show === s && !status?.dnd ? 'true' : undefined}>
                  <PresenceDot show={s} /> {presenceLabel(s)}
                </button>
              </li>
            ))}
          </ul>
          <h3>Do not disturb</h3>
          <ul className="menu">
            <li>
              <button type="button" onClick={() => run(st.dnd({ durationMs: 30 * 60_000, ...(msg ? { message: msg } : {}) }))}>
                For 30 minutes
              </button>
            </li>
            <li>
              <button type="button" onClick={() => run(st.dnd({ durationMs: 60 * 60_000, ...(msg ? { message: msg } : {}) }))}>
                For 1 hour
              </button>
            </li>
            <li>
              <button type="button" onClick={() => run(st.dnd({ until: tomorrowMorning(new Date()), ...(msg ? { message: msg } : {}) }))}>
                Until tomorrow
              </button>
            </li>
            <li>
              <button type="button" onClick={() => run(st.dnd({ ...(msg ? { message: msg } : {}) }))}>
                Until I turn it off
              </button>
            </li>
            {status?.dnd && (
              <li>
                <button type="button" onClick={() => run(st.dndOff())}>
                  Turn off Do not disturb
                </button>
              </li>
            )}
          </ul>
          <button type="button" className="link" onClick={() => { setOpen(false); useUi.getState().open('settings'); }}>
            Breakthrough, auto-reply and idle settings…
          </button>
        </div>
      )}
    </div>
  );
}
