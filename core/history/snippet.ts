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
const TOKEN = /[\p{L}\p{N}\p{Co}]+/gu;

function tokens(folded: string): Array<{ t: string; a: number; b: number }> {
  const out: Array<{ t: string; a: number; b: number }> = [];
  for (const m of folded.matchAll(TOKEN)) out.push({ t: m[0], a: m.index, b: m.index + m[0].length });
  return out;
}

/** [start, end) ranges in the folded text where a term matches */
function matchRanges(folded: string, terms: Term[], substring: boolean): Array<[number, number]> {
  const ranges: Array<[number, number]> = [];
  if (substring) {
    for (const term of terms) {
      const ft = fold(term.text).trim();
      if (!ft) continue;
      for (let at = folded.indexOf(ft); at >= 0; at = folded.indexOf(ft, at + ft.length)) ranges.push([at, at + ft.length]);
    }
    return ranges;
  }
  const body = tokens(folded);
  for (const term of terms) {
    const want = tokens(fold(term.text)).map((x) => x.t);
    if (want.length === 0) continue;
    for (let i = 0; i + want.length <= body.length; i++) {
      let ok = true;
      for (let j = 0; j < want.length && ok; j++) {
        const got = body[i + j]!.t;
        ok = term.prefix && j === want.length - 1 ? got.startsWith(want[j]!) : got === want[j];
      }
      if (ok) ranges.push([body[i]!.a, body[i + want.length - 1]!.b]);
    }
  }
  return ranges;
}

export function makeSnippet(body: string, terms: Term[], markers: [string, string], width = 120): string {
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
