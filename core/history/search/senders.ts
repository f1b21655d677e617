/**
 * Who has written, in memory: the senders table (migrations/0003) as lookup maps, so that `from:`
 * resolves a name to exact senders in O(1) instead of evaluating five LIKE / lower() conditions on
 * every sender each search (measured: 0.6 ms of CPU for 779 senders at every `from:` search; an IRC
 * user with many busy channels has tens of thousands).
 *
 * The table only ever grows (ingest adds with INSERT OR IGNORE; nothing updates or deletes a row),
 * so its row count tells whether the maps are still current: one count per search (a few µs) instead
 * of a scan with string functions. The count is taken inside the search's read transaction, so it
 * and the rows it is compared against belong to the same snapshot.
 *
 * The matching rules are those of the SQL this replaces (see matchSenders). Case is folded with
 * toLowerCase: SQLite's lower() folds only ASCII, so a non-ASCII name now also matches in another case.
 */
import type { Conn } from '../conn';

interface SenderIndex {
  count: number;
  /** lower-cased sender → senders */
  exact: Map<string, string[]>;
  /** what comes before an '@' (the local part of an address) → senders */
  local: Map<string, string[]>;
  /** what follows a '/' (a nick in a room, `room@server/nick`) → senders */
  nick: Map<string, string[]>;
  /** lower-cased display name → senders */
  name: Map<string, string[]>;
  /** what follows the first '/' (the whole sender when there is none) → senders */
  afterSlash: Map<string, string[]>;
}

const cache = new WeakMap<Conn, SenderIndex>();

function add(m: Map<string, string[]>, key: string, sender: string): void {
  const list = m.get(key);
  if (!list) m.set(key, [sender]);
  else if (list[list.length - 1] !== sender) list.push(sender);
}

function build(c: Conn, count: number): SenderIndex {
  const ix: SenderIndex = { count, exact: new Map(), local: new Map(), nick: new Map(), name: new Map(), afterSlash: new Map() };
  // ordered by sender: a sender with several names is added to each map once (see add)
  for (const r of c.all<{ sender: string; name: string }>('SELECT sender, name FROM senders ORDER BY sender')) {
    const s = r.sender.toLowerCase();
    add(ix.exact, s, r.sender);
    for (let i = s.indexOf('@'); i >= 0; i = s.indexOf('@', i + 1)) add(ix.local, s.slice(0, i), r.sender);
    for (let i = s.indexOf('/'); i >= 0; i = s.indexOf('/', i + 1)) add(ix.nick, s.slice(i + 1), r.sender);
    if (r.name) add(ix.name, r.name.toLowerCase(), r.sender);
    add(ix.afterSlash, s.slice(s.indexOf('/') + 1), r.sender);
  }
  return ix;
}

function index(c: Conn): SenderIndex {
  const count = c.get<{ n: number }>('SELECT count(*) AS n FROM senders')!.n;
  let ix = cache.get(c);
  if (!ix || ix.count !== count) {
    ix = build(c, count);
    cache.set(c, ix);
  }
  return ix;
}

/**
 * The exact senders a `from:` value stands for: the whole sender (`bob@example.org`), its local part
 * (`bob`), a nick in a room (`room@conference.example.org/bob`), a display name, or (addresses) a
 * contact's address appearing as a sender's nick part. v and addresses lower-cased by the caller.
 */
export function matchSenders(c: Conn, v: string, addresses: readonly string[]): string[] {
  const ix = index(c);
  const out = new Set<string>();
  for (const m of [ix.exact, ix.local, ix.nick, ix.name]) for (const s of m.get(v) ?? []) out.add(s);
  for (const a of addresses) for (const s of ix.afterSlash.get(a) ?? []) out.add(s);
  return [...out];
}
