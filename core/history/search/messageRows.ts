/**
 * Reading many message rows at once (a search page, a conversation page, a message in context) as
 * arrays instead of objects. better-sqlite3 builds an object with 17 named properties for every row
 * and toMessage() then builds a second one: measured 12 µs per row, 0.3 ms for 25 rows when every
 * page is cached; arrays mapped once cost about 60 % of that. The columns are named in a fixed
 * order (never `*`), and a test compares what this returns with getMessage() (rows.ts toMessage), so
 * a column added there and not here fails a test instead of going missing.
 */
import type { Conn } from '../conn';
import type { Message, MessageKind, MessageState } from '../types';

const COLUMNS = [
  'id', 'account_id', 'conversation_id', 'sender', 'sender_name', 'body', 'kind', 'direction', 'server_time',
  'received_time', 'server_id', 'client_id', 'state', 'edited_at', 'retracted_at', 'source', 'oob_url',
] as const;

/** the select list for messageRows(): `id, account_id, …` or, with an alias, `m.id, m.account_id, …` */
export function messageColumns(alias?: string): string {
  return alias ? COLUMNS.map((c) => `${alias}.${c}`).join(', ') : COLUMNS.join(', ');
}

function toMessageFromArray(r: unknown[]): Message {
  return {
    id: r[0] as number,
    accountId: r[1] as number,
    conversationId: r[2] as number,
    sender: r[3] as string,
    senderName: r[4] as string | null,
    body: r[5] as string,
    kind: r[6] as MessageKind,
    direction: r[7] === 1 ? 'out' : 'in',
    serverTime: r[8] as number,
    receivedTime: r[9] as number,
    serverId: r[10] as string | null,
    clientId: r[11] as string | null,
    state: r[12] as MessageState | null,
    editedAt: r[13] as number | null,
    retractedAt: r[14] as number | null,
    source: r[15] as string | null,
    oobUrl: r[16] as string | null,
  };
}

/** runs sql, whose select list is messageColumns(…), and returns its rows as messages */
export function messageRows(c: Conn, sql: string, ...params: unknown[]): Message[] {
  // the statement is cached per SQL text; only SQL built with messageColumns() is ever put in raw mode
  return c.guard(() => (c.st(sql).raw(true).all(...params) as unknown[][]).map(toMessageFromArray));
}
