/**
 * What an xmpp:/irc:/ircs: link does once the archive is open: pick the account it belongs to and
 * open the chat, join the room, add the contact or reconnect. Returns the error to show, if any.
 */
import type { ErrorCode } from '../contract/dto';
import type { EngineHandle } from './engineProcess';
import { accountServer, joinValues, routeUri, type UriIntent } from './uri';

export interface LinkError {
  code: ErrorCode;
  message: string;
  accountId?: string;
}

export async function followLink(call: EngineHandle['call'], intent: UriIntent): Promise<LinkError | null> {
  const accounts = await call('accounts.list', {});
  if (!accounts.ok) return null;
  const route = routeUri(
    intent,
    accounts.value.map((a) => ({ id: a.id, protocol: a.protocol, server: accountServer(a.config, a.protocol), online: a.state === 'online' })),
  );
  if (route.kind === 'needs-account') {
    const where = intent.protocol === 'irc' ? `on ${intent.host}` : 'for XMPP';
    return { code: 'not-found', message: `To open this link, add an account ${where} first.` };
  }
  const accountId = route.accountId;
  let r;
  if (intent.action === 'message') {
    r = await call('conversations.open', { accountId, kind: 'direct', address: intent.protocol === 'xmpp' ? intent.jid : intent.nick });
  } else if (intent.action === 'join') {
    const fields = await call('accounts.joinFields', { id: accountId });
    if (!fields.ok) return null;
    const values = joinValues(fields.value, intent);
    if (!values) return null;
    r = await call('rooms.join', { accountId, values });
  } else if (intent.action === 'subscribe') {
    r = await call('contacts.add', { accountId, address: intent.jid, ...(intent.name ? { name: intent.name } : {}) });
  } else {
    r = await call('accounts.reconnect', { id: accountId });
  }
  return r.ok ? null : { code: r.error.code, message: r.error.message, accountId };
}
