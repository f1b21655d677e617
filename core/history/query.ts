/**
 * The search query language, parsed by a small hand-written parser (pure: no database access).
 *
 *   words            hello world          both words (implicit AND)
 *   "phrases"        "see you soon"       adjacent words in this order
 *   prefix*          confer*              words starting with "confer"
 *   AND / OR / NOT   a OR b, a NOT b, -b  upper-case operators; NOT and a leading '-' exclude
 *   ( … )            (a OR b) c           grouping
 *   from:alice       sender (address, nick, display name, contact or person name; `from:me` = own messages)
 *   in:#room         conversation (address or title)
 *   with:bob         conversations with a person, across networks (contacts linked into one person)
 *   account:work     account label, protocol or id
 *   before:2024-05-01  after:2024-05-01  on:2024-05-01   (YYYY, YYYY-MM or YYYY-MM-DD, local time;
 *                    after: is inclusive, before: exclusive)
 * Filter values may be quoted: in:"team chat". Repeating a filter widens it (from:a from:b = either).
 * Filters always apply to the whole query; they cannot sit inside parentheses or next to OR.
 * Unknown `word:` prefixes are searched as text. Malformed queries throw QueryError (with position).
 */
import { QueryError } from './errors';

export type TextNode =
  | { type: 'term'; text: string; phrase: boolean; prefix: boolean }
  | { type: 'and'; children: TextNode[] }
  | { type: 'or'; children: TextNode[] }
  | { type: 'not'; child: TextNode };

export type FilterKey = 'from' | 'in' | 'with' | 'account' | 'before' | 'after' | 'on';
export const FILTER_KEYS: readonly FilterKey[] = ['from', 'in', 'with', 'account', 'before', 'after', 'on'];

export interface DateRange {
  /** inclusive ms epoch lower bound */
  from: number | null;
  /** exclusive ms epoch upper bound */
  to: number | null;
}

export interface ParsedQuery {
  /** null when the query has only filters */
  text: TextNode | null;
  from: string[];
  in: string[];
  with: string[];
  account: string[];
  /** intersection of before/after/on */
  time: DateRange;
}

type Tok =
  | { t: 'word'; v: string; prefix: boolean; pos: number; neg: boolean }
  | { t: 'phrase'; v: string; prefix: boolean; pos: number; neg: boolean }
  | { t: 'filter'; k: FilterKey; v: string; pos: number }
  | { t: 'op'; v: 'AND' | 'OR' | 'NOT'; pos: number }
  | { t: 'lp' | 'rp'; pos: number; neg: boolean };

const SPECIAL = new Set(['(', ')', '"']);
const isSpace = (c: string) => /\s/u.test(c);

function readQuoted(q: string, i: number): { value: string; end: number } {
  // q[i] === '"'; a doubled "" inside is a literal quote
  let j = i + 1;
  let out = '';
  for (;;) {
    if (j >= q.length) throw new QueryError('a quote " is not closed', i);
    const c = q[j]!;
    if (c === '"') {
      if (q[j + 1] === '"') {
        out += '"';
        j += 2;
        continue;
      }
      return { value: out, end: j + 1 };
    }
    out += c;
    j++;
  }
}

function lex(q: string): Tok[] {
  const toks: Tok[] = [];
  let i = 0;
  while (i < q.length) {
    const c = q[i]!;
    if (isSpace(c)) {
      i++;
      continue;
    }
    const pos = i;
    let neg = false;
    if (c === '-' && i + 1 < q.length && !isSpace(q[i + 1]!) && (i === 0 || isSpace(q[i - 1]!) || q[i - 1] === '(')) {
      neg = true;
      i++;
    }
    const d = q[i]!;
    if (d === '(' || d === ')') {
      if (d === ')' && neg) throw new QueryError("'-' must be followed by a word", pos);
      toks.push({ t: d === '(' ? 'lp' : 'rp', pos, neg });
      i++;
      continue;
    }
    if (d === '"') {
      const { value, end } = readQuoted(q, i);
      i = end;
      let prefix = false;
      if (q[i] === '*') {
        prefix = true;
        i++;
      }
      toks.push({ t: 'phrase', v: value, prefix, pos, neg });
      continue;
    }
    let j = i;
    while (j < q.length && !isSpace(q[j]!) && !SPECIAL.has(q[j]!)) j++;
    const raw = q.slice(i, j);
    const m = /^([a-zA-Z]+):(.*)$/su.exec(raw);
    const key = m ? (m[1]!.toLowerCase() as FilterKey) : null;
    if (m && key && FILTER_KEYS.includes(key)) {
      if (neg) throw new QueryError(`'-' cannot negate the filter ${key}:`, pos);
      let value = m[2]!;
      i = j;
      if (value === '' && q[j] === '"') {
        const r = readQuoted(q, j);
        value = r.value;
        i = r.end;
      }
      value = value.trim();
      if (value === '') throw new QueryError(`the filter ${key}: needs a value, e.g. ${key}:${key === 'before' || key === 'after' || key === 'on' ? '2024-05-01' : 'alice'}`, pos);
      toks.push({ t: 'filter', k: key, v: value, pos });
      continue;
    }
    i = j;
    if (!neg && (raw === 'AND' || raw === 'OR' || raw === 'NOT')) {
      toks.push({ t: 'op', v: raw, pos });
      continue;
    }
    let word = raw;
    let prefix = false;
    if (word.endsWith('*')) {
      prefix = true;
      word = word.slice(0, -1);
    }
    if (word.includes('*')) throw new QueryError("'*' is allowed only at the end of a word", pos + raw.indexOf('*') + (neg ? 1 : 0));
    if (word === '') throw new QueryError(prefix ? "'*' needs a word before it, e.g. confer*" : 'empty word', pos);
    toks.push({ t: 'word', v: word, prefix, pos, neg });
  }
  return toks;
}

