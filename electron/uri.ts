/**
 * xmpp: (RFC 5122) and irc:/ircs: (draft-butcher-irc-url) links, parsed into what the user meant and
 * routed to one of their accounts. Pure: the main process feeds it argv / open-url and the accounts
 * it knows; the tests feed it strings.
 */

export type UriIntent =
  | { protocol: 'xmpp'; action: 'message'; jid: string; body?: string }
  | { protocol: 'xmpp'; action: 'join'; room: string; password?: string }
  | { protocol: 'xmpp'; action: 'subscribe'; jid: string; name?: string }
  | { protocol: 'irc'; action: 'join'; host: string; port: number; tls: boolean; channel: string; key?: string }
  | { protocol: 'irc'; action: 'message'; host: string; port: number; tls: boolean; nick: string }
  | { protocol: 'irc'; action: 'connect'; host: string; port: number; tls: boolean };

const MAX_URI = 2048;

/** Finds the first xmpp:/irc:/ircs: link among command-line arguments (Windows/Linux second instance). */
export function findUriInArgv(argv: readonly string[]): string | null {
  for (const a of argv) {
    if (/^(xmpp|irc|ircs):/i.test(a)) return a;
  }
  return null;
}

export function parseUri(raw: string): UriIntent | null {
  if (typeof raw !== 'string' || raw.length === 0 || raw.length > MAX_URI) return null;
  // eslint-disable-next-line no-control-regex
  if (/[\u0000-\u0020\u007f]/.test(raw)) return null;
  const scheme = raw.slice(0, raw.indexOf(':')).toLowerCase();
  if (scheme === 'xmpp') return parseXmpp(raw.slice(5));
  if (scheme === 'irc' || scheme === 'ircs') return parseIrc(raw, scheme === 'ircs');
  return null;
}

function decode(s: string): string | null {
  try {
    return decodeURIComponent(s);
  } catch {
    return null;
  }
}

