import type { AdapterDeps, ConfigValues, ConversationKind, FieldDescriptor, ProtocolDescriptor, ValidationResult } from '../../core/protocol/types';
import { XmppAdapter, type XmppAccountConfig } from './adapter';
import { parseJid } from './jid';
import { normalizePin } from './transport';

export { XmppAdapter } from './adapter';

const fields: FieldDescriptor[] = [
  { key: 'jid', label: 'Address (JID)', type: 'text', required: true, placeholder: 'you@example.org' },
  { key: 'password', label: 'Password', type: 'password', required: true },
  { key: 'nick', label: 'Nickname in group chats', type: 'text' },
  { key: 'server', label: 'Server host', type: 'text', advanced: true, help: 'empty: DNS SRV of the domain, then the domain itself' },
  { key: 'port', label: 'Port', type: 'number', advanced: true, help: 'default 5222 (STARTTLS) or 5223 (direct TLS)' },
  { key: 'directTls', label: 'Direct TLS (no STARTTLS)', type: 'boolean', default: false, advanced: true },
  { key: 'resource', label: 'Resource', type: 'text', advanced: true },
  { key: 'caPem', label: 'Trusted CA certificate (PEM)', type: 'text', advanced: true, help: 'replaces the system CAs for this account' },
  { key: 'pinSha256', label: 'Pinned certificate SHA-256', type: 'text', advanced: true, help: 'accept exactly this server certificate (64 hex digits)' },
  { key: 'allowPlaintext', label: 'Allow unencrypted connection (loopback servers only)', type: 'boolean', default: false, advanced: true },
  {
    key: 'proxyType', label: 'Proxy', type: 'select', default: 'none', advanced: true,
    options: [{ value: 'none', label: 'None' }, { value: 'socks5', label: 'SOCKS5' }, { value: 'http', label: 'HTTP CONNECT' }],
  },
  { key: 'proxyHost', label: 'Proxy host', type: 'text', advanced: true },
  { key: 'proxyPort', label: 'Proxy port', type: 'number', advanced: true },
  { key: 'proxyUser', label: 'Proxy user', type: 'text', advanced: true },
  { key: 'proxyPassword', label: 'Proxy password', type: 'password', advanced: true },
  { key: 'mucDomain', label: 'Group chat service', type: 'text', advanced: true, help: 'for new private rooms; empty: discovered' },
  { key: 'maxIncomingStanzaBytes', label: 'Largest incoming stanza (bytes)', type: 'number', advanced: true, help: 'default 16 MiB (a roster of 50,000 is about 5 MiB); the connection is closed beyond it' },
];

const str = (v: unknown) => (v === undefined || v === null ? '' : String(v).trim());
const num = (v: unknown) => (str(v) === '' ? undefined : Number(v));
const bool = (v: unknown) => v === true || v === 'true' || v === 1 || v === '1';

function validate(c: ConfigValues): Record<string, string> {
  const errors: Record<string, string> = {};
  const j = parseJid(str(c.jid));
  if (!j.ok) errors.jid = j.error;
  else if (!j.jid.local) errors.jid = 'the address needs a user name (name@domain)';
  if (!str(c.password)) errors.password = 'required';
  const port = num(c.port);
  if (port !== undefined && (!Number.isInteger(port) || port < 1 || port > 65535)) errors.port = 'a port is 1–65535';
  const pin = str(c.pinSha256);
  if (pin && !/^[0-9a-f]{64}$/.test(normalizePin(pin))) errors.pinSha256 = 'a SHA-256 fingerprint is 64 hex digits';
  const pt = str(c.proxyType) || 'none';
  if (pt !== 'none') {
    if (pt !== 'socks5' && pt !== 'http') errors.proxyType = 'unknown proxy type';
    if (!str(c.proxyHost)) errors.proxyHost = 'required with a proxy';
    const pp = num(c.proxyPort);
    if (pp === undefined || !Number.isInteger(pp) || pp < 1 || pp > 65535) errors.proxyPort = 'a port is 1–65535';
  }
  const caPem = str(c.caPem);
  if (caPem && !caPem.includes('-----BEGIN CERTIFICATE-----')) errors.caPem = 'paste a PEM certificate';
  if (str(c.nick) && !parseJid(`r@example.org/${str(c.nick)}`).ok) errors.nick = 'invalid nickname';
  return errors;
}

export function toAccountConfig(c: ConfigValues): XmppAccountConfig {
  const pt = str(c.proxyType);
  return {
    jid: str(c.jid),
    password: c.password === undefined ? '' : String(c.password),
    ...(str(c.resource) ? { resource: str(c.resource) } : {}),
    ...(str(c.server) ? { server: str(c.server) } : {}),
    ...(num(c.port) ? { port: num(c.port)! } : {}),
    directTls: bool(c.directTls),
    ...(str(c.caPem) ? { caPem: str(c.caPem) } : {}),
    ...(str(c.pinSha256) ? { pinSha256: str(c.pinSha256) } : {}),
    allowPlaintext: bool(c.allowPlaintext),
    ...(pt === 'socks5' || pt === 'http'
      ? { proxy: { type: pt, host: str(c.proxyHost), port: num(c.proxyPort) ?? 0, ...(str(c.proxyUser) ? { user: str(c.proxyUser), password: String(c.proxyPassword ?? '') } : {}) } }
      : {}),
    ...(str(c.nick) ? { nick: str(c.nick) } : {}),
    ...(str(c.mucDomain) ? { mucDomain: str(c.mucDomain) } : {}),
    timeoutMs: num(c.timeoutMs) ?? 15_000,
    ...(num(c.maxIncomingStanzaBytes) ? { maxIncomingStanzaBytes: Math.max(65_536, num(c.maxIncomingStanzaBytes)!) } : {}),
  };
}

function validateAddress(id: string, kind: ConversationKind): ValidationResult {
  const r = parseJid(id);
  if (!r.ok) return { ok: false, error: r.error };
  if (kind === 'room' && !r.jid.local) return { ok: false, error: 'a room address looks like room@conference.example.org' };
  if (r.jid.resource) return { ok: false, error: 'use the address without "/resource"' };
  return { ok: true, normalized: `${r.jid.local ? `${r.jid.local}@` : ''}${r.jid.domain}` };
}

export const xmppProtocol: ProtocolDescriptor = {
  id: 'xmpp',
  displayName: 'XMPP (Jabber)',
  configFields: fields,
  validateConfig: validate,
  validateAddress,
  create(config: ConfigValues, deps: AdapterDeps): XmppAdapter {
    const errors = validate(config);
    const first = Object.entries(errors)[0];
    return new XmppAdapter(toAccountConfig(config), deps, first ? `${first[0]}: ${first[1]}` : undefined);
  },
};
