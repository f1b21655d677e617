/** Turns a parsed text tree into an FTS5 MATCH expression. Every term is quoted: no user text is ever FTS5 syntax. */
import type { TextNode } from './query';
import { cjkSplit, hasCjk, senderToken } from './text';

/**
 * The whole MATCH: the text restricted to the `body` column (a word never matches a sender
 * token), and/or the senders as a filter on the `who` column (migrations/0005). null: neither.
 */
export function matchExpression(text: TextNode | null, senders: readonly string[] | null): string | null {
  const parts: string[] = [];
  if (text) parts.push(`{body} : (${compileFts(text)})`);
  if (senders && senders.length > 0) parts.push(`{who} : (${[...new Set(senders.map(senderToken))].join(' OR ')})`);
  return parts.length ? parts.join(' AND ') : null;
}

function quote(s: string): string {
  return `"${s.replace(/"/g, '""')}"`;
}

export function compileFts(n: TextNode): string {
  switch (n.type) {
    case 'term': {
      const text = hasCjk(n.text) ? cjkSplit(n.text).trim().replace(/\s+/g, ' ') : n.text;
      return quote(text) + (n.prefix ? ' *' : '');
    }
    case 'or':
      return n.children.map((c) => `(${compileFts(c)})`).join(' OR ');
    case 'not':
      // only reached inside an AND (the parser refuses a NOT without a positive part)
      return compileFts(n.child);
    case 'and': {
      const pos = n.children.filter((c) => c.type !== 'not');
      const neg = n.children.filter((c) => c.type === 'not');
      let s = pos.map((c) => `(${compileFts(c)})`).join(' AND ');
      if (pos.length > 1) s = `(${s})`;
      for (const c of neg) s += ` NOT (${compileFts(c)})`;
      return s;
    }
  }
}
