/**
 * The IRC line parser (irc-framework's, wrapped so nothing outside sees its types) and the pure
 * helpers checked against ../shared/vectors/irc: message split / join, userhost split, mask match.
 */
import { parseLineRaw, MessageTagsCodec } from './wire';

export interface ParsedLine {
  tags: Record<string, string>;
  source?: string;
  verb: string;
  params: string[];
}

/** Parses one line (without CRLF); null when it is not an IRC message at all. */
export function parseLine(line: string): ParsedLine | null {
  const m = parseLineRaw(line);
  if (!m || !m.command) return null;
  const tags: Record<string, string> = {};
  for (const [k, v] of Object.entries(m.tags ?? {})) tags[k] = v === true ? '' : v;
  // irc-framework upper-cases the verb; keep it as sent (verbs compare case-insensitively anyway)
  const sent = verbAsSent(line);
  const verb = sent.toUpperCase() === m.command ? sent : m.command;
  return { tags, ...(m.prefix ? { source: m.prefix } : {}), verb, params: [...m.params] };
}

function verbAsSent(input: string): string {
  const s = input.replace(/^[\r\n]+|[\r\n]+$/g, '');
  let i = 0;
  const token = () => {
    while (s[i] === ' ') i++;
    let end = s.indexOf(' ', i);
    if (end < 0) end = s.length;
    const t = s.slice(i, end);
    i = end;
    return t;
  };
  if (s[0] === '@') token();
  while (s[i] === ' ') i++;
  if (s[i] === ':') token();
  return token();
}

const escapeTag = (v: string) => v.replace(/\\/g, '\\\\').replace(/;/g, '\\:').replace(/ /g, '\\s').replace(/\r/g, '\\r').replace(/\n/g, '\\n');

/** Serializes a message; the last parameter is trailing (":") only when it must be. */
export function joinLine(m: { tags?: Record<string, string | true | undefined>; source?: string; verb: string; params?: string[] }): string {
  let out = '';
  const tags = Object.entries(m.tags ?? {}).filter(([, v]) => v !== undefined);
  if (tags.length) out += '@' + tags.map(([k, v]) => (v === true || v === '' ? k : `${k}=${escapeTag(v as string)}`)).join(';') + ' ';
  if (m.source) out += `:${m.source} `;
  out += m.verb;
  const params = m.params ?? [];
  params.forEach((p, i) => {
    const last = i === params.length - 1;
    if (last && (p === '' || p.includes(' ') || p.startsWith(':'))) out += ` :${p}`;
    else out += ` ${p}`;
  });
  return out;
}

export function decodeTags(s: string): Record<string, string | true> {
  return MessageTagsCodec.decode(s);
}

export interface Userhost { nick: string; user?: string; host?: string }

export function splitUserhost(source: string): Userhost {
  const at = source.indexOf('@');
  const hostPart = at >= 0 ? source.slice(at + 1) : undefined;
  const left = at >= 0 ? source.slice(0, at) : source;
  const bang = left.indexOf('!');
  const nick = bang >= 0 ? left.slice(0, bang) : left;
  const user = bang >= 0 ? left.slice(bang + 1) : undefined;
  return { nick, ...(user !== undefined ? { user } : {}), ...(hostPart !== undefined ? { host: hostPart } : {}) };
}

/** IRC glob mask match (* and ?, with \ escaping), case-insensitive ASCII. */
export function maskMatch(mask: string, value: string): boolean {
  let re = '^';
  for (let i = 0; i < mask.length; i++) {
    const c = mask[i]!;
    if (c === '\\' && i + 1 < mask.length) re += escapeRe(mask[++i]!);
    else if (c === '*') re += '.*';
    else if (c === '?') re += '.';
    else re += escapeRe(c);
  }
  return new RegExp(re + '$', 'is').test(value);
}

const escapeRe = (c: string) => c.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');
