/** The roster as the user edits it (RFC 6121): add with a subscription request, remove, rename/regroup, approve, deny. */
import type { ContactsGroup } from '../../core/protocol/types';
import { classifyError } from './errors';
import { rosterRemove, rosterSet } from './roster';
import type { XmppState } from './state';
import { xml } from './xml';

export class XmppContacts {
  constructor(private readonly s: XmppState) {}

  readonly group: ContactsGroup = {
    add: async (id: string, opts?: { name?: string; groups?: string[]; message?: string }) => {
      const jid = this.s.requireBare(id);
      const c = this.s.requireOnline();
      await c.iq.request(rosterSet(jid, opts ?? {}), this.s.cfg.timeoutMs).catch((e: unknown) => { throw classifyError(e); });
      await c.send(xml('presence', { to: jid, type: 'subscribe' }, opts?.message ? xml('status', {}, opts.message) : undefined));
    },
    remove: async (id: string) => {
      const jid = this.s.requireBare(id);
      await this.s.requireOnline().iq.request(rosterRemove(jid), this.s.cfg.timeoutMs).catch((e: unknown) => { throw classifyError(e); });
    },
    update: async (id: string, opts: { name?: string; groups?: string[] }) => {
      const jid = this.s.requireBare(id);
      const cur = this.s.roster.get(jid);
      await this.s.requireOnline().iq.request(rosterSet(jid, { name: opts.name ?? cur?.name, groups: opts.groups ?? cur?.groups ?? [] }), this.s.cfg.timeoutMs).catch((e: unknown) => { throw classifyError(e); });
    },
    approve: async (id: string) => {
      const jid = this.s.requireBare(id);
      const c = this.s.requireOnline();
      await c.send(xml('presence', { to: jid, type: 'subscribed' }));
      const cur = this.s.roster.get(jid);
      if (!cur || (cur.subscription !== 'to' && cur.subscription !== 'both' && !cur.pendingOut)) await c.send(xml('presence', { to: jid, type: 'subscribe' }));
    },
    deny: async (id: string) => {
      await this.s.requireOnline().send(xml('presence', { to: this.s.requireBare(id), type: 'unsubscribed' }));
    },
  };
}
