/** Running a planned search: hits with their conversation and snippet, the next-page cursor, groups. */
import type { Conn } from '../conn';
import { CorruptArchiveError, QueryError } from '../errors';
import { makeSnippet, positiveTerms, snippetTerms } from '../snippet';
import type { Conversation, Message, SearchOptions, SearchResult } from '../types';
import { messageRows } from './messageRows';
import type { SearchPlan } from './plan';

export const DEFAULT_MARKERS: [string, string] = ['\u0002', '\u0003'];

export function runSearch(c: Conn, plan: SearchPlan | null, opts: SearchOptions, conversation: (id: number) => Conversation | null): SearchResult {
  if (!plan) return { hits: [], nextCursor: null, groups: [] };
  let rows: Message[];
  try {
    rows = messageRows(c, plan.sql, ...plan.params);
  } catch (err) {
    if (err instanceof CorruptArchiveError) throw err;
    // the parser quotes every term, so this should not happen; never leak an SQL error to the user
    throw new QueryError('this search could not be run', 0);
  }
  const more = rows.length > plan.limit;
  if (more) rows = rows.slice(0, plan.limit);
  const markers = opts.markers ?? DEFAULT_MARKERS;
  const terms = snippetTerms(positiveTerms(plan.parsed.text));
  const convCache = new Map<number, Conversation>();
  const hits = rows.map((m) => {
    let conv = convCache.get(m.conversationId);
    if (!conv) {
      conv = conversation(m.conversationId)!;
      convCache.set(m.conversationId, conv);
    }
    return { message: m, conversation: conv, snippet: makeSnippet(m.body, terms, markers) };
  });
  const groups = new Map<number, number[]>();
  hits.forEach((h, i) => {
    const g = groups.get(h.conversation.id);
    if (g) g.push(i);
    else groups.set(h.conversation.id, [i]);
  });
  const last = hits[hits.length - 1];
  const nextCursor = !more || !last ? null : plan.order === 'newest' ? `n${last.message.id}` : `r${plan.offset + plan.limit}`;
  return { hits, nextCursor, groups: [...groups].map(([id, hitIndexes]) => ({ conversation: convCache.get(id)!, hitIndexes })) };
}
