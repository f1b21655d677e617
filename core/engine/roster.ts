// Server-side contact lists (XMPP roster) into the store. A full roster replaces the account's
// contacts at once; pushes (possibly tens of thousands in a burst) are applied in time slices, so
// commands and other accounts keep being served in between.
import type { Contact } from '../history/index';
import type { RosterItem } from '../protocol/types';
import type { AccountRuntime } from './accounts';
import type { EngineContext } from './context';
import { personIdOf } from './views';

/** longest stretch of roster pushes applied before the event loop gets a turn */
const ROSTER_SLICE_MS = 20;

export class Roster {
  private queue: { rt: AccountRuntime; items: RosterItem[] }[] = [];
  private scheduled = false;

  constructor(private readonly ctx: EngineContext) {}

  replace(rt: AccountRuntime, items: RosterItem[]) {
    this.flush();
    this.apply(rt, items, true);
  }

  push(rt: AccountRuntime, items: RosterItem[]) {
    this.queue.push({ rt, items });
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

  /** applies queued roster pushes in order; with a budget, the rest waits for the next tick */
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
      const { rt, items } = q[i]!;
      if (!this.ctx.archive.store || this.ctx.runtimes.get(rt.id) !== rt) continue;
      this.apply(rt, items, false);
    }
  }

  private apply(rt: AccountRuntime, items: RosterItem[], replace: boolean) {
    const store = this.ctx.store;
    const seen = new Set<string>();
    for (const it of items) {
      seen.add(it.id);
      const c = store.findContact(rt.account.id, it.id);
      store.upsertContact({ accountId: rt.account.id, address: it.id, name: it.name ?? c?.name ?? null, groups: it.groups });
    }
    if (replace) for (const c of store.listContacts(rt.account.id)) if (!seen.has(c.address)) this.removeContact(c);
    this.ctx.views.emitPeopleOf(rt, seen);
  }

  removeContact(c: Contact) {
    this.ctx.store.removeContact(c.id);
    const pid = personIdOf(c);
    this.ctx.emit({ type: 'contacts.removed', payload: { personId: pid } });
    if (c.metacontactId !== null) this.ctx.views.emitPerson(pid);
  }
}
