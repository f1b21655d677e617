/**
 * Message text → a parsed structure React renders as text nodes, links and code blocks. Nothing here
 * produces HTML: bodies are data, never markup.
 */
import * as linkify from 'linkifyjs';

linkify.registerCustomProtocol('xmpp', true);

export type Inline = { kind: 'text'; text: string } | { kind: 'link'; text: string; href: string };
/** code blocks keep their layout; their links are clickable too (same scheme allow-list) */
export type Block = { kind: 'para'; parts: Inline[] } | { kind: 'code'; text: string; parts: Inline[] };

const SCHEMES = /^(https?:|mailto:|xmpp:)/i;

export function inlineParts(text: string): Inline[] {
  const out: Inline[] = [];
  let pos = 0;
  for (const m of linkify.find(text)) {
    if (!m.isLink || !SCHEMES.test(m.href)) continue;
    if (m.start > pos) out.push({ kind: 'text', text: text.slice(pos, m.start) });
    out.push({ kind: 'link', text: text.slice(m.start, m.end), href: m.href });
    pos = m.end;
  }
  if (pos < text.length) out.push({ kind: 'text', text: text.slice(pos) });
  return out;
}

/** a multi-line paste that looks like code or a table keeps its layout */
export function looksLikeSnippet(lines: string[]): boolean {
  if (lines.length < 2) return false;
  return lines.some((l) => /^(\t| {2,})\S/.test(l)) || lines.filter((l) => /[{};<>=|]\s*$/.test(l)).length >= 2;
}

function codeBlock(text: string): Block {
  return { kind: 'code', text, parts: inlineParts(text) };
}

export function parseBody(body: string): Block[] {
  const blocks: Block[] = [];
  const fence = /```[^\n]*\n?([\s\S]*?)```/g;
  let pos = 0;
  let m: RegExpExecArray | null;
  const plain = (t: string) => {
    if (!t) return;
    const lines = t.replace(/^\n+|\n+$/g, '').split('\n');
    if (!lines.join('')) return;
    if (looksLikeSnippet(lines)) blocks.push(codeBlock(lines.join('\n')));
    else blocks.push({ kind: 'para', parts: inlineParts(lines.join('\n')) });
  };
  while ((m = fence.exec(body))) {
    plain(body.slice(pos, m.index));
    blocks.push(codeBlock((m[1] ?? '').replace(/\n$/, '')));
    pos = m.index + m[0].length;
  }
  plain(body.slice(pos));
  return blocks;
}

/** does the body mention one of these words (nick, name)? case-insensitive, whole word */
export function mentions(body: string, words: string[]): boolean {
  const lower = body.toLowerCase();
  return words.some((w) => {
    const x = w.toLowerCase();
    if (!x) return false;
    let i = lower.indexOf(x);
    while (i >= 0) {
      const before = lower[i - 1] ?? ' ';
      const after = lower[i + x.length] ?? ' ';
      if (!/[\p{L}\p{N}_]/u.test(before) && !/[\p{L}\p{N}_]/u.test(after)) return true;
      i = lower.indexOf(x, i + 1);
    }
    return false;
  });
}
