/**
 * Turning a query into one SQL statement. Newest-first walks the full-text index in rowid (= time)
 * order with LIMIT; date filters and the page cursor become rowid ranges; from: is a column filter
 * of the MATCH; a selective in:/with: filter is walked first instead; relevance ranks a window of
 * the newest matches.
 */
import type { Conn } from '../conn';
import { QueryError } from '../errors';
import { matchExpression } from '../fts';
import { parseQuery, type ParsedQuery } from '../query';
import { SEQ } from '../rows';
import type { SearchOptions } from '../types';
import { resolveFilters, type ResolvedFilters } from './filters';
import { messageColumns } from './messageRows';

/** the select list of every search (read as arrays, see messageRows.ts) */
const M = messageColumns('m');

/** below this many messages a from:/in:/with: filter is walked first (see selectiveFilter) */
export const FILTER_FIRST_MAX = 20_000;

/** relevance order ranks at most this many of the newest text matches */
export const RELEVANCE_WINDOW = 5_000;

/** a from: resolving to more senders than this is checked per row instead of inside the MATCH */
export const MAX_WHO_TOKENS = 200;

export interface SearchPlan {
  sql: string;
  params: unknown[];
  parsed: ParsedQuery;
  order: 'newest' | 'relevance';
  limit: number;
  offset: number;
}

interface FirstFilter {
  index: string;
  column: string;
  values: Array<string | number>;
}

/**
 * An in:/with: filter matching fewer than `max` messages (counted with a bounded index walk) is
 * cheaper to walk than the full-text hits of a common word; null otherwise. (from: needs no such
 * path: it is a column filter inside the full-text query, see matchExpression.)
 */
function selectiveFilter(c: Conn, f: ResolvedFilters, lo: bigint | null, hi: bigint | null, max: number): FirstFilter | null {
  if (!f.convs) return null;
  const cand: FirstFilter = { index: 'messages_conv', column: 'conversation_id', values: f.convs };
  const where = [`${cand.column} IN (SELECT value FROM json_each(?))`];
  const params: unknown[] = [JSON.stringify(cand.values)];
  if (lo !== null) { where.push('id >= ?'); params.push(lo); }
  if (hi !== null) { where.push('id < ?'); params.push(hi); }
  const n = c.get<{ n: number }>(
    `SELECT count(*) AS n FROM (SELECT 1 FROM messages INDEXED BY ${cand.index} WHERE ${where.join(' AND ')} LIMIT ?)`,
    ...params,
    max,
  )!.n;
  return n < max ? cand : null;
}

/**
 * A message id as an SQL parameter for a rowid bound of the full-text index. better-sqlite3 binds
 * every JS number as REAL, and FTS5 ignores a rowid bound that is not an INTEGER value: it then walks
 * the whole doclist newest-first and SQLite drops the rows outside the range afterwards (measured at
 * 1M messages: a common word `on:` a month 1.3–1.9 ms of FTS5 work instead of 0.2–0.6, the cost
 * growing with the distance from the newest message; the same for every page after the first).
 * A BigInt is bound as INTEGER. (Ids are below 2^53: server-ms × 1024 until the year 2248.)
 */
export const rowidParam = (id: number): bigint => BigInt(id);

