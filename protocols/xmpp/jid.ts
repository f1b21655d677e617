/**
 * Strict JID parsing and normalization (RFC 7622, PRECIS-ish) plus XEP-0106 escaping.
 *
 * - localpart: UsernameCaseMapped — NFC, case-folded; IdentifierClass (letters, digits, printable
 *   ASCII) minus the characters RFC 7622 §3.3.1 excludes ("&'/:<>@), no compatibility characters.
 * - domainpart: lower-cased NFC IDN labels (letters, digits, marks, hyphen), an IPv4 address or an
 *   IPv6 literal in brackets.
 * - resourcepart: OpaqueString — NFC, no control or format characters; spaces and symbols allowed.
 * Each part is 1..1023 UTF-8 bytes.
 */

export interface Jid {
  local: string;
  domain: string;
  resource: string;
}

export type JidResult = { ok: true; jid: Jid } | { ok: false; error: string };

const LOCAL_EXCLUDED = new Set(['"', '&', "'", '/', ':', '<', '>', '@']);
const byteLen = (s: string) => Buffer.byteLength(s, 'utf8');

function checkLocal(raw: string): string | { error: string } {
  const s = raw.normalize('NFC').toLowerCase().replace(/ς/g, 'σ');
  if (!s) return { error: 'the part before @ is empty' };
  if (byteLen(s) > 1023) return { error: 'the part before @ is too long' };
  for (const ch of s) {
    const cp = ch.codePointAt(0)!;
    if (cp >= 0x21 && cp <= 0x7e) {
      if (LOCAL_EXCLUDED.has(ch)) return { error: `"${ch}" is not allowed before @` };
      continue;
    }
    if (!/^[\p{L}\p{Nd}\p{Mn}\p{Mc}]$/u.test(ch) || ch.normalize('NFKC') !== ch) {
      return { error: `the character U+${cp.toString(16).toUpperCase().padStart(4, '0')} is not allowed before @` };
    }
  }
  return s;
}

/**
 * checkDomain remembers its answers: a roster of 50,000 contacts has a handful of domains, and the
 * check (Unicode normalization per character) was most of the time of parsing it.
 */
const domainCache = new Map<string, string | { error: string }>();
const DOMAIN_CACHE_SIZE = 512;
function checkDomainCached(raw: string): string | { error: string } {
  let r = domainCache.get(raw);
  if (r === undefined) {
    r = checkDomain(raw);
    if (domainCache.size >= DOMAIN_CACHE_SIZE) domainCache.delete(domainCache.keys().next().value!);
    domainCache.set(raw, r);
  }
  return r;
}

function checkDomain(raw: string): string | { error: string } {
  let s = raw.normalize('NFC').toLowerCase();
  if (s.endsWith('.')) s = s.slice(0, -1);
  if (!s) return { error: 'the domain is empty' };
  if (byteLen(s) > 1023) return { error: 'the domain is too long' };
  if (s.startsWith('[')) {
    // IPv6 literal, optionally with a zone id
    if (/^\[[0-9a-f:.]+(%[\w.-]+)?\]$/.test(s) && s.includes(':')) return s;
    return { error: 'invalid IPv6 address' };
  }
  if (/^\d+(\.\d+){3}$/.test(s)) {
    if (s.split('.').every((o) => Number(o) <= 255)) return s;
    return { error: 'invalid IPv4 address' };
  }
  for (const label of s.split('.')) {
    if (!label) return { error: 'the domain has an empty label' };
    if (!/^[\p{L}\p{N}\p{M}-]+$/u.test(label) || label.startsWith('-') || label.endsWith('-')) {
      return { error: `invalid domain label "${label}"` };
    }
    for (const ch of label) if (ch.normalize('NFKC') !== ch) return { error: `invalid character in domain label "${label}"` };
  }
  return s;
}

