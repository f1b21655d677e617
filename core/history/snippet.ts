/**
 * Snippets are made here in JS for every hit, not by FTS5's snippet(): for an external-content
 * index snippet() fetches each hit's row again through the content view (a GLOB and a JS call per
 * row) and re-tokenizes it — measured ~20 µs per hit, the largest per-hit cost of a search. The
 * highlighting follows the index: case and diacritics are ignored; outside CJK-like scripts whole
 * tokens match (a prefix term a token's start, a phrase consecutive tokens), so `the` does not
 * light up inside `other`; in CJK-like text (indexed per character) any substring matches.
 */
import type { TextNode } from './query';
import { fold, hasCjk } from './text';

export interface Term {
  text: string;
  prefix: boolean;
}

/** the positive terms of a query tree (NOT branches contribute nothing to highlight) */
export function positiveTerms(n: TextNode | null, out: Term[] = []): Term[] {
  if (!n) return out;
  switch (n.type) {
    case 'term':
      out.push({ text: n.text, prefix: n.prefix });
      break;
    case 'and':
    case 'or':
      n.children.forEach((c) => positiveTerms(c, out));
      break;
    case 'not':
      break;
  }
  return out;
}

/** the folded text and, for each of its UTF-16 units, the offset in s it came from */
function foldWithMap(s: string): { folded: string; map: number[] | null } {
  // eslint-disable-next-line no-control-regex
  if (/^[\u0000-\u007f]*$/.test(s)) return { folded: s.toLowerCase(), map: null }; // ASCII: offsets are the same
  let folded = '';
  const map: number[] = [];
  let i = 0;
  for (const ch of s) {
    const f = fold(ch);
    folded += f;
    for (let k = 0; k < f.length; k++) map.push(i);
    i += ch.length;
  }
  map.push(s.length);
  return { folded, map };
}

/** unicode61's token characters: letters, numbers, private use */
const TOKEN_CHAR = /[\p{L}\p{N}\p{Co}]/u;
const TOKEN_RUN = /[\p{L}\p{N}\p{Co}]+/gu;

/** is the UTF-16 unit at i part of a token (surrogates count: astral letters are tokens too) */
function isTok(s: string, i: number): boolean {
  const c = s.charCodeAt(i);
  if (c < 0x80) return (c >= 0x61 && c <= 0x7a) || (c >= 0x30 && c <= 0x39) || (c >= 0x41 && c <= 0x5a);
  if (c >= 0xd800 && c <= 0xdfff) return true;
  return TOKEN_CHAR.test(s[i]!);
}

/** the query's terms folded and tokenized once per search (makeSnippet runs for every hit) */
export interface SnippetTerms {
  terms: Array<{ folded: string; tokens: string[]; prefix: boolean }>;
}

export function snippetTerms(terms: Term[]): SnippetTerms {
  return {
    terms: terms
      .map((t) => {
        const folded = fold(t.text).trim();
        return { folded, tokens: folded.match(TOKEN_RUN) ?? [], prefix: t.prefix };
      })
      .filter((t) => t.folded.length > 0),
  };
}

/** the end of the phrase `tokens` starting at token boundary p of s, or -1 (no token list of the body is built: this runs per hit) */
function phraseEnd(s: string, p: number, tokens: string[], prefix: boolean): number {
  for (let j = 0; j < tokens.length; j++) {
    if (j > 0) while (p < s.length && !isTok(s, p)) p++;
    const tok = tokens[j]!;
    if (!s.startsWith(tok, p)) return -1;
    p += tok.length;
    if (prefix && j === tokens.length - 1) while (p < s.length && isTok(s, p)) p++;
    else if (p < s.length && isTok(s, p)) return -1;
  }
  return p;
}

/** [start, end) ranges in the folded text where a term matches */
function matchRanges(folded: string, q: SnippetTerms, substring: boolean): Array<[number, number]> {
  const ranges: Array<[number, number]> = [];
  for (const term of q.terms) {
    const first = substring ? term.folded : term.tokens[0];
    if (!first) continue;
    for (let at = folded.indexOf(first); at >= 0; at = folded.indexOf(first, at + 1)) {
      if (substring) {
        ranges.push([at, at + first.length]);
        continue;
      }
      if (at > 0 && isTok(folded, at - 1)) continue;
      const end = phraseEnd(folded, at, term.tokens, term.prefix);
      if (end >= 0) ranges.push([at, end]);
    }
  }
  return ranges;
}

export function makeSnippet(body: string, terms: SnippetTerms, markers: [string, string], width = 120): string {
  const { folded, map } = foldWithMap(body);
  const at = (k: number) => (map ? (map[k] ?? body.length) : k);
  const ranges = matchRanges(folded, terms, hasCjk(body)).map(([a, b]): [number, number] => [at(a), at(b)]);
  ranges.sort((a, b) => a[0] - b[0]);
  const merged: Array<[number, number]> = [];
  for (const r of ranges) {
    const last = merged[merged.length - 1];
    if (last && r[0] <= last[1]) last[1] = Math.max(last[1], r[1]);
    else merged.push([r[0], r[1]]);
  }
  const firstAt = merged[0]?.[0] ?? 0;
  let start = Math.max(0, firstAt - Math.floor(width / 3));
  const end = Math.min(body.length, start + width);
  if (end - start < width) start = Math.max(0, end - width);
  let out = start > 0 ? '…' : '';
  let pos = start;
  for (const [a, b] of merged) {
    if (b <= start || a >= end) continue;
    const s = Math.max(a, start);
    const e = Math.min(b, end);
    out += body.slice(pos, s) + markers[0] + body.slice(s, e) + markers[1];
    pos = e;
  }
  out += body.slice(pos, end);
  if (end < body.length) out += '…';
  return out;
}
