// search.query: full-text search over the archive, hits with parsed snippets and per-conversation groups.
import { ContractError } from '../../contract/index';
import { QueryError, type Conversation } from '../history/index';
import type { EngineContext } from './context';
import { messageDTO, parseSnippet } from './dto';
import type { HandlerFamily } from './handlers';

export const searchOps: HandlerFamily = (ctx: EngineContext) => ({
  'search.query': ({ query, limit, cursor, order }) => {
    ctx.ingest.flush();
    let r;
    try {
      r = ctx.store.search(query, { limit, ...(cursor ? { cursor } : {}), order });
    } catch (err) {
      if (err instanceof QueryError) throw new ContractError('invalid', err.message, { query: err.message });
      throw err;
    }
    const titles = new Map<number, string>();
    const title = (c: Conversation) => {
      let t = titles.get(c.id);
      if (t === undefined) titles.set(c.id, (t = ctx.views.conversationTitle(ctx.runtimes.get(String(c.accountId)), c)));
      return t;
    };
    return {
      hits: r.hits.map((h) => ({ message: messageDTO(h.message), conversationTitle: title(h.conversation), snippet: parseSnippet(h.snippet) })),
      groups: r.groups.map((g) => ({ conversationId: String(g.conversation.id), title: title(g.conversation), hitIndexes: g.hitIndexes })),
      ...(r.nextCursor ? { nextCursor: r.nextCursor } : {}),
    };
  },
});
