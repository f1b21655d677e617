// The command handlers, merged from one factory per command family. Each family gets the shared
// context and returns the handlers it implements; a new family is one import and one list entry.
import type { Handlers } from '../../contract/index';
import { accountOps } from './accountOps';
import { archiveOps } from './archiveOps';
import type { EngineContext } from './context';
import { contactOps } from './contactOps';
import { conversationOps } from './conversationOps';
import { engineOps } from './engineOps';
import { fileOps } from './fileOps';
import { keyOps } from './keyOps';
import { roomOps } from './roomOps';
import { searchOps } from './searchOps';
import { statusOps } from './statusOps';

export type HandlerFamily = (ctx: EngineContext) => Partial<Handlers>;

const families: HandlerFamily[] = [engineOps, keyOps, accountOps, contactOps, conversationOps, searchOps, roomOps, statusOps, fileOps, archiveOps];

export function makeHandlers(ctx: EngineContext): Partial<Handlers> {
  const all: Partial<Handlers> = {};
  for (const family of families) {
    const hs = family(ctx);
    for (const name of Object.keys(hs) as (keyof Handlers)[]) {
      // two families claiming one command is a wiring mistake, found at start
      if (name in all) throw new Error(`command ${name} is handled twice`);
    }
    Object.assign(all, hs);
  }
  return all;
}
