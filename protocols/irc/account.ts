/**
 * What one IRC account keeps across connections, shared by the adapter's parts (session, rooms,
 * buddy list, outgoing messages, history). The per-connection state is `ctx` (see context.ts),
 * replaced on every connect() and null while disconnected.
 */
import { AdapterError, type AdapterDeps, type AdapterEvent, type Presence } from '../../core/protocol/types';
import { Listeners } from '../../core/util/emitter';
import type { IrcConfig } from './config';
import type { IrcContext } from './context';

export class IrcAccount {
  readonly listeners = new Listeners<AdapterEvent>();
  /** the live connection, null while offline */
  ctx: IrcContext | null = null;
  /** the presence the user asked for (restored after a reconnect) */
  presence: Presence = { show: 'available' };
  /** called before listeners see an event (rooms keep their rejoin list current from it) */
  beforeEmit: (e: AdapterEvent) => void = () => {};

  constructor(readonly config: IrcConfig, readonly deps: AdapterDeps) {}

  emit(e: AdapterEvent): void {
    this.beforeEmit(e);
    this.listeners.emit(e, (err) => this.deps.log.warn('IRC listener threw', { err: (err as Error)?.message }));
  }

  requireOnline(): IrcContext {
    const ctx = this.ctx;
    if (!ctx || !ctx.registered) throw new AdapterError({ kind: 'network', fatal: false, message: 'not connected' });
    return ctx;
  }
}