/** A bare JID check: [local@]domain[/resource]; no spaces or forbidden characters in the local part. */
export function isPlausibleJid(jid: string): boolean {
  if (jid.length === 0 || jid.length > 3071) return false;
  const slash = jid.indexOf('/');
  const bare = slash < 0 ? jid : jid.slice(0, slash);
  const at = bare.lastIndexOf('@');
  const local = at < 0 ? '' : bare.slice(0, at);
  const domain = at < 0 ? bare : bare.slice(at + 1);
  if (at >= 0 && local.length === 0) return false;
  if (/[\s"&'/:<>@]/.test(local)) return false;
  if (!/^[\p{L}\p{N}.-]+$/u.test(domain) || domain.startsWith('.') || domain.endsWith('.') || domain.includes('..')) return false;
  if (slash >= 0 && slash === jid.length - 1) return false;
  return true;
}

function parseXmpp(rest: string): UriIntent | null {
  // an authority ("xmpp://me@example.org/…") names the account to use; we pick the account ourselves
  if (rest.startsWith('//')) {
    const end = rest.indexOf('/', 2);
    if (end < 0) return null;
    rest = rest.slice(end + 1);
  }
  const q = rest.indexOf('?');
  const path = q < 0 ? rest : rest.slice(0, q);
  const query = q < 0 ? '' : rest.slice(q + 1);
  const jid = decode(path);
  if (jid === null || !isPlausibleJid(jid)) return null;
  // the fragment is not part of an XMPP IRI's meaning
  const hash = query.indexOf('#');
  const [type = '', ...pairs] = (hash < 0 ? query : query.slice(0, hash)).split(';');
  const params = new Map<string, string>();
  for (const p of pairs) {
    const eq = p.indexOf('=');
    if (eq <= 0) continue;
    const v = decode(p.slice(eq + 1));
    if (v !== null) params.set(p.slice(0, eq), v);
  }
  const lower = jid.toLowerCase();
  switch (type) {
    case 'join': {
      const password = params.get('password');
      return { protocol: 'xmpp', action: 'join', room: lower, ...(password ? { password } : {}) };
    }
    case 'roster':
    case 'subscribe': {
      const name = params.get('name');
      return { protocol: 'xmpp', action: 'subscribe', jid: lower, ...(name ? { name } : {}) };
    }
    case '':
    case 'message': {
      const body = params.get('body');
      return { protocol: 'xmpp', action: 'message', jid: lower, ...(body ? { body } : {}) };
    }
    default:
      // unknown query types (RFC 5122 registry: remove, unregister, …) open the conversation only
      return { protocol: 'xmpp', action: 'message', jid: lower };
  }
}

const CHANNEL_PREFIXES = '#&+!';

function parseIrc(raw: string, tls: boolean): UriIntent | null {
  let u: URL;
  try {
    u = new URL(raw);
  } catch {
    return null;
  }
  const host = u.hostname.toLowerCase();
  if (!host || u.username || u.password) return null;
  if (!/^[a-z0-9.-]+$|^\[[0-9a-f:.]+\]$/.test(host)) return null;
  const port = u.port ? Number(u.port) : tls ? 6697 : 6667;
  if (!Number.isInteger(port) || port < 1 || port > 65535) return null;
  // "irc://host/#chan" puts the channel into the fragment; "irc://host/chan" and "/%23chan" into the path
  let target = u.pathname.replace(/^\//, '');
  if (target === '' && u.hash.length > 1) target = u.hash;
  else if (target !== '' && u.hash.length > 1) target += u.hash;
  const decoded = decode(target);
  if (decoded === null) return null;
  const [name = '', ...flags] = decoded.split(',');
  const keyParam = new URLSearchParams(u.search).get('key') ?? undefined;
  if (name === '') return { protocol: 'irc', action: 'connect', host, port, tls };
  // eslint-disable-next-line no-control-regex
  if (/[\s,\u0007\u0000]/.test(name) || name.length > 200) return null;
  if (flags.includes('isnick')) {
    if (CHANNEL_PREFIXES.includes(name[0]!)) return null;
    return { protocol: 'irc', action: 'message', host, port, tls, nick: name };
  }
  if (flags.includes('isserver')) return { protocol: 'irc', action: 'connect', host, port, tls };
  const channel = CHANNEL_PREFIXES.includes(name[0]!) ? name : `#${name}`;
  return { protocol: 'irc', action: 'join', host, port, tls, channel, ...(keyParam ? { key: keyParam } : {}) };
}

export interface RoutableAccount {
  id: string;
  /** protocol id as in the registry: 'xmpp' | 'irc' */
  protocol: string;
  /** the account's server host (IRC) or its own JID's domain (XMPP) */
  server: string;
  online: boolean;
}

export type UriRoute =
  | { kind: 'account'; accountId: string; intent: UriIntent }
  /** no account fits: the UI opens the account form, prefilled from the intent */
  | { kind: 'needs-account'; intent: UriIntent };

/**
 * Which account a link should use. IRC: only an account on that very server (networks are separate
 * worlds). XMPP: any XMPP account reaches any address; prefer one on the same domain, then one online.
 */
export function routeUri(intent: UriIntent, accounts: readonly RoutableAccount[]): UriRoute {
  const same = accounts.filter((a) => a.protocol === intent.protocol);
  let pick: RoutableAccount | undefined;
  if (intent.protocol === 'irc') {
    const onHost = same.filter((a) => a.server.toLowerCase() === intent.host);
    pick = onHost.find((a) => a.online) ?? onHost[0];
  } else {
    const target = intent.action === 'join' ? intent.room : intent.jid;
    const domain = target.slice(target.lastIndexOf('@') + 1).split('/')[0]!;
    const score = (a: RoutableAccount) =>
      (a.online ? 2 : 0) + (domain === a.server.toLowerCase() || domain.endsWith('.' + a.server.toLowerCase()) ? 1 : 0);
    pick = [...same].sort((a, b) => score(b) - score(a))[0];
  }
  return pick ? { kind: 'account', accountId: pick.id, intent } : { kind: 'needs-account', intent };
}

/** The server an account lives on, from its config: the JID's domain (XMPP), the server host (IRC). */
export function accountServer(config: Record<string, unknown>, protocol: string): string {
  if (protocol === 'xmpp') {
    const jid = config.jid;
    if (typeof jid === 'string' && jid.includes('@')) return jid.slice(jid.lastIndexOf('@') + 1).split('/')[0]!.toLowerCase();
  }
  for (const k of ['server', 'host', 'domain']) {
    const v = config[k];
    if (typeof v === 'string' && v) return v.toLowerCase();
  }
  return '';
}

export interface JoinField {
  key: string;
  type: 'text' | 'password' | 'number' | 'boolean' | 'select';
  default?: string | number | boolean | undefined;
}

/**
 * The values of the protocol's join form (descriptor `joinFields`) for a link: the room/channel goes
 * into the room field, a password/key into the password field, everything else keeps its default.
 */
export function joinValues(fields: readonly JoinField[], intent: UriIntent): Record<string, string | number | boolean> | null {
  if (intent.action !== 'join') return null;
  const room = intent.protocol === 'xmpp' ? intent.room : intent.channel;
  const secret = intent.protocol === 'xmpp' ? intent.password : intent.key;
  const roomField = fields.find((f) => f.type === 'text' && /room|channel|jid|address/i.test(f.key)) ?? fields.find((f) => f.type === 'text');
  if (!roomField) return null;
  const values: Record<string, string | number | boolean> = {};
  for (const f of fields) if (f.default !== undefined) values[f.key] = f.default;
  values[roomField.key] = room;
  const secretField = fields.find((f) => f.type === 'password');
  if (secret && secretField) values[secretField.key] = secret;
  return values;
}
