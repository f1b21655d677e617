/** Running a planned search: hits with their conversation and snippet, the next-page cursor, groups. */
import type { Conn } from '../conn';
import { CorruptArchiveError, QueryError } from '../errors';
import { toMessage, type MessageRow } from '../rows';
import { makeSnippet, positiveTerms, snippetTerms } from '../snippet';
import type { Conversation, SearchOptions, SearchResult } from '../types';
import type { SearchPlan } from './plan';

export const DEFAULT_MARKERS: [string, string] = ['\u0002', '\u0003'];

export function runSearch(c: Conn, plan: SearchPlan | null, opts: SearchOptions, conversation: (id: number) => Conversation | null): SearchResult {
  if (!plan) return { hits: [], nextCursor: null, groups: [] };
  let rows: MessageRow[];
  try {
    rows = c.all<MessageRow>(plan.sql, ...plan.params);
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
  const hits = rows.map((r) => {
    let conv = convCache.get(r.conversation_id);
    if (!conv) {
      conv = conversation(r.conversation_id)!;
      convCache.set(r.conversation_id, conv);
    }
    return { message: toMessage(r), conversation: conv, snippet: makeSnippet(r.body, terms, markers) };
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
