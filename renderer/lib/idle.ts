/** Reports the time since the last keyboard / pointer input to the engine (drives idle auto-away). */
import { rpc } from '../bridge/api';

const REPORT_EVERY_MS = 30_000;

export function reportIdle(): () => void {
  let last = Date.now();
  const touch = () => {
    const wasIdle = Date.now() - last > REPORT_EVERY_MS;
    last = Date.now();
    if (wasIdle) void rpc('host.idle', { idleMs: 0 }).catch(() => {});
  };
  const events = ['keydown', 'pointerdown', 'pointermove', 'wheel'] as const;
  for (const e of events) window.addEventListener(e, touch, { passive: true });
  const timer = setInterval(() => void rpc('host.idle', { idleMs: Date.now() - last }).catch(() => {}), REPORT_EVERY_MS);
  return () => {
    clearInterval(timer);
    for (const e of events) window.removeEventListener(e, touch);
  };
}
