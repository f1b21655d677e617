/**
 * Snippets made in JS, for bodies the FTS5 snippet() cannot place exactly (CJK text, whose indexed
 * form differs from the stored body) and for filter-only searches. Matching follows the index:
 * case and diacritics are ignored.
 */
import { fold } from './text';
import type { TextNode } from './query';

/** the positive terms of a query tree (NOT branches contribute nothing to highlight) */
export function positiveTerms(n: TextNode | null, out: string[] = []): string[] {
  if (!n) return out;
  switch (n.type) {
    case 'term':
      out.push(n.text);
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

function foldWithMap(s: string): { folded: string; map: number[] } {
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

export function makeSnippet(body: string, terms: string[], markers: [string, string], width = 120): string {
  const { folded, map } = foldWithMap(body);
  const ranges: Array<[number, number]> = [];
  for (const t of terms) {
    const ft = fold(t).trim();
    if (!ft) continue;
    let from = 0;
    for (;;) {
      const at = folded.indexOf(ft, from);
      if (at < 0) break;
      ranges.push([map[at]!, map[at + ft.length] ?? body.length]);
      from = at + ft.length;
    }
  }
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
