// Account runtimes wired to the engine: created from stored accounts, and what happens when one
// comes online (status announced, saved rooms joined, client-kept contact list handed over,
// catch-up, outbox flushed) or loses its link.
import type { Account } from '../history/index';
import type { ConfigValues } from '../protocol/types';
import { AccountRuntime } from './accounts';
import { onAdapterEvent } from './adapterEvents';
import type { EngineContext } from './context';
import { toErrorInfo } from './dto';
import { roomJoined, savedRooms } from './rooms';

export interface SavedRoom {
  roomId: string;
  values: ConfigValues;
}

export class Connections {
  constructor(private readonly ctx: EngineContext) {}

  add(a: Account): AccountRuntime | null {
    const ctx = this.ctx;
    const d = ctx.opts.registry.get(a.protocol);
    if (!d) {
      ctx.log.warn('account of an unknown protocol', { account: a.id, protocol: a.protocol });
      return null;
    }
    const rt = new AccountRuntime(
      a,
      ctx.store.accountSecrets(a.id),
      d,
      {
        onEvent: (r, e) => onAdapterEvent(ctx, r, e),
        onOnline: (r, resumed) => void this.onOnline(r, resumed),
        onChanged: (r) => ctx.views.emitAccount(r),
        onLost: (r) => this.onLost(r),
      },
      { log: ctx.log, now: ctx.now, ...(ctx.opts.backoff ? { backoff: ctx.opts.backoff } : {}), timers: ctx.timers },
    );
    ctx.runtimes.set(String(a.id), rt);
    return rt;
  }

  private async onOnline(rt: AccountRuntime, resumed: boolean) {
    const ctx = this.ctx;
    if (ctx.stopped) return;
    const adapter = rt.adapter!;
    ctx.views.emitAccount(rt);
    // reconnects announce the current status
    try {
      await adapter.setPresence(ctx.status.presenceFor(rt));
    } catch (err) {
      ctx.log.warn('setPresence failed', { account: rt.id, err: toErrorInfo(err).message });
    }
    // join the saved rooms on the first connection of this adapter; on later reconnects the
    // adapter itself rejoins the rooms it was in (both adapters do, with keys/nicks)
    const rooms = savedRooms(ctx, rt);
    if (adapter.rooms && !resumed) {
      for (const r of rooms) {
        try {
          const info = await adapter.rooms.join(r.values);
          roomJoined(ctx, rt, info);
        } catch (err) {
          ctx.emit({ type: 'error', payload: { code: 'protocol', message: `could not re-join ${r.roomId}: ${toErrorInfo(err).message}`, accountId: rt.id } });
        }
      }
    }
    // a contact list kept by the client (IRC MONITOR) is handed to a fresh adapter; a server-side
    // roster (XMPP) has arrived before connect resolved and needs nothing
    if (!resumed && adapter.contacts && !rt.rosterSeen) {
      for (const c of ctx.store.listContacts(rt.account.id)) {
        await adapter.contacts.add(c.address, c.name ? { name: c.name } : {}).catch((err) => ctx.log.warn('could not watch a contact', { account: rt.id, err: toErrorInfo(err).message }));
      }
    }
    // first connection since the engine started: the time the engine itself was down counts too
    rt.caughtUp = false;
    try {
      await ctx.catchUp.run(rt, resumed ? rt.lostAt : ctx.heartbeat.downSince(rt.id));
    } finally {
      rt.caughtUp = rt.online;
    }
    if (!resumed) ctx.heartbeat.consumed(rt.id);
    ctx.outbox.flush(rt);
  }

  private onLost(rt: AccountRuntime) {
    this.ctx.outbox.connectionLost(rt);
    this.ctx.heartbeat.beat();
    this.ctx.views.emitPeopleOf(rt);
    this.ctx.roomContacts.refresh(rt);
  }
}
