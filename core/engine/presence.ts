// The status policy, pure: the user's chosen status, DND as an overlay with an end, idle auto-away
// that never replaces a manual DND, and the mapping to what each account supports.
import type { Presence, PresenceShow } from '../protocol/types';

export interface ChosenStatus {
  show: PresenceShow;
  message?: string;
}

export interface StatusState {
  chosen: ChosenStatus;
  dnd: null | { since: number; until?: number; message?: string };
  /** set by idle; cleared when the user is back */
  auto: null | { show: 'away' | 'xa'; since: number };
}

export interface IdleSettings {
  enabled: boolean;
  awayAfterMs: number;
  xaAfterMs?: number;
}

export const initialStatus: StatusState = { chosen: { show: 'available' }, dnd: null, auto: null };

export function setStatus(s: StatusState, chosen: ChosenStatus, now: number): StatusState {
  // choosing "dnd" in the status menu is DND until turned off
  if (chosen.show === 'dnd') return startDnd(s, { ...(chosen.message !== undefined ? { message: chosen.message } : {}) }, now);
  return { chosen, dnd: null, auto: null };
}

export function startDnd(s: StatusState, o: { until?: number; message?: string }, now: number): StatusState {
  return { ...s, dnd: { since: s.dnd?.since ?? now, ...(o.until !== undefined ? { until: o.until } : {}), ...(o.message !== undefined ? { message: o.message } : {}) }, auto: null };
}

export function endDnd(s: StatusState): StatusState {
  return { ...s, dnd: null };
}

/** DND whose time is up */
export function dndExpired(s: StatusState, now: number): boolean {
  return s.dnd !== null && s.dnd.until !== undefined && s.dnd.until <= now;
}

/** idle time reported by the host: auto-away / auto-back. Only from available/chat, never over DND. */
export function applyIdle(s: StatusState, idleMs: number, idle: IdleSettings, now: number): StatusState {
  if (!idle.enabled || s.dnd || (s.chosen.show !== 'available' && s.chosen.show !== 'chat')) {
    return s.auto ? { ...s, auto: null } : s;
  }
  if (idleMs < idle.awayAfterMs) return s.auto ? { ...s, auto: null } : s;
  const show: 'away' | 'xa' = idle.xaAfterMs !== undefined && idleMs >= idle.xaAfterMs ? 'xa' : 'away';
  if (s.auto?.show === show) return s;
  return { ...s, auto: { show, since: s.auto?.since ?? now - idleMs } };
}

export interface Effective {
  show: PresenceShow;
  message?: string;
  dnd: boolean;
  auto: boolean;
  idleSince?: number;
}

export function effectiveStatus(s: StatusState): Effective {
  if (s.dnd) return { show: 'dnd', ...(s.dnd.message ? { message: s.dnd.message } : {}), dnd: true, auto: false };
  if (s.auto) return { show: s.auto.show, ...(s.chosen.message ? { message: s.chosen.message } : {}), dnd: false, auto: true, idleSince: s.auto.since };
  return { show: s.chosen.show, ...(s.chosen.message ? { message: s.chosen.message } : {}), dnd: false, auto: false };
}

const DEFAULT_TEXT: Partial<Record<PresenceShow, string>> = { dnd: 'Do not disturb', away: 'Away', xa: 'Away' };

/**
 * What to send to one account: the global (or the account's override) status mapped to the shows
 * the account supports. dnd without native support becomes away with the DND text (IRC AWAY);
 * unsupported invisible becomes away; a status that is not "available" always carries a text
 * (IRC needs one for AWAY).
 */
export function presenceFor(eff: Effective, supported: readonly PresenceShow[], override?: PresenceShow): Presence {
  let show: PresenceShow = override ?? eff.show;
  let status = override ? undefined : eff.message;
  const has = (x: PresenceShow) => supported.includes(x);
  if (!has(show)) {
    if (show === 'dnd') status = status ?? DEFAULT_TEXT.dnd;
    if (show === 'chat') show = 'available';
    else if (show === 'xa' || show === 'dnd' || show === 'invisible') show = has('away') ? 'away' : 'available';
  }
  if (show !== 'available' && show !== 'chat' && show !== 'offline' && show !== 'invisible' && !status) status = DEFAULT_TEXT[show] ?? 'Away';
  return { show, ...(status ? { status } : {}), ...(eff.idleSince !== undefined && !override ? { idleSince: eff.idleSince } : {}) };
}

// ---- aggregation per person --------------------------------------------------------------------

const RANK: Record<PresenceShow, number> = { chat: 6, available: 5, dnd: 4, away: 3, xa: 2, invisible: 1, offline: 0 };

/** the most reachable of several presences (resources, identities) */
export function bestPresence<T extends { show: PresenceShow }>(list: readonly T[]): T | { show: 'offline' } {
  let best: T | null = null;
  for (const p of list) if (!best || RANK[p.show] > RANK[best.show]) best = p;
  return best ?? { show: 'offline' };
}

export function isOnline(show: PresenceShow): boolean {
  return show !== 'offline';
}
