/**
 * IRC names: nick and channel rules (RFC 2812 / modern ircdocs, ISUPPORT-aware), case mapping and
 * normalization. Pure functions; checked before any network traffic.
 */
import type { ConversationKind, ValidationResult } from '../../core/protocol/types';

export type CaseMapping = 'ascii' | 'rfc1459' | 'strict-rfc1459';

/** What the server told us in RPL_ISUPPORT (defaults are RFC 2812's). */
export interface NameRules {
  caseMapping: CaseMapping;
  chanTypes: string;
  nickLen: number;
  channelLen: number;
}

export const DEFAULT_RULES: NameRules = { caseMapping: 'rfc1459', chanTypes: '#&', nickLen: 30, channelLen: 50 };

export function caseFold(s: string, mapping: CaseMapping = 'rfc1459'): string {
  let out = '';
  for (const ch of s) {
    const c = ch.charCodeAt(0);
    if (c >= 65 && c <= 90) out += String.fromCharCode(c + 32);
    else if (mapping !== 'ascii' && (c === 91 || c === 92 || c === 93)) out += String.fromCharCode(c + 32); // []\ → {}|
    else if (mapping === 'rfc1459' && c === 94) out += '~'; // ^ → ~
    else out += ch;
  }
  return out;
}

export function isChannelName(name: string, rules: NameRules = DEFAULT_RULES): boolean {
  return name.length > 0 && rules.chanTypes.includes(name[0]!);
}

// nick: a letter or one of []\`_^{|} first, then those, digits and '-'
const NICK_RE = /^[A-Za-z[\]\\`_^{|}][A-Za-z0-9[\]\\`_^{|}-]*$/;

export function validateNick(nick: string, rules: NameRules = DEFAULT_RULES): ValidationResult {
  const n = nick.trim();
  if (!n) return { ok: false, error: 'a nickname is required' };
  if (n.length > rules.nickLen) return { ok: false, error: `a nickname has at most ${rules.nickLen} characters` };
  if (!NICK_RE.test(n)) return { ok: false, error: 'a nickname starts with a letter or one of []\\`_^{|} and contains only letters, digits, - and those' };
  return { ok: true, normalized: caseFold(n, rules.caseMapping) };
}

export function validateChannel(name: string, rules: NameRules = DEFAULT_RULES): ValidationResult {
  const n = name.trim();
  if (!n) return { ok: false, error: 'a channel name is required' };
  if (!isChannelName(n, rules)) return { ok: false, error: `a channel name starts with one of ${rules.chanTypes.split('').join(' ')}` };
  if (n.length < 2) return { ok: false, error: 'a channel name needs at least one character after its prefix' };
  if (Buffer.byteLength(n, 'utf8') > rules.channelLen) return { ok: false, error: `a channel name has at most ${rules.channelLen} bytes` };
  // space, comma, BELL (^G), NUL, CR, LF are forbidden (RFC 2812 §1.3); ':' is refused by most servers
  // eslint-disable-next-line no-control-regex -- BELL and NUL are exactly what is refused
  if (/[\s,\x07\0:]/.test(n)) return { ok: false, error: 'a channel name contains no spaces, commas, colons or control characters' };
  return { ok: true, normalized: caseFold(n, rules.caseMapping) };
}

export function validateAddress(id: string, kind: ConversationKind, rules: NameRules = DEFAULT_RULES): ValidationResult {
  return kind === 'room' ? validateChannel(id, rules) : validateNick(id, rules);
}

/** Normalizes a nick or channel (whichever it is) without validating it. */
export function normalizeName(id: string, rules: NameRules = DEFAULT_RULES): string {
  return caseFold(id.trim(), rules.caseMapping);
}

/**
 * RFC 1123 host name or IP literal, for the server field. `requireDot` (server names as IRC sees them,
 * ../shared/vectors/irc/validate-hostname) refuses single labels like "irc"; the account form allows "localhost".
 */
export function validHostname(host: string, opts: { requireDot?: boolean } = {}): boolean {
  if (!host || host.length > 253) return false;
  if (opts.requireDot && !host.includes('.')) return false;
  if (/^[\d.]+$/.test(host)) return /^(\d{1,3}\.){3}\d{1,3}$/.test(host) && host.split('.').every((p) => Number(p) <= 255);
  if (host.includes(':')) return /^\[?[0-9a-f:.]+\]?$/i.test(host);
  const labels = host.replace(/\.$/, '').split('.');
  return labels.every((l) => /^[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?$/.test(l));
}
