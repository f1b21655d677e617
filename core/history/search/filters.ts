/**
 * Resolving the filters of a query (in:, with:, account:, from:) once per search into the ids and
 * senders they stand for, and the SQL conditions that check them per row.
 */
import type { Conn } from '../conn';
import type { ParsedQuery } from '../query';
import { likeEscape } from '../rows';
import { matchSenders } from './senders';

export interface ResolvedFilters {
  /** conditions on `m.` (messages), with their parameters in order */
  where: string[];
  params: unknown[];
  /** exact senders of a from: filter (null: no from:, or from:me which is a direction) */
  senders: string[] | null;
  /** conversations of in: / with: (null: no such filter) */
  convs: number[] | null;
}

const lower = (s: string) => s.toLowerCase();

/** null when a filter matches nothing at all (the search has no hits) */
export function resolveFilters(c: Conn, q: ParsedQuery): ResolvedFilters | null {
  const where: string[] = [];
  const params: unknown[] = [];
  // conversations: in: ∩ with:
  let convs: Set<number> | null = null;
  if (q.in.length > 0) {
    const ids = new Set<number>();
    for (const v of q.in) {
      const bare = v.replace(/^#+/, '');
      for (const r of c.all<{ id: number }>(
        `SELECT id FROM conversations WHERE lower(address) = @v OR lower(address) = '#' || @bare OR lower(address) LIKE @like ESCAPE '\\' OR lower(coalesce(title, '')) = @v`,
        { v: lower(v), bare: lower(bare), like: likeEscape(lower(bare)) + '@%' },
      ))
        ids.add(r.id);
    }
    convs = ids;
  }
  if (q.with.length > 0) {
    const ids = new Set<number>();
    for (const v of q.with) {
      const contacts = matchContacts(c, v);
      for (const r of c.all<{ id: number }>(
        `SELECT c.id FROM conversations c WHERE c.kind = 'direct' AND (c.contact_id IN (SELECT value FROM json_each(@ids))
           OR EXISTS (SELECT 1 FROM contacts k WHERE k.id IN (SELECT value FROM json_each(@ids)) AND k.account_id = c.account_id AND k.address = c.address)
           OR lower(c.address) = @v OR lower(c.address) LIKE @like ESCAPE '\\' OR lower(coalesce(c.title, '')) = @v)`,
        { ids: JSON.stringify(contacts), v: lower(v), like: likeEscape(lower(v)) + '@%' },
      ))
        ids.add(r.id);
    }
    convs = convs === null ? ids : new Set([...convs].filter((x) => ids.has(x)));
  }
  if (convs !== null) {
    if (convs.size === 0) return null;
    where.push('m.conversation_id IN (SELECT value FROM json_each(?))');
    params.push(JSON.stringify([...convs]));
  }
  if (q.account.length > 0) {
    const ids = new Set<number>();
    for (const v of q.account) {
      for (const r of c.all<{ id: number }>('SELECT id FROM accounts WHERE lower(label) = @v OR lower(protocol) = @v OR CAST(id AS TEXT) = @v', { v: lower(v) })) ids.add(r.id);
    }
    if (ids.size === 0) return null;
    where.push('m.account_id IN (SELECT value FROM json_each(?))');
    params.push(JSON.stringify([...ids]));
  }
  let senders: string[] | null = null;
  if (q.from.length > 0) {
    const set = new Set<string>();
    let me = false;
    for (const v of q.from) {
      const lv = lower(v);
      if (lv === 'me') {
        me = true;
        continue;
      }
      const addrs = c.all<{ address: string }>(
        'SELECT address FROM contacts WHERE id IN (SELECT value FROM json_each(?))',
        JSON.stringify(matchContacts(c, v)),
      ).map((r) => lower(r.address));
      for (const sender of matchSenders(c, lv, addrs)) set.add(sender);
    }
    if (set.size === 0 && !me) return null;
    const ors: string[] = [];
    if (set.size > 0) {
      ors.push('m.sender IN (SELECT value FROM json_each(?))');
      params.push(JSON.stringify([...set]));
    }
    if (me) ors.push('m.direction = 1');
    where.push(ors.length === 1 ? ors[0]! : `(${ors.join(' OR ')})`);
    if (!me) senders = [...set];
  }
  return { where, params, senders, convs: convs === null ? null : [...convs] };
}

/** contacts whose address, local part, name or person (metacontact) name is v, expanded to the whole person */
function matchContacts(c: Conn, v: string): number[] {
  const lv = v.toLowerCase();
  const rows = c.all<{ id: number }>(
    `SELECT k2.id FROM contacts k
       LEFT JOIN metacontacts mc ON mc.id = k.metacontact_id
       JOIN contacts k2 ON k2.id = k.id OR (k.metacontact_id IS NOT NULL AND k2.metacontact_id = k.metacontact_id)
     WHERE lower(k.address) = @v OR lower(k.address) LIKE @like ESCAPE '\\' OR lower(coalesce(k.name, '')) = @v OR lower(coalesce(mc.name, '')) = @v`,
    { v: lv, like: likeEscape(lv) + '@%' },
  );
  return [...new Set(rows.map((r) => r.id))];
}
