// engine.ping and the protocol descriptors (the forms hosts generate from them).
import type { EngineContext } from './context';
import type { HandlerFamily } from './handlers';

export const engineOps: HandlerFamily = (ctx: EngineContext) => ({
  'engine.ping': () => ({ pid: process.pid, version: ctx.opts.version ?? '0' }),
  'protocols.list': () => ctx.opts.registry.list().map((d) => ({ id: d.id, displayName: d.displayName, configFields: d.configFields.map((f) => ({ ...f })) })),
});
