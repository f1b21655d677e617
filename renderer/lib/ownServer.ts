/**
 * Is a link on the user's own server? Only then may an image preview load by itself: a request to
 * anyone else's server would tell them the user's address and that the message was read.
 * Own = the account's domain (or a subdomain of it), or a host:port the user's own uploads went to.
 */
export interface OwnServer {
  /** the account's own domain (the part after @ of its address), lower case */
  domain: string | null;
  /** host:port of the account's upload service, learned from the user's own shared files */
  hosts: readonly string[];
}

export function domainOf(self: string | undefined): string | null {
  if (!self) return null;
  const at = self.indexOf('@');
  if (at < 0) return null;
  return self.slice(at + 1).split('/')[0]!.toLowerCase() || null;
}

/** host:port of an http(s) URL (lower case), or null */
export function hostOf(url: string): string | null {
  try {
    const u = new URL(url);
    if (u.protocol !== 'https:' && u.protocol !== 'http:') return null;
    return u.host.toLowerCase();
  } catch {
    return null;
  }
}

export function isOwnServerUrl(url: string, own: OwnServer): boolean {
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    return false;
  }
  if (u.protocol !== 'https:' && u.protocol !== 'http:') return false;
  // credentials in a link are a disguise (https://own.example@stranger.example/) — never "own"
  if (u.username || u.password) return false;
  if (own.hosts.includes(u.host.toLowerCase())) return true;
  const name = u.hostname.toLowerCase();
  return own.domain !== null && (name === own.domain || name.endsWith(`.${own.domain}`));
}