/** true when a text contains something the tokenizer indexes (a letter or digit) */
export function hasIndexable(s: string): boolean {
  return /[\p{L}\p{N}]/u.test(s);
}

class Parser {
  private i = 0;
  constructor(
    private readonly toks: Tok[],
    private readonly q: string,
  ) {}

  private peek(): Tok | undefined {
    return this.toks[this.i];
  }

  parseOr(depth: number): TextNode | null {
    const parts: TextNode[] = [];
    let first = this.parseAnd(depth);
    let orPos = 0;
    for (;;) {
      const t = this.peek();
      if (!t || t.t !== 'op' || t.v !== 'OR') break;
      if (!first) throw new QueryError('OR needs something on its left', t.pos);
      orPos = t.pos;
      this.i++;
      const right = this.parseAnd(depth);
      if (!right) throw new QueryError('OR needs something on its right', t.pos);
      parts.push(first);
      first = right;
    }
    if (parts.length === 0) return first;
    parts.push(first!);
    for (const p of parts) if (p.type === 'not') throw new QueryError('NOT cannot stand alone next to OR: write a NOT b', orPos);
    return { type: 'or', children: parts };
  }

  parseAnd(depth: number): TextNode | null {
    const items: TextNode[] = [];
    for (;;) {
      const t = this.peek();
      if (!t) break;
      if (t.t === 'rp') break;
      if (t.t === 'op' && t.v === 'OR') break;
      if (t.t === 'op' && t.v === 'AND') {
        if (items.length === 0) throw new QueryError('AND needs something on its left', t.pos);
        this.i++;
        const n = this.peek();
        if (!n || n.t === 'rp' || (n.t === 'op' && n.v !== 'NOT')) throw new QueryError('AND needs something on its right', t.pos);
        continue;
      }
      const u = this.parseUnary(depth);
      if (u) items.push(u);
    }
    if (items.length === 0) return null;
    return items.length === 1 ? items[0]! : { type: 'and', children: items };
  }

  private parseUnary(depth: number): TextNode | null {
    const t = this.peek()!;
    if (t.t === 'op' && t.v === 'NOT') {
      this.i++;
      const n = this.peek();
      if (!n || n.t === 'rp' || n.t === 'op' || n.t === 'filter') throw new QueryError('NOT needs a word, phrase or group after it', t.pos);
      const child = this.parseUnary(depth);
      if (!child) throw new QueryError('NOT needs a word, phrase or group after it', t.pos);
      if (child.type === 'not') throw new QueryError('NOT NOT is not allowed', t.pos);
      return { type: 'not', child };
    }
    this.i++;
    switch (t.t) {
      case 'filter':
        if (depth > 0) throw new QueryError(`the filter ${t.k}: cannot be inside parentheses`, t.pos);
        this.filters.push(t);
        return null;
      case 'word':
      case 'phrase': {
        if (!hasIndexable(t.v)) {
          throw new QueryError(`"${t.v}" has no letters or digits to search for`, t.pos);
        }
        const term: TextNode = { type: 'term', text: t.v, phrase: t.t === 'phrase', prefix: t.prefix };
        return t.neg ? { type: 'not', child: term } : term;
      }
      case 'lp': {
        const inner = this.parseOr(depth + 1);
        const close = this.peek();
        if (!close || close.t !== 'rp') throw new QueryError('a parenthesis ( is not closed', t.pos);
        this.i++;
        if (!inner) throw new QueryError('empty parentheses', t.pos);
        if (inner.type === 'not') throw new QueryError('a group cannot contain only NOT terms', t.pos);
        return t.neg ? { type: 'not', child: inner } : inner;
      }
      case 'rp':
        throw new QueryError('a parenthesis ) was not opened', t.pos);
      case 'op':
        throw new QueryError(`unexpected ${t.v}`, t.pos);
    }
  }

  readonly filters: Array<Extract<Tok, { t: 'filter' }>> = [];

