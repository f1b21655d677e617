// One page of a timeline: latest / before / after / around a message, for one conversation or
// the merged timeline of a person, with the gaps that fall inside it.
import type { MessagePageDTO } from '../../contract/index';
import type { Conversation, Message } from '../history/index';
import type { EngineContext } from './context';
import { messageDTO } from './dto';

export function messagePage(ctx: EngineContext, convs: Conversation[], o: { before?: string; after?: string; around?: string; limit: number }): MessagePageDTO {
  const store = ctx.store;
  const lists: Message[][] = [];
  for (const c of convs) {
    if (o.around) {
      const id = Number(o.around);
      const m = store.getMessage(id);
      if (m && m.conversationId === c.id) lists.push(store.messagesAround(id, Math.floor(o.limit / 2)));
      else if (m) lists.push([...store.before(c.id, id, Math.floor(o.limit / 2)), ...store.after(c.id, id - 1, Math.ceil(o.limit / 2))]);
    } else if (o.before) lists.push(store.before(c.id, Number(o.before), o.limit));
    else if (o.after) lists.push(store.after(c.id, Number(o.after), o.limit));
    else lists.push(store.latest(c.id, o.limit));
  }
  let all = lists.flat().sort((a, b) => a.id - b.id);
  const more = all.length > o.limit || lists.some((l) => l.length >= o.limit);
  if (all.length > o.limit) all = o.after ? all.slice(0, o.limit) : all.slice(all.length - o.limit);
  const from = all[0]?.serverTime ?? 0;
  // the newest page also shows gaps after its last message (e.g. the engine was down since)
  const newest = !o.before && !o.around && !(o.after && more);
  const to = newest ? ctx.now() : (all[all.length - 1]?.serverTime ?? ctx.now());
  const gaps = convs.flatMap((c) =>
    store
      .listGaps({ conversationId: c.id })
      .filter((g) => g.toTime >= from && g.fromTime <= to + 1)
      .map((g) => ({ conversationId: String(c.id), from: g.fromTime, to: g.toTime, reason: g.reason })),
  );
  return {
    messages: all.map((m) => messageDTO(m)),
    gaps,
    hasBefore: o.after ? true : more,
    hasAfter: o.after ? more : !!(o.before || o.around),
  };
}
