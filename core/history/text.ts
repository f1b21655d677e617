/**
 * CJK handling for the full-text index. unicode61 does not split Chinese/Japanese/Korean text into
 * words, so a whole run of CJK characters would become one token and nothing inside it could be
 * found. The index therefore stores CJK characters as single-character tokens (the indexed text
 * has spaces around each CJK character) and queries turn CJK terms into phrases of characters:
 * a phrase of adjacent characters is exactly a substring match. Bodies without CJK are indexed as
 * they are, so FTS5's own snippet() stays exact for them.
 */

/**
 * code point ranges indexed character by character: CJK (radicals, kana, ideographs, Hangul,
 * compatibility forms, ext. B+) and the other scripts written without spaces between words — Thai,
 * Lao, Myanmar, Khmer (unicode61 would keep a whole run as one token, or cut it at every vowel or
 * tone mark, so words inside a run could not be found). Their combining marks become separators:
 * a search ignores them, as it ignores diacritics elsewhere. ("CJK" in names below means all of these.)
 */
const RANGES: Array<[number, number]> = [
  [0x0e00, 0x0eff],
  [0x1000, 0x109f],
  [0x1780, 0x17ff],
  [0x2e80, 0x9fff],
  [0xac00, 0xd7af],
  [0xf900, 0xfaff],
  [0xff66, 0xff9f],
  [0x20000, 0x2ffff],
];

const cls = RANGES.map(([a, b]) => `\\u{${a.toString(16)}}-\\u{${b.toString(16)}}`).join('');
const CJK_RE = new RegExp(`[${cls}]`, 'u');
const CJK_RE_G = new RegExp(`[${cls}]`, 'gu');

/** SQLite GLOB pattern matching a text that contains at least one CJK character */
export const CJK_GLOB = `*[${RANGES.map(([a, b]) => String.fromCodePoint(a) + '-' + String.fromCodePoint(b)).join('')}]*`;

export function hasCjk(s: string): boolean {
  return CJK_RE.test(s);
}

/** the text the index stores for a body containing CJK: every CJK character a token of its own */
export function cjkSplit(s: string): string {
  return s.replace(CJK_RE_G, ' $& ');
}

/** name of the SQL function the triggers call; registered on every connection */
export const SPLIT_FN = 'confab_cjk_split';

/** SQL expression for the indexed form of a body column (`new.body`, `old.body`, `body`) */
export function indexedSql(col: string): string {
  return `CASE WHEN ${col} GLOB '${CJK_GLOB}' THEN ${SPLIT_FN}(${col}) ELSE ${col} END`;
}

/** the indexed form of a body, in JS: the same as indexedSql() computes in SQL */
export function indexedText(body: string): string {
  return hasCjk(body) ? cjkSplit(body) : body;
}

/** unicode61 remove_diacritics 2 folding, for snippets made in JS: lower case, marks removed */
export function fold(s: string): string {
  return s.normalize('NFD').replace(/\p{M}/gu, '').toLowerCase();
}

/**
 * The token that stands for a sender in the index's `who` column (migrations/0005): "s" + a 53-bit
 * hash (cyrb53) of the exact sender, in base 36 — one unicode61 token, so `from:` is a column
 * filter inside the full-text query instead of a check of every candidate row. A hash collision
 * could only add candidates: the search still checks the sender of every row it returns.
 */
export function senderToken(sender: string): string {
  let h1 = 0xdeadbeef;
  let h2 = 0x41c6ce57;
  for (let i = 0; i < sender.length; i++) {
    const ch = sender.charCodeAt(i);
    h1 = Math.imul(h1 ^ ch, 2654435761);
    h2 = Math.imul(h2 ^ ch, 1597334677);
  }
  h1 = Math.imul(h1 ^ (h1 >>> 16), 2246822507) ^ Math.imul(h2 ^ (h2 >>> 13), 3266489909);
  h2 = Math.imul(h2 ^ (h2 >>> 16), 2246822507) ^ Math.imul(h1 ^ (h1 >>> 13), 3266489909);
  return 's' + (4294967296 * (2097151 & h2) + (h1 >>> 0)).toString(36);
}

/** name of the SQL function computing senderToken (the view and triggers of the index call it) */
export const WHO_FN = 'confab_who';
