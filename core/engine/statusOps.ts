// status.*, settings.* and host.*: the global status and DND, per-account overrides, settings,
// idle time and network-up reported by the host.
import type { PresenceShow } from '../protocol/types';
import { K } from './keys';
import type { EngineContext } from './context';
import type { HandlerFamily } from './handlers';
import { endDnd, setStatus, startDnd } from './presence';

export const statusOps: HandlerFamily = (ctx: EngineContext) => ({
  'status.get': () => ctx.status.dto(),
  'status.set': ({ show, message }) => {
    ctx.archive.require(); // refused while locked
    return ctx.status.change(setStatus(ctx.status.state, { show, ...(message ? { message } : {}) }, ctx.now()));
  },
  'status.dnd': ({ durationMs, until, message }) => {
    ctx.archive.require(); // refused while locked
    const end = until ?? (durationMs !== undefined ? ctx.now() + durationMs : undefined);
    return ctx.status.change(startDnd(ctx.status.state, { ...(end !== undefined ? { until: end } : {}), ...(message ? { message } : {}) }, ctx.now()));
  },
  'status.dndOff': () => {
    ctx.archive.require(); // refused while locked
    return ctx.status.change(endDnd(ctx.status.state));
  },
  'status.setAccountOverride': ({ accountId, show }) => {
    const rt = ctx.rt(accountId);
    const o = { ...ctx.setting<Record<string, PresenceShow>>(K.overrides, {}) };
    if (show) o[accountId] = show;
    else delete o[accountId];
    ctx.store.setSetting(K.overrides, o);
    // "offline" for one account disconnects it (and keeps it so); anything else brings it back
    if (show === 'offline') void rt.stop();
    else if (rt.online && rt.adapter) ctx.status.announce(rt);
    else if (ctx.status.shouldConnect(rt) && rt.state !== 'connecting') void rt.connect();
    const dto = ctx.views.accountDTO(rt.account, rt);
    ctx.emit({ type: 'accounts.changed', payload: dto });
    return dto;
  },
  'settings.get': () => ctx.settings,
  'settings.set': (patch) => {
    const s = ctx.store;
    ctx.settings = { ...ctx.settings, ...patch };
    s.setSetting(K.settings, ctx.settings);
    // new idle thresholds apply at once
    ctx.status.onIdle(ctx.idleMs);
    return ctx.settings;
  },
  'host.idle': ({ idleMs, locked }) => {
    if (!ctx.archive.store) return null;
    ctx.status.onIdle(locked ? Math.max(idleMs, ctx.settings.idle.awayAfterMs) : idleMs);
    return null;
  },
  'host.networkUp': () => {
    for (const rt of ctx.runtimes.values()) rt.networkUp();
    return null;
  },
});
