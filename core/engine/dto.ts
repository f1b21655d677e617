// Mapping store rows to contract DTOs, and adapter errors to something the user can read.
import type { AccountErrorDTO, CapsDTO, DeliveryState, MessageDTO, SnippetDTO } from '../../contract/index';
import type { Message } from '../history/index';
import { AdapterError, type AdapterErrorInfo, type ProtocolAdapter } from '../protocol/types';
import { AUTO_REPLY_PREFIX } from './autoreply';

export function toErrorInfo(err: unknown): AdapterErrorInfo {
  if (err instanceof AdapterError) return err.toJSON();
  if (err && typeof err === 'object' && 'kind' in err && 'fatal' in err && 'message' in err) {
    const e = err as AdapterErrorInfo;
    return { kind: e.kind, fatal: Boolean(e.fatal), message: String(e.message), ...(e.code ? { code: e.code } : {}) };
  }
  return { kind: 'network', fatal: false, message: err instanceof Error ? err.message : String(err) };
}

export function errorDTO(e: AdapterErrorInfo | undefined): AccountErrorDTO | undefined {
  return e ? { kind: e.kind, fatal: e.fatal, message: e.message, ...(e.code ? { code: e.code } : {}) } : undefined;
}

export function capsDTO(a: ProtocolAdapter): CapsDTO {
  return {
    ...a.caps,
    presenceShows: [...a.caps.presenceShows],
    contacts: !!a.contacts,
    rooms: !!a.rooms,
    typing: !!a.typing,
    receipts: !!a.receipts,
    history: !!a.history,
    files: !!a.files,
  };
}

export function messageDTO(m: Message, extra: { mention?: boolean; sending?: boolean; error?: string } = {}): MessageDTO {
  let state: DeliveryState = m.state ?? (m.direction === 'in' ? 'received' : 'sent');
  if (state === 'queued' && extra.sending) state = 'sending';
  return {
    id: String(m.id),
    conversationId: String(m.conversationId),
    accountId: String(m.accountId),
    direction: m.direction,
    kind: m.kind,
    from: m.sender,
    ...(m.senderName ? { fromName: m.senderName } : {}),
    body: m.body,
    time: m.serverTime,
    state,
    ...(extra.error ? { error: extra.error } : {}),
    ...(m.clientId ? { clientId: m.clientId } : {}),
    ...(m.serverId ? { serverId: m.serverId } : {}),
    ...(extra.mention ? { mention: true } : {}),
    ...(m.direction === 'out' && m.body.startsWith(AUTO_REPLY_PREFIX) ? { autoReply: true } : {}),
    ...(m.oobUrl ? { oobUrl: m.oobUrl } : {}),
  };
}

/** snippet with the store's markers → parts the renderer shows with <mark> (never HTML) */
export function parseSnippet(s: string, open = '\u0002', close = '\u0003'): SnippetDTO {
  const out: SnippetDTO = [];
  let rest = s;
  while (rest.length) {
    const a = rest.indexOf(open);
    if (a < 0) {
      out.push({ text: rest, mark: false });
      break;
    }
    if (a > 0) out.push({ text: rest.slice(0, a), mark: false });
    const b = rest.indexOf(close, a + open.length);
    const end = b < 0 ? rest.length : b;
    const marked = rest.slice(a + open.length, end);
    if (marked) out.push({ text: marked, mark: true });
    rest = b < 0 ? '' : rest.slice(b + close.length);
  }
  return out;
}

export const utf8Bytes = (s: string) => Buffer.byteLength(s, 'utf8');
