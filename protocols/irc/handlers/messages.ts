/**
 * PRIVMSG / NOTICE / ACTION in and out: incoming messages with server time and msgid, our own
 * echoes (echo-message + labeled-response) turned into 'receipt' events, errors answering a label
 * turned into failed receipts.
 */
import { createHash } from 'node:crypto';
import type { IncomingMessage, MessageKind } from '../../../core/protocol/types';
import { stripFormatting } from '../format';
import { parseServerTime } from '../servertime';
import type { IrcContext, PendingSend } from '../context';
import type { Handler } from './hooks';
import type { MessageEvent } from '../wire';

/** A stable id for messages without msgid but with server time (ZNC buffer replay): sender + time + text. */
export function syntheticServerId(from: string, time: number, text: string): string {
  return 'th:' + createHash('sha256').update(`${from}\0${time}\0${text}`).digest('hex').slice(0, 32);
}

const REPLAY_BATCHES = new Set(['chathistory', 'draft/chathistory', 'znc.in/playback']);

export function toIncoming(ctx: IrcContext, e: MessageEvent, kind: MessageKind, direction: 'in' | 'out'): IncomingMessage {
  const conversation = ctx.conversationFor(e.target, e.nick);
  const now = ctx.deps.now();
  const parsed = parseServerTime(e.tags?.time, now);
  const trusted = parsed !== undefined;
  const serverTime = parsed ?? now;
  const body = stripFormatting(e.message ?? '');
  const msgid = typeof e.tags?.msgid === 'string' ? e.tags.msgid : undefined;
  const replay = !!e.batch && REPLAY_BATCHES.has(e.batch.type);
  const serverId = msgid ?? (trusted ? syntheticServerId(ctx.norm(e.nick), serverTime, body) : undefined);
  return {
    conversation,
    from: ctx.norm(e.nick),
    fromName: e.nick,
    body,
    kind,
    serverTime,
    serverTimeTrusted: trusted,
    ...(serverId ? { serverId } : {}),
    direction,
    ...(replay ? { replay: true } : {}),
  };
}

function settle(ctx: IrcContext, p: PendingSend, key: string, msgid: string | undefined) {
  p.waiting.delete(key);
  if (msgid && !p.serverId) p.serverId = msgid;
  if (p.waiting.size === 0) {
    ctx.emit({ type: 'receipt', conversation: p.conv, clientId: p.clientId, status: 'sent', ...(p.serverId ? { serverId: p.serverId } : {}) });
  }
}

export const messagesHandler: Handler = (ctx, hooks) => {
  const onMessage = (kind: MessageKind) => (e: MessageEvent) => {
    if (!e.nick || e.from_server) return; // server notices are not conversations
    if (e.batch && (e.batch.type === 'chathistory' || e.batch.type === 'draft/chathistory')) return; // answered by fetchHistory
    const own = ctx.norm(e.nick) === ctx.norm(ctx.selfPrefix.nick);
    if (own && (ctx.capEnabled('echo-message') || e.batch)) {
      const label = typeof e.tags?.label === 'string' ? e.tags.label : undefined;
      const msgid = typeof e.tags?.msgid === 'string' ? e.tags.msgid : undefined;
      const byLabel = label ? ctx.pendingByLabel.get(label) : undefined;
      if (byLabel && label) {
        ctx.pendingByLabel.delete(label);
        settle(ctx, byLabel, label, msgid);
        return;
      }
      const raw = kind === 'action' ? `\x01ACTION ${e.message}\x01` : e.message;
      const idx = ctx.pendingNoLabel.findIndex((p) => ctx.norm(p.target) === ctx.norm(e.target) && p.texts[0] === raw);
      if (idx >= 0) {
        const p = ctx.pendingNoLabel[idx]!;
        const text = p.texts.shift()!;
        settle(ctx, p, `${p.parts - p.texts.length - 1}:${text}`, msgid);
        if (p.texts.length === 0) ctx.pendingNoLabel.splice(idx, 1);
        return;
      }
    }
    ctx.emit({ type: 'message', message: toIncoming(ctx, e, kind, own ? 'out' : 'in') });
  };
  hooks.on<MessageEvent>('privmsg', onMessage('chat'));
  hooks.on<MessageEvent>('action', onMessage('action'));
  hooks.on<MessageEvent>('notice', onMessage('notice'));

  // an error answering one of our labels (labeled-response): that send failed
  hooks.raw('*', (line) => {
    const label = line.tags.label;
    if (!label) return;
    ctx.queue.ack(label); // any answer (echo, error, ACK, BATCH) frees the label's place in the send window
    const p = ctx.pendingByLabel.get(label);
    if (!p) return;
    const failure = /^[45]\d\d$/.test(line.verb) || line.verb === 'FAIL';
    if (!failure) return;
    for (const [l, q] of ctx.pendingByLabel) if (q === p) ctx.pendingByLabel.delete(l);
    const message = line.params[line.params.length - 1] ?? 'refused by the server';
    ctx.emit({ type: 'receipt', conversation: p.conv, clientId: p.clientId, status: 'failed', error: { kind: 'protocol', fatal: false, message, code: line.verb } });
  });
};
