/** CTCP: VERSION answered (rate-limited, so a CTCP flood cannot get us kicked for flooding); others ignored. */
import type { Handler } from './hooks';

export const CLIENT_VERSION = 'Confab (IRC adapter on irc-framework)';

interface CtcpEvent { nick: string; type: string | null; target: string }

export const ctcpHandler: Handler = (ctx, hooks) => {
  let windowStart = 0;
  let answered = 0;
  hooks.on<CtcpEvent>('ctcp request', (e) => {
    if (!e.nick || (e.type ?? '').toUpperCase() !== 'VERSION') return;
    const now = ctx.deps.now();
    if (now - windowStart > 10_000) { windowStart = now; answered = 0; }
    if (++answered > 3) return; // at most 3 answers per 10 s
    ctx.send(`NOTICE ${e.nick} :\x01VERSION ${CLIENT_VERSION}\x01`);
  });
};
