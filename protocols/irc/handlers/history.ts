/** CHATHISTORY (IRCv3): responses arrive as a labeled chathistory batch; see history.ts for requests. */
import type { Handler } from './hooks';
import type { ParsedLine } from '../parse';

/** Collects the lines of labeled batches so the requester gets them as one page. */
export const historyHandler: Handler = (ctx, hooks) => {
  const open = new Map<string, { label: string; lines: ParsedLine[] }>();
  hooks.raw('BATCH', (l) => {
    const ref = l.params[0] ?? '';
    if (ref.startsWith('+')) {
      const label = l.tags.label;
      const outer = l.tags.batch ? open.get(l.tags.batch) : undefined;
      const key = label ?? outer?.label;
      if (key && ctx.labelHandlers.has(key)) open.set(ref.slice(1), { label: key, lines: outer ? outer.lines : [] });
    } else if (ref.startsWith('-')) {
      const b = open.get(ref.slice(1));
      open.delete(ref.slice(1));
      if (b && ![...open.values()].some((o) => o.label === b.label)) {
        const fn = ctx.labelHandlers.get(b.label);
        ctx.labelHandlers.delete(b.label);
        fn?.(b.lines);
      }
    }
  });
  hooks.raw('*', (l) => {
    const ref = l.tags.batch;
    if (ref && open.has(ref) && l.verb !== 'BATCH') open.get(ref)!.lines.push(l);
    // a labeled reply without batch (e.g. FAIL, or an empty ACK)
    const label = l.tags.label;
    if (label && !ref && l.verb !== 'BATCH' && ctx.labelHandlers.has(label)) {
      const fn = ctx.labelHandlers.get(label)!;
      ctx.labelHandlers.delete(label);
      fn([l]);
    }
  });
};
