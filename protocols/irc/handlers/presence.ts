/**
 * Presence: others' AWAY via away-notify (and WHO flags after a join), our own AWAY, and the buddy
 * list through MONITOR (730/731) or ISON polling where the server has no MONITOR or its MONITOR
 * list is full (734).
 */
import { occupant, parseWho } from '../peers';
import type { Handler } from './hooks';

interface AwayEvent { self: boolean; nick: string; message?: string }

export const presenceHandler: Handler = (ctx, hooks) => {
  const setAway = (nick: string, away: boolean, message?: string) => {
    const key = ctx.norm(nick);
    if (key === ctx.norm(ctx.selfPrefix.nick)) return;
    for (const [roomId, ch] of ctx.channels) {
      const m = ch.members.get(key);
      if (m && m.away !== away) {
        m.away = away;
        ctx.emit({ type: 'occupants', roomId, occupants: [occupant(ctx, m)], replace: false });
      }
    }
    const w = ctx.watched.get(key);
    if (w) w.away = away;
    ctx.emit({ type: 'presence', contactId: key, presence: away ? { show: 'away', ...(message ? { status: message } : {}) } : { show: 'available' } });
  };
  hooks.on<AwayEvent>('away', (e) => { if (!e.self) setAway(e.nick, true, e.message); });
  hooks.on<AwayEvent>('back', (e) => { if (!e.self) setAway(e.nick, false); });

  // WHO / WHOX replies after we join: G(one) or H(ere)
  const who = (l: { verb: string; params: string[] }) => {
    const e = parseWho(l.verb, l.params);
    if (!e) return;
    const { nick, flags } = e;
    const away = flags.startsWith('G');
    const key = ctx.norm(nick);
    for (const ch of ctx.channels.values()) {
      const m = ch.members.get(key);
      if (m && m.away !== away) { if (away || m.away !== undefined) setAway(nick, away); else m.away = false; break; }
    }
  };
  hooks.raw('352', who);
  hooks.raw('354', who);

  // MONITOR: 730 online (nick!user@host list), 731 offline
  const monitorList = (s: string | undefined) => (s ?? '').split(',').map((x) => x.split('!')[0]!.trim()).filter(Boolean);
  hooks.raw('730', (l) => {
    for (const nick of monitorList(l.params[l.params.length - 1])) {
      const key = ctx.norm(nick);
      const w = ctx.watched.get(key);
      if (w) w.online = true;
      ctx.emit({ type: 'presence', contactId: key, presence: { show: 'available' } });
    }
  });
  hooks.raw('731', (l) => {
    for (const nick of monitorList(l.params[l.params.length - 1])) {
      const key = ctx.norm(nick);
      const w = ctx.watched.get(key);
      if (w) w.online = false;
      ctx.emit({ type: 'presence', contactId: key, presence: { show: 'offline' } });
    }
  });
  // ERR_MONLISTFULL: <me> <limit> <targets> :Monitor list is full — those targets fall back to ISON
  hooks.raw('734', (l) => {
    const targets = (l.params[2] ?? '').split(',').map((x) => x.trim()).filter(Boolean);
    if (targets.length) ctx.monitorFull(targets);
  });
  // ISON reply: who of the asked nicks is online now
  hooks.raw('303', (l) => {
    const online = new Set((l.params[l.params.length - 1] ?? '').split(' ').filter(Boolean).map((n) => ctx.norm(n)));
    const asked = ctx.isonAsked.shift();
    if (!asked) return; // not ours
    for (const key of asked) {
      const w = ctx.watched.get(key);
      if (!w) continue;
      const now = online.has(key);
      if (w.online === now) continue;
      // a buddy never seen online is offline already: nothing to tell
      if (w.online === undefined && !now) { w.online = false; continue; }
      w.online = now;
      ctx.emit({ type: 'presence', contactId: key, presence: { show: now ? 'available' : 'offline' } });
    }
  });
};
