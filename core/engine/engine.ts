// The engine: the one object behind the contract. Hosts reach it only through `handlers` (validated
// by contract/server.ts) and the events it emits. The parts live in their own files and share one
// EngineContext (context.ts): connection lifecycle (accounts.ts, connections.ts), adapter events
// (adapterEvents.ts), ingest, outbox, catch-up, roster, status; the command handlers come from one
// factory per family (handlers.ts, *Ops.ts); the decisions are pure modules (reconnect, presence,
// notify, autoreply, people).
import type { Handlers } from '../../contract/index';
import { ArchiveHolder } from './archive';
import { EngineContext, type EngineOptions } from './context';
import { makeHandlers } from './handlers';
import { shutdown } from './lifecycle';

export type { EngineOptions } from './context';
export { defaultSettings } from './keys';
export { saneTime } from './ingest';

export class Engine {
  readonly handlers: Partial<Handlers>;
  private readonly ctx: EngineContext;

  constructor(readonly opts: EngineOptions) {
    this.ctx = new EngineContext(opts);
    this.handlers = makeHandlers(this.ctx);
  }

  get archive(): ArchiveHolder {
    return this.ctx.archive;
  }

  shutdown(): Promise<void> {
    return shutdown(this.ctx);
  }
}
