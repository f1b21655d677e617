// Server-side contact lists (XMPP roster) into the store. A full roster (tens of thousands at login)
// and pushes (possibly tens of thousands in a burst) are applied in chunks within time slices, so
// commands and other accounts keep being served in between.
import type { Contact } from '../history/index';
import type { RosterItem } from '../protocol/types';
import type { AccountRuntime } from './accounts';
import type { EngineContext } from './context';
import { personIdOf } from './views';

/** longest stretch of roster pushes applied before the event loop gets a turn */
const ROSTER_SLICE_MS = 20;

/** roster items applied per step (one transaction each) */
const ROSTER_CHUNK = 500;

type RosterStep = { rt: AccountRuntime; items: RosterItem[] } | { rt: AccountRuntime; keep: Set<string> };

export class Roster {
  private queue: RosterStep[] = [];
  private scheduled = false;

  constructor(private readonly ctx: EngineContext) {}

  /**
   * the full roster (at login): applied in chunks like pushes, then the contacts it no longer has
   * are removed — a roster of 50,000 never holds the engine in one pass
   */
  replace(rt: AccountRuntime, items: RosterItem[]) {
    for (let i = 0; i < items.length; i += ROSTER_CHUNK) this.queue.push({ rt, items: items.slice(i, i + ROSTER_CHUNK) });
    this.queue.push({ rt, keep: new Set(items.map((it) => it.id)) });
    this.schedule();
  }

  push(rt: AccountRuntime, items: RosterItem[]) {
    for (let i = 0; i < items.length; i += ROSTER_CHUNK) this.queue.push({ rt, items: items.slice(i, i + ROSTER_CHUNK) });
    this.schedule();
  }

  remove(rt: AccountRuntime, ids: string[]) {
    this.flush();
    for (const id of ids) {
      const c = this.ctx.store.findContact(rt.account.id, id);
      if (c) this.removeContact(c);
    }
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
    const q = this.queue;
    this.queue = [];
    const end = Date.now() + budgetMs;
    for (let i = 0; i < q.length; i++) {
      if (Date.now() >= end) {
        this.queue = q.slice(i).concat(this.queue);
        this.schedule();
        return;
      }
      const step = q[i]!;
      if (!this.ctx.archive.store || this.ctx.runtimes.get(step.rt.id) !== step.rt) continue;
      if ('keep' in step) this.prune(step.rt, step.keep);
      else this.apply(step.rt, step.items);
    }
  }

  private apply(rt: AccountRuntime, items: RosterItem[]) {
    const store = this.ctx.store;
    const seen = new Set<string>();
    store.upsertContacts(
      items.map((it) => {
        seen.add(it.id);
        return { accountId: rt.account.id, address: it.id, ...(it.name !== undefined ? { name: it.name } : {}), groups: it.groups };
      }),
    );
    this.ctx.views.emitPeopleOf(rt, seen);
  }

  private prune(rt: AccountRuntime, keep: Set<string>) {
    for (const c of this.ctx.store.listContacts(rt.account.id)) if (!keep.has(c.address)) this.removeContact(c);
  }

  removeContact(c: Contact) {
    this.ctx.store.removeContact(c.id);
    const pid = personIdOf(c);
    this.ctx.emit({ type: 'contacts.removed', payload: { personId: pid } });
    if (c.metacontactId !== null) this.ctx.views.emitPerson(pid);
  }
}
