/**
 * Our own message splitter (irc-framework copies one label onto every part of its split).
 * An IRC line is at most 512 bytes including CRLF, as the server relays it to the recipient:
 *   ":" nick "!" user "@" host " " COMMAND " " target " :" text CRLF
 * so the text budget depends on our real prefix. Splits on UTF-8 character boundaries, at spaces
 * where possible, never inside a grapheme's surrogate pair, and wraps CTCP ACTION parts each in
 * their own \x01ACTION …\x01.
 */

export interface SplitOptions {
  command: 'PRIVMSG' | 'NOTICE';
  target: string;
  /** our prefix as others see it: nick!user@host (or just a nick when unknown: then a safe host is assumed) */
  prefix: string;
  action?: boolean;
  /** line limit including CRLF (512 unless the server says otherwise) */
  lineLimit?: number;
}

/** Host + user length assumed when our real prefix is unknown (RFC 2812 user ≤ 10, host ≤ 63). */
const UNKNOWN_USERHOST = 1 + 10 + 1 + 63;

export function textBudget(o: SplitOptions): number {
  const limit = o.lineLimit ?? 512;
  const prefixBytes = Buffer.byteLength(o.prefix, 'utf8') + (o.prefix.includes('@') ? 0 : UNKNOWN_USERHOST);
  const overhead = 1 + prefixBytes + 1 + o.command.length + 1 + Buffer.byteLength(o.target, 'utf8') + 2 + 2 + (o.action ? 9 : 0);
  return limit - overhead;
}

/** Splits one message into the texts of the lines to send (ACTION framing added when o.action). */
export function splitMessage(body: string, o: SplitOptions): string[] {
  const budget = textBudget(o);
  if (budget < 16) throw new RangeError('target and prefix leave no room for text');
  const out: string[] = [];
  // IRC has no newline inside a message: each line of the body becomes its own message
  for (const line of body.split(/\r\n|\r|\n/)) {
    if (line === '') continue;
    for (const part of splitLine(line, budget)) out.push(o.action ? `\x01ACTION ${part}\x01` : part);
  }
  return out;
}

function splitLine(line: string, budget: number): string[] {
  const parts: string[] = [];
  let rest = line;
  while (Buffer.byteLength(rest, 'utf8') > budget) {
    const cut = cutIndex(rest, budget);
    let part = rest.slice(0, cut);
    let next = rest.slice(cut);
    // prefer the last space within the budget when it is not too far back
    const sp = part.lastIndexOf(' ');
    if (sp > 0 && sp >= part.length * 0.5 && next[0] !== ' ') {
      next = part.slice(sp + 1) + next;
      part = part.slice(0, sp);
    } else if (next[0] === ' ') {
      next = next.slice(1);
    }
    parts.push(part);
    rest = next;
  }
  if (rest) parts.push(rest);
  return parts;
}

/** Largest index ≤ rest.length whose UTF-8 prefix fits the budget, not splitting a surrogate pair or a combining sequence. */
function cutIndex(s: string, budget: number): number {
  let bytes = 0;
  let i = 0;
  while (i < s.length) {
    const cp = s.codePointAt(i)!;
    const units = cp > 0xffff ? 2 : 1;
    const b = cp < 0x80 ? 1 : cp < 0x800 ? 2 : cp < 0x10000 ? 3 : 4;
    if (bytes + b > budget) break;
    bytes += b;
    i += units;
  }
  // do not leave a combining mark / ZWJ / variation selector at the start of the next part
  let j = i;
  while (j > 1 && j < s.length && isJoiner(s.charCodeAt(j))) {
    j--;
    if (s.charCodeAt(j) >= 0xdc00 && s.charCodeAt(j) <= 0xdfff) j--;
  }
  return j > 0 ? j : i;
}

/** combining marks, ZWJ and variation selectors: they belong to the character before them */
function isJoiner(c: number): boolean {
  return (c >= 0x0300 && c <= 0x036f) || c === 0x200d || (c >= 0xfe00 && c <= 0xfe0f) || (c >= 0x20d0 && c <= 0x20ff);
}

/**
 * List commands (ISON a b c, MONITOR + a,b,c) packed into as few lines as fit: each line, with its
 * command and CRLF, stays within `limit` bytes (default 400, well under 512, leaving room for a
 * server that counts a prefix or tags). An item too long for any line gets a line of its own.
 */
export function packList(head: string, items: readonly string[], sep: ' ' | ',', limit = 400): string[] {
  const lines: string[] = [];
  const base = Buffer.byteLength(head, 'utf8') + 1 + 2;
  let cur: string[] = [];
  let bytes = base;
  for (const it of items) {
    const n = Buffer.byteLength(it, 'utf8') + (cur.length ? 1 : 0);
    if (cur.length && bytes + n > limit) {
      lines.push(`${head} ${cur.join(sep)}`);
      cur = [];
      bytes = base;
    }
    bytes += Buffer.byteLength(it, 'utf8') + (cur.length ? 1 : 0);
    cur.push(it);
  }
  if (cur.length) lines.push(`${head} ${cur.join(sep)}`);
  return lines;
}
