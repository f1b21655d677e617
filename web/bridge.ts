/**
 * Forwards a page's commands to the engine process: each one validated with the contract's schema
 * (and host-only commands refused) BEFORE it reaches the engine, which validates again.
 */
import { validateRequest, type CommandName, type ConfabApi, type Reply } from '../contract/index';
import type { Handler } from './server';

export function createBridgeHandler(engine: Pick<ConfabApi, 'call'>): Handler {
  return {
    async call(cmd: string, input: unknown): Promise<Reply<unknown>> {
      const v = validateRequest(cmd, input, { fromRenderer: true });
      if (!v.ok) return v.reply;
      const call = engine.call as (c: CommandName, i: unknown) => Promise<Reply<unknown>>;
      return call(v.cmd, v.input);
    },
  };
}