/** the SQL of a search, or null when a filter matches nothing; filterFirstMax: see FILTER_FIRST_MAX */
export function planSearch(c: Conn, query: string, opts: SearchOptions, filterFirstMax: number): SearchPlan | null {
  const parsed = parseQuery(query);
  const limit = Math.max(1, Math.min(500, Math.floor(opts.limit ?? 50)));
  const order = parsed.text && opts.order === 'relevance' ? 'relevance' : 'newest';
  let beforeId: bigint | null = null;
  let offset = 0;
  if (opts.cursor) {
    const m = /^([nr])(\d{1,18})$/.exec(opts.cursor);
    if (!m || (m[1] === 'n') !== (order === 'newest')) throw new QueryError('this page cursor does not belong to this search', 0);
    if (m[1] === 'n') beforeId = BigInt(m[2]!);
    else offset = Number(m[2]);
  }
  const filters = resolveFilters(c, parsed);
  if (!filters) return null;
  const lo = parsed.time.from === null ? null : rowidParam(parsed.time.from * SEQ);
  let hi = parsed.time.to === null ? null : rowidParam(parsed.time.to * SEQ); // exclusive
  if (beforeId !== null) hi = hi === null || beforeId < hi ? beforeId : hi;
  // from: as a column filter of the MATCH (a very long list of senders is checked per row instead)
  const who = filters.senders && filters.senders.length <= MAX_WHO_TOKENS ? filters.senders : null;
  const match = matchExpression(parsed.text, who);
  if (parsed.text && order === 'newest' && !who) {
    const first = selectiveFilter(c, filters, lo, hi, filterFirstMax);
    if (first) {
      // filter first: walk the few messages of these conversations (index), keep those
      // in the full-text match set (built once); bounded by FILTER_FIRST_MAX rows
      const sub = ['messages_fts MATCH ?'];
      const params: unknown[] = [JSON.stringify(first.values), match];
      if (lo !== null) { sub.push('rowid >= ?'); params.push(lo); }
      if (hi !== null) { sub.push('rowid < ?'); params.push(hi); }
      const where = [`m.${first.column} IN (SELECT value FROM json_each(?))`, `+m.id IN (SELECT rowid FROM messages_fts WHERE ${sub.join(' AND ')})`];
      if (lo !== null) { where.push('m.id >= ?'); params.push(lo); }
      if (hi !== null) { where.push('m.id < ?'); params.push(hi); }
      where.push(...filters.where);
      params.push(...filters.params, limit + 1);
      const sql = `SELECT ${M} FROM messages m INDEXED BY ${first.index} WHERE ${where.join(' AND ')} ORDER BY m.id DESC LIMIT ?`;
      return { sql, params, parsed, order, limit, offset };
    }
  }
  if (match) {
    // the full-text index walked newest-first (or the newest RELEVANCE_WINDOW matches ranked)
    const where = ['messages_fts MATCH ?'];
    const params: unknown[] = [match];
    let lo2 = lo;
    if (order === 'relevance') {
      // rank the newest RELEVANCE_WINDOW text matches: bm25 costs a lookup per match, so a word
      // found in 100k messages would otherwise take seconds
      const w = ['messages_fts MATCH ?'];
      const wp: unknown[] = [match];
      if (lo !== null) { w.push('rowid >= ?'); wp.push(lo); }
      if (hi !== null) { w.push('rowid < ?'); wp.push(hi); }
      const floor = c.get<{ rowid: number }>(`SELECT rowid FROM messages_fts WHERE ${w.join(' AND ')} ORDER BY rowid DESC LIMIT 1 OFFSET ${RELEVANCE_WINDOW - 1}`, ...wp);
      if (floor) lo2 = rowidParam(floor.rowid);
    }
    if (lo2 !== null) { where.push('messages_fts.rowid >= ?'); params.push(lo2); }
    if (hi !== null) { where.push('messages_fts.rowid < ?'); params.push(hi); }
    if (order === 'relevance' && filters.where.length === (who ? 1 : 0)) {
      // nothing to check per row but (with from:) the sender: rank inside the index and fetch only
      // the page's rows — joining first fetched all RELEVANCE_WINDOW rows before sorting them
      const check = who ? ` WHERE ${filters.where[0]!}` : '';
      params.push(limit + 1, offset, ...filters.params);
      const sql =
        `SELECT ${M} FROM (SELECT messages_fts.rowid AS id, bm25(messages_fts, 1.0, 0.0) AS score FROM messages_fts WHERE ${where.join(' AND ')} ` +
        `ORDER BY score LIMIT ? OFFSET ?) f CROSS JOIN messages m ON m.id = f.id${check} ORDER BY f.score`;
      return { sql, params, parsed, order, limit, offset };
    }
    where.push(...filters.where);
    params.push(...filters.params);
    const orderBy = order === 'newest' ? 'messages_fts.rowid DESC' : 'bm25(messages_fts, 1.0, 0.0)';
    params.push(limit + 1);
    if (order === 'relevance') params.push(offset);
    const sql =
      `SELECT ${M} FROM messages_fts CROSS JOIN messages m ON m.id = messages_fts.rowid ` +
      `WHERE ${where.join(' AND ')} ORDER BY ${orderBy} LIMIT ?${order === 'relevance' ? ' OFFSET ?' : ''}`;
    return { sql, params, parsed, order, limit, offset };
  }
  const where: string[] = [];
  const params: unknown[] = [];
  if (lo !== null) { where.push('m.id >= ?'); params.push(lo); }
  if (hi !== null) { where.push('m.id < ?'); params.push(hi); }
  where.push(...filters.where);
  params.push(...filters.params, limit + 1);
  const sql = `SELECT ${M} FROM messages m ${where.length ? 'WHERE ' + where.join(' AND ') : ''} ORDER BY m.id DESC LIMIT ?`;
  return { sql, params, parsed, order, limit, offset };
}