function checkResource(raw: string): string | { error: string } {
  const s = raw.normalize('NFC').replace(/\p{Zs}/gu, ' ');
  if (!s) return { error: 'the resource after / is empty' };
  if (byteLen(s) > 1023) return { error: 'the resource is too long' };
  for (const ch of s) {
    if (/^[\p{Cc}\p{Cf}\p{Cs}\p{Co}\p{Cn}]$/u.test(ch)) {
      return { error: `the character U+${ch.codePointAt(0)!.toString(16).toUpperCase().padStart(4, '0')} is not allowed in a resource` };
    }
  }
  return s;
}

/** Parses and normalizes a JID strictly; never throws. */
export function parseJid(input: string): JidResult {
  if (typeof input !== 'string') return { ok: false, error: 'not a string' };
  const str = input.trim() === input ? input : '';
  if (!str) return { ok: false, error: input ? 'leading or trailing spaces' : 'empty address' };
  const slash = str.indexOf('/');
  const bareRaw = slash === -1 ? str : str.slice(0, slash);
  const resRaw = slash === -1 ? undefined : str.slice(slash + 1);
  const at = bareRaw.indexOf('@');
  const localRaw = at === -1 ? undefined : bareRaw.slice(0, at);
  const domainRaw = at === -1 ? bareRaw : bareRaw.slice(at + 1);
  if (domainRaw.includes('@')) return { ok: false, error: '"@" is not allowed in the domain' };

  let local = '';
  if (localRaw !== undefined) {
    const l = checkLocal(localRaw);
    if (typeof l !== 'string') return { ok: false, error: l.error };
    local = l;
  }
  const d = checkDomainCached(domainRaw);
  if (typeof d !== 'string') return { ok: false, error: d.error };
  let resource = '';
  if (resRaw !== undefined) {
    const r = checkResource(resRaw);
    if (typeof r !== 'string') return { ok: false, error: r.error };
    resource = r;
  }
  return { ok: true, jid: { local, domain: d, resource } };
}

export function jidToString(j: Jid): string {
  return `${j.local ? `${j.local}@` : ''}${j.domain}${j.resource ? `/${j.resource}` : ''}`;
}

export function bareJid(j: Jid): string {
  return `${j.local ? `${j.local}@` : ''}${j.domain}`;
}

/** Normalized full string, or null when invalid. */
export function normalizeJid(input: string | undefined | null): string | null {
  if (input === undefined || input === null) return null;
  const r = parseJid(input);
  return r.ok ? jidToString(r.jid) : null;
}

/** Normalized bare JID, or null when invalid. */
export function bareOf(input: string | undefined | null): string | null {
  if (input === undefined || input === null) return null;
  const r = parseJid(input);
  return r.ok ? bareJid(r.jid) : null;
}

/** Resource part of a valid JID ('' when none), or null when invalid. */
export function resourceOf(input: string | undefined | null): string | null {
  if (input === undefined || input === null) return null;
  const r = parseJid(input);
  return r.ok ? r.jid.resource : null;
}

// ---- XEP-0106 JID escaping -----------------------------------------------------------------

const ESC: Record<string, string> = { ' ': '\\20', '"': '\\22', '&': '\\26', "'": '\\27', '/': '\\2f', ':': '\\3a', '<': '\\3c', '>': '\\3e', '@': '\\40', '\\': '\\5c' };
const SEQ = /\\(20|22|26|27|2f|3a|3c|3e|40|5c)/gi;

/** true when the localpart contains characters that need escaping (ignoring valid escape sequences) */
export function needsEscape(local: string): boolean {
  const rest = local.replace(SEQ, '');
  return /[ "&'/:<>@\\]/.test(rest);
}

/** Escapes a display localpart (XEP-0106 §4); an already escaped one is returned unchanged. */
export function escapeLocal(local: string): string {
  if (!needsEscape(local)) return local;
  return local.replace(/\\/g, '\\5c').replace(/[ "&'/:<>@]/g, (c) => ESC[c]!);
}

/** Turns an escaped localpart into its display form (XEP-0106 §5). */
export function unescapeLocal(local: string): string {
  return local.replace(SEQ, (_m, hex: string) => String.fromCharCode(parseInt(hex, 16)));
}