  run(): TextNode | null {
    const node = this.parseOr(0);
    const rest = this.peek();
    if (rest) {
      if (rest.t === 'rp') throw new QueryError('a parenthesis ) was not opened', rest.pos);
      throw new QueryError('unexpected text', rest.pos);
    }
    void this.q;
    return node;
  }
}

/** positive part required: a conjunction made only of NOT terms cannot be searched */
function checkPositive(n: TextNode): void {
  switch (n.type) {
    case 'term':
      return;
    case 'not':
      throw new QueryError('a query needs at least one word to look for besides NOT terms', 0);
    case 'or':
      n.children.forEach(checkPositive);
      return;
    case 'and':
      if (!n.children.some((c) => c.type !== 'not')) throw new QueryError('a query needs at least one word to look for besides NOT terms', 0);
      n.children.forEach((c) => (c.type === 'not' ? checkPositive(c.child) : checkPositive(c)));
      return;
  }
}

function parseDate(key: 'before' | 'after' | 'on', v: string, pos: number): { start: number; end: number } {
  const m = /^(\d{4})(?:[-/.](\d{1,2})(?:[-/.](\d{1,2}))?)?$/.exec(v);
  if (!m) throw new QueryError(`${key}: needs a date like 2024-05-01, 2024-05 or 2024`, pos);
  const y = Number(m[1]);
  const mo = m[2] === undefined ? null : Number(m[2]);
  const d = m[3] === undefined ? null : Number(m[3]);
  if (mo !== null && (mo < 1 || mo > 12)) throw new QueryError(`${key}: month ${mo} does not exist`, pos);
  if (y < 1970 || y > 9999) throw new QueryError(`${key}: year ${y} is out of range`, pos);
  if (d !== null) {
    const dt = new Date(y, mo! - 1, d);
    if (dt.getMonth() !== mo! - 1 || d < 1) throw new QueryError(`${key}: ${v} is not a valid day`, pos);
    return { start: dt.getTime(), end: new Date(y, mo! - 1, d + 1).getTime() };
  }
  if (mo !== null) return { start: new Date(y, mo - 1, 1).getTime(), end: new Date(y, mo, 1).getTime() };
  return { start: new Date(y, 0, 1).getTime(), end: new Date(y + 1, 0, 1).getTime() };
}

export function parseQuery(q: string): ParsedQuery {
  if (typeof q !== 'string') throw new QueryError('the query must be text', 0);
  if (q.length > 2000) throw new QueryError('the query is too long (2000 characters at most)', 2000);
  // control characters (NUL would cut the FTS5 expression short) count as spaces
  // eslint-disable-next-line no-control-regex -- matching control characters is the point
  const toks = lex(q.replace(/[\u0000-\u001f\u007f]/g, ' '));
  if (toks.length === 0) throw new QueryError('type something to search for', 0);
  const p = new Parser(toks, q);
  const text = p.run();
  // filters next to OR at the top level are ambiguous
  if (text && text.type === 'or' && p.filters.length > 0) {
    throw new QueryError('filters cannot be combined with OR; put the alternatives in parentheses: from:bob (a OR b)', p.filters[0]!.pos);
  }
  if (text) checkPositive(text);
  const out: ParsedQuery = { text, from: [], in: [], with: [], account: [], time: { from: null, to: null } };
  for (const f of p.filters) {
    switch (f.k) {
      case 'from':
      case 'in':
      case 'with':
      case 'account':
        if (!out[f.k].includes(f.v)) out[f.k].push(f.v);
        break;
      case 'before': {
        const r = parseDate('before', f.v, f.pos);
        out.time.to = out.time.to === null ? r.start : Math.min(out.time.to, r.start);
        break;
      }
      case 'after': {
        const r = parseDate('after', f.v, f.pos);
        out.time.from = out.time.from === null ? r.start : Math.max(out.time.from, r.start);
        break;
      }
      case 'on': {
        const r = parseDate('on', f.v, f.pos);
        out.time.from = out.time.from === null ? r.start : Math.max(out.time.from, r.start);
        out.time.to = out.time.to === null ? r.end : Math.min(out.time.to, r.end);
        break;
      }
    }
  }
  if (!text && p.filters.length === 0) throw new QueryError('type something to search for', 0);
  return out;
}

/** prints a text tree back in the query language (used by tests: parse(print(x)) == x) */
export function printText(n: TextNode): string {
  const q = (s: string) => `"${s.replace(/"/g, '""')}"`;
  switch (n.type) {
    case 'term':
      return (n.phrase ? q(n.text) : n.text) + (n.prefix ? '*' : '');
    case 'not':
      return `NOT ${n.child.type === 'term' ? printText(n.child) : `(${printText(n.child)})`}`;
    case 'and':
      return n.children.map((c) => (c.type === 'or' ? `(${printText(c)})` : printText(c))).join(' ');
    case 'or':
      return n.children.map((c) => (c.type === 'or' ? `(${printText(c)})` : printText(c))).join(' OR ');
  }
}
