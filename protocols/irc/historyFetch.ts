/** IRCv3 CHATHISTORY requests (BEFORE / AFTER / LATEST), answered in a labeled batch (parsed by history.ts). */
import { AdapterError, type ConversationRef, type HistoryPage } from '../../core/protocol/types';
import type { IrcAccount } from './account';
import { parseHistoryPage } from './history';
import { joinLine, type ParsedLine } from './parse';

export function fetchHistory(account: IrcAccount, channelName: (roomId: string) => string, conv: ConversationRef | null, opts: { before?: string; after?: string; limit: number }): Promise<HistoryPage> {
  const ctx = account.requireOnline();
  const supported = ctx.capEnabled('chathistory') || ctx.capEnabled('draft/chathistory') || ctx.client.network.options.CHATHISTORY !== undefined;
  if (!conv || !supported || !ctx.capEnabled('batch')) {
    return Promise.reject(new AdapterError({ kind: 'protocol', fatal: false, message: 'this server offers no CHATHISTORY' }));
  }
  const target = conv.kind === 'room' ? channelName(conv.id) : conv.id;
  const limitMax = Number(ctx.client.network.options.CHATHISTORY) || 100;
  const limit = Math.max(1, Math.min(opts.limit, limitMax));
  const ref = (id: string) => (/^\d{4}-\d\d-\d\dT/.test(id) ? `timestamp=${id}` : `msgid=${id}`);
  const params = opts.before ? ['BEFORE', target, ref(opts.before), String(limit)]
    : opts.after ? ['AFTER', target, ref(opts.after), String(limit)]
      : ['LATEST', target, '*', String(limit)];
  const labels = ctx.capEnabled('labeled-response');
  if (!labels) return Promise.reject(new AdapterError({ kind: 'protocol', fatal: false, message: 'CHATHISTORY needs labeled-response here' }));
  const label = ctx.nextLabel();
  return new Promise<HistoryPage>((resolve, reject) => {
    const timer = setTimeout(() => { ctx.labelHandlers.delete(label); reject(new AdapterError({ kind: 'network', fatal: false, message: 'no CHATHISTORY answer' })); }, 20_000);
    ctx.labelHandlers.set(label, (lines: ParsedLine[]) => {
      clearTimeout(timer);
      const fail = lines.find((l) => l.verb === 'FAIL');
      if (fail) { reject(new AdapterError({ kind: 'protocol', fatal: false, message: fail.params[fail.params.length - 1] ?? 'CHATHISTORY failed', code: fail.params[1] ?? 'FAIL' })); return; }
      resolve(parseHistoryPage(ctx, conv, lines, limit, opts.before ? 'before' : opts.after ? 'after' : 'latest'));
    });
    ctx.send(joinLine({ tags: { label }, verb: 'CHATHISTORY', params }), undefined, label);
  });
}
