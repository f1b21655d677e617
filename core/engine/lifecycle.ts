// Start (after the archive is unlocked) and shutdown of the engine's state and connections.
import type { SettingsDTO } from '../../contract/index';
import { defaultSettings, K, REMOVED } from './keys';
import type { EngineContext } from './context';

/** after unlock: load state, connect the enabled accounts */
export async function started(ctx: EngineContext): Promise<void> {
  const s = ctx.store;
  ctx.settings = { ...defaultSettings, ...(s.getSetting<Partial<SettingsDTO>>(K.settings) ?? {}) };
  ctx.status.load();
  ctx.counters.load();
  ctx.heartbeat.start();
  for (const a of s.listAccounts()) if (!a.config[REMOVED]) ctx.connections.add(a);
  ctx.emit({ type: 'status.changed', payload: ctx.status.dto() });
  if (!ctx.status.offline) {
    for (const rt of ctx.runtimes.values()) if (ctx.status.shouldConnect(rt)) void rt.connect();
  }
}

export async function shutdown(ctx: EngineContext): Promise<void> {
  ctx.stopped = true;
  ctx.status.stop();
  ctx.roster.flush();
  ctx.ingest.flush();
  ctx.counters.save();
  // before the connections close: accounts online now were alive until now
  ctx.heartbeat.stop();
  await Promise.allSettled([...ctx.runtimes.values()].map((rt) => rt.dispose()));
  ctx.runtimes.clear();
  ctx.archive.close();
}
