/** An XMPP account's settings after validation, the limits the adapter keeps, and what it declares (caps, join form). */
import type { Capabilities, FieldDescriptor } from '../../core/protocol/types';
import type { ProxyConfig } from './proxy';

export interface XmppAccountConfig {
  jid: string;
  password: string;
  resource?: string;
  server?: string;
  port?: number;
  directTls: boolean;
  caPem?: string;
  pinSha256?: string;
  allowPlaintext: boolean;
  proxy?: ProxyConfig;
  nick?: string;
  mucDomain?: string;
  timeoutMs: number;
  maxIncomingStanzaBytes?: number;
}

/** Prosody closes the stream on stanzas above 256 KiB; we stay well below it (see caps). */
export const MAX_MESSAGE_BYTES = 64 * 1024;
export const MAX_STANZA_CHARS = 240 * 1024;
/** no server limits c2s stanzas below this (Prosody's minimum); larger unacked messages are suspects on policy-violation */
export const SMALLEST_SERVER_LIMIT = 10_000;
export const NS_INVISIBLE = 'urn:xmpp:invisible:0';
/** incoming bodies beyond this are dropped (reported), the connection stays up */
export const MAX_INCOMING_BODY_BYTES = 1024 * 1024;

export const CAPS: Capabilities = {
  // Prosody 0.12 has no invisibility module: 'invisible' is not declared
  presenceShows: ['available', 'chat', 'away', 'xa', 'dnd', 'offline'],
  maxMessageBytes: MAX_MESSAGE_BYTES,
  serverAck: true,
  deliveryReceipts: true,
  stableClientIds: true,
};

export const JOIN_FIELDS: FieldDescriptor[] = [
  { key: 'room', label: 'Room address', type: 'text', required: true, placeholder: 'room@conference.example.org' },
  { key: 'nick', label: 'Nickname', type: 'text' },
  { key: 'password', label: 'Room password', type: 'password' },
  { key: 'bookmark', label: 'Bookmark and join automatically', type: 'boolean', default: false },
];
