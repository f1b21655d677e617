/** Database rows of the store's tables and their mapping to the public types (types.ts). */
import { UsageError } from './errors';
import type { Account, Contact, Conversation, ConversationKind, Message, MessageKind, MessageState } from './types';

export interface MessageRow {
  id: number;
  account_id: number;
  conversation_id: number;
  sender: string;
  sender_name: string | null;
  body: string;
  kind: string;
  direction: number;
  server_time: number;
  received_time: number;
  server_id: string | null;
  client_id: string | null;
  state: string | null;
  edited_at: number | null;
  retracted_at: number | null;
  source: string | null;
  oob_url: string | null;
}

export interface ConversationRow {
  id: number;
  account_id: number;
  kind: ConversationKind;
  address: string;
  title: string | null;
  contact_id: number | null;
  last_read_id: number | null;
  created_at: number;
}

export interface AccountRow {
  id: number;
  protocol: string;
  label: string;
  config: string;
  secrets: string;
  enabled: number;
  created_at: number;
}

export interface ContactRow {
  id: number;
  account_id: number;
  address: string;
  name: string | null;
  groups: string;
  metacontact_id: number | null;
}

export function toMessage(r: MessageRow): Message {
  return {
    id: r.id,
    accountId: r.account_id,
    conversationId: r.conversation_id,
    sender: r.sender,
    senderName: r.sender_name,
    body: r.body,
    kind: r.kind as MessageKind,
    direction: r.direction === 1 ? 'out' : 'in',
    serverTime: r.server_time,
    receivedTime: r.received_time,
    serverId: r.server_id,
    clientId: r.client_id,
    state: r.state as MessageState | null,
    editedAt: r.edited_at,
    retractedAt: r.retracted_at,
    source: r.source,
    oobUrl: r.oob_url,
  };
}

export function toConversation(r: ConversationRow): Conversation {
  return {
    id: r.id,
    accountId: r.account_id,
    kind: r.kind,
    address: r.address,
    title: r.title,
    contactId: r.contact_id,
    lastReadId: r.last_read_id,
    createdAt: r.created_at,
  };
}

export function toAccount(r: AccountRow): Account {
  return { id: r.id, protocol: r.protocol, label: r.label, config: JSON.parse(r.config) as Record<string, unknown>, enabled: r.enabled === 1, createdAt: r.created_at };
}

export function toContact(r: ContactRow): Contact {
  return { id: r.id, accountId: r.account_id, address: r.address, name: r.name, groups: JSON.parse(r.groups) as string[], metacontactId: r.metacontact_id };
}

/** escapes % _ and \ for LIKE … ESCAPE '\' */
export const likeEscape = (s: string) => s.replace(/[\\%_]/g, (c) => '\\' + c);

export function nonEmpty(s: unknown, what: string): string {
  if (typeof s !== 'string' || s.length === 0) throw new UsageError(`${what} must be a non-empty string`);
  return s;
}

/** ids: server-ms × 1024 + sequence */
export const SEQ = 1024;
