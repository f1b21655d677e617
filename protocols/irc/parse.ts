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
  return { tags, ...(m.prefix ? { source: m.prefix } : {}), verb: m.command, params: [...m.params] };
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
