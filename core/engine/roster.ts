// Server-side contact lists (XMPP roster) into the store. A full roster (tens of thousands at login),
// pushes (possibly tens of thousands in a burst) and removals are applied in arrival order, in chunks
// within time slices, so commands and other accounts keep being served in between.
import type { Contact } from '../history/index';
import type { RosterItem } from '../protocol/types';
import type { AccountRuntime } from './accounts';
import type { EngineContext } from './context';
import { personIdOf } from './views';

/** longest stretch of roster pushes applied before the event loop gets a turn */
const ROSTER_SLICE_MS = 20;

/** roster items applied per step (one transaction each; 500 took 13–130 ms on a loaded machine,
 *  longer than one slice) */
const ROSTER_CHUNK = 200;

/** contacts removed per step (the store commits each removal on its own) */
const REMOVE_CHUNK = 50;

type RosterStep = { rt: AccountRuntime; items: RosterItem[] } | { rt: AccountRuntime; remove: string[] };

export class Roster {
  private queue: RosterStep[] = [];
  private scheduled = false;

  constructor(private readonly ctx: EngineContext) {}

  /**
   * the full roster (at login): applied in chunks like pushes, then the contacts it no longer has
   * are removed — a roster of 50,000 never holds the engine in one pass. What it no longer has is
   * found now, while the account's stored list is as it was (empty at a first login: nothing to read),
   * not by listing 50,000 freshly stored contacts at the end.
   */
  replace(rt: AccountRuntime, items: RosterItem[]) {
    const keep = new Set(items.map((it) => it.id));
    const gone = new Set<string>();
    if (this.ctx.archive.store) for (const c of this.ctx.store.listContacts(rt.account.id)) if (!keep.has(c.address)) gone.add(c.address);
    // pushes still queued for this account are older than the full roster: it decides about them too
    for (const step of this.queue) if (step.rt === rt && 'items' in step) for (const it of step.items) if (!keep.has(it.id)) gone.add(it.id);
    for (let i = 0; i < items.length; i += ROSTER_CHUNK) this.queue.push({ rt, items: items.slice(i, i + ROSTER_CHUNK) });
    this.remove(rt, [...gone]);
    this.schedule();
  }

  /** pushes of one item each (the usual case) join the queued chunk before them: one transaction
   *  and one contacts.changed per person for up to ROSTER_CHUNK of them, order kept (a later push
   *  for the same contact is applied after the earlier one) */
  push(rt: AccountRuntime, items: RosterItem[]) {
    let rest = items;
    const last = this.queue[this.queue.length - 1];
    if (last && last.rt === rt && 'items' in last && last.items.length < ROSTER_CHUNK) {
      const room = ROSTER_CHUNK - last.items.length;
      last.items.push(...rest.slice(0, room)); // queued arrays are our own slices
      rest = rest.slice(room);
    }
    for (let i = 0; i < rest.length; i += ROSTER_CHUNK) this.queue.push({ rt, items: rest.slice(i, i + ROSTER_CHUNK) });
    this.schedule();
  }

  /** a removal waits behind the pushes before it (order kept) and is applied in chunks like them */
  remove(rt: AccountRuntime, ids: string[]) {
    for (let i = 0; i < ids.length; i += REMOVE_CHUNK) this.queue.push({ rt, remove: ids.slice(i, i + REMOVE_CHUNK) });
    this.schedule();
  }

  private schedule() {
    if (this.scheduled) return;
    this.scheduled = true;
    setImmediate(() => {
      this.scheduled = false;
      this.flush(ROSTER_SLICE_MS);
    });
  }

  /** applies queued roster steps in order; with a budget, the rest waits for the next tick */
  flush(budgetMs = Infinity) {
    const end = Date.now() + budgetMs;
    while (this.queue.length) {
      if (Date.now() >= end) {
        this.schedule();
        return;
      }
      const step = this.queue.shift()!;
      if (!this.ctx.archive.store || this.ctx.runtimes.get(step.rt.id) !== step.rt) continue;
      if ('remove' in step) this.removeIds(step.rt, step.remove);
      else this.apply(step.rt, step.items);
    }
  }

  private apply(rt: AccountRuntime, items: RosterItem[]) {
    // the stored rows come back from the upsert: the people are built from them (no lookups)
    const stored = this.ctx.store.upsertContacts(
      items.map((it) => ({ accountId: rt.account.id, address: it.id, ...(it.name !== undefined ? { name: it.name } : {}), groups: it.groups })),
    );
    this.ctx.views.emitPeople(stored);
  }

  private removeIds(rt: AccountRuntime, ids: string[]) {
    for (const id of ids) {
      const c = this.ctx.store.findContact(rt.account.id, id);
      if (c) this.removeContact(c);
    }
  }

  removeContact(c: Contact) {
    this.ctx.store.removeContact(c.id);
    const pid = personIdOf(c);
    this.ctx.emit({ type: 'contacts.removed', payload: { personId: pid } });
    if (c.metacontactId !== null) this.ctx.views.emitPerson(pid);
  }
}
