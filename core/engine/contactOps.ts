// contacts.* and people.*: the unified contact list, subscriptions, and metacontacts (merge, split,
// rename, reply order, VIP).
import { ContractError, type PersonDTO } from '../../contract/index';
import { K } from './keys';
import type { EngineContext } from './context';
import { toErrorInfo } from './dto';
import type { HandlerFamily } from './handlers';
import { identityKey, suggestMerges } from './people';
import { personIdOf } from './views';

export const contactOps: HandlerFamily = (ctx: EngineContext) => {
  const setVipPeople = (people: Set<string>) => {
    ctx.settings = { ...ctx.settings, breakthrough: { ...ctx.settings.breakthrough, people: [...people] } };
    ctx.store.setSetting(K.settings, ctx.settings);
  };
  const changedPerson = (pid: string) => {
    const p = ctx.views.requirePerson(pid);
    ctx.emit({ type: 'contacts.changed', payload: p });
    return p;
  };
  return {
    'contacts.list': () => ctx.views.allPeople(),
    'contacts.add': async ({ accountId, address, name, groups, message }) => {
      const rt = ctx.onlineRt(accountId);
      const v = rt.adapter!.normalize(address);
      if (!v.ok) throw new ContractError('invalid', v.error, { address: v.error });
      if (!rt.adapter!.contacts) throw new ContractError('unsupported', 'this network has no contact list');
      await rt.adapter!.contacts.add(v.normalized, { ...(name ? { name } : {}), ...(groups ? { groups } : {}), ...(message ? { message } : {}) }).catch((e) => {
        throw new ContractError('protocol', toErrorInfo(e).message);
      });
      ctx.store.upsertContact({ accountId: rt.account.id, address: v.normalized, name: name ?? null, groups: groups ?? [] });
      ctx.views.emitPeopleOf(rt, new Set([v.normalized]));
      return null;
    },
    'contacts.remove': async ({ accountId, address }) => {
      const rt = ctx.rt(accountId);
      if (rt.online && rt.adapter?.contacts) await rt.adapter.contacts.remove(address).catch((e) => ctx.log.warn('contact remove failed', { err: toErrorInfo(e).message }));
      const c = ctx.store.findContact(rt.account.id, address);
      if (c) ctx.roster.removeContact(c);
      return null;
    },
    'contacts.update': async ({ accountId, address, name, groups }) => {
      const rt = ctx.rt(accountId);
      if (rt.online && rt.adapter?.contacts) await rt.adapter.contacts.update(address, { ...(name !== undefined ? { name } : {}), ...(groups ? { groups } : {}) }).catch(() => {});
      const c = ctx.store.findContact(rt.account.id, address);
      ctx.store.upsertContact({ accountId: rt.account.id, address, name: name ?? c?.name ?? null, groups: groups ?? c?.groups ?? [] });
      ctx.views.emitPeopleOf(rt, new Set([address]));
      return null;
    },
    'contacts.approve': async ({ accountId, address }) => {
      const rt = ctx.onlineRt(accountId);
      if (!rt.adapter!.contacts) throw new ContractError('unsupported', 'this network has no subscriptions');
      await rt.adapter!.contacts.approve(address);
      return null;
    },
    'contacts.deny': async ({ accountId, address }) => {
      const rt = ctx.onlineRt(accountId);
      if (!rt.adapter!.contacts) throw new ContractError('unsupported', 'this network has no subscriptions');
      await rt.adapter!.contacts.deny(address);
      return null;
    },
    'people.merge': ({ personIds }) => {
      const s = ctx.store;
      const people = personIds.map((pid) => ctx.views.requirePerson(pid));
      if (people.some((p) => p.identities.some((i) => i.source === 'room'))) throw new ContractError('invalid', 'add the people you met in a room to your contacts before merging them');
      const contactIds = people.flatMap((p) => p.identities.map((i) => s.findContact(Number(i.accountId), i.address)?.id)).filter((x): x is number => x !== undefined);
      const mc = s.linkContacts(people[0]!.name, contactIds);
      const pid = `m${mc.id}`;
      const meta = ctx.views.peopleMeta();
      if (people.some((p) => p.vip)) {
        meta.vip = [...new Set([...meta.vip, pid])];
        setVipPeople(new Set([...ctx.settings.breakthrough.people, pid]));
      }
      meta.order[pid] = people.flatMap((p) => p.identities.map(identityKey));
      s.setSetting(K.people, meta);
      for (const p of people) if (p.id !== pid) ctx.emit({ type: 'contacts.removed', payload: { personId: p.id } });
      const merged = ctx.views.personById(pid)!;
      ctx.emit({ type: 'contacts.changed', payload: merged });
      return merged;
    },
    'people.split': ({ personId, accountId, address }) => {
      const s = ctx.store;
      const c = s.findContact(Number(accountId), address);
      if (!c || personIdOf(c) !== personId) throw new ContractError('not-found', 'that identity is not part of this person');
      s.unlinkContact(c.id);
      const out = [ctx.views.personById(personId), ctx.views.personById(`c${c.id}`)].filter((p): p is PersonDTO => !!p);
      if (!ctx.views.personById(personId)) ctx.emit({ type: 'contacts.removed', payload: { personId } });
      for (const p of out) ctx.emit({ type: 'contacts.changed', payload: p });
      return out;
    },
    // room people are not stored: they cannot be merged (yet), so they are not suggested
    'people.suggestions': () => suggestMerges(ctx.views.allPeople().filter((p) => !p.identities.some((i) => i.source === 'room'))),
    'people.rename': ({ personId, name }) => {
      const s = ctx.store;
      if (personId.startsWith('m')) {
        const mc = s.listMetacontacts().find((m) => `m${m.id}` === personId);
        if (!mc) throw new ContractError('not-found', `no person ${personId}`);
        s.linkContacts(name, mc.contactIds);
      } else {
        const c = s.getContact(Number(personId.slice(1)));
        if (!c) throw new ContractError('not-found', `no person ${personId}`);
        s.upsertContact({ accountId: c.accountId, address: c.address, name, groups: c.groups });
      }
      return changedPerson(personId);
    },
    'people.setOrder': ({ personId, identities }) => {
      const meta = ctx.views.peopleMeta();
      meta.order[personId] = identities.map(identityKey);
      ctx.store.setSetting(K.people, meta);
      return changedPerson(personId);
    },
    'people.setVip': ({ personId, vip }) => {
      const people = new Set(ctx.settings.breakthrough.people);
      if (vip) people.add(personId);
      else people.delete(personId);
      setVipPeople(people);
      return changedPerson(personId);
    },
  };
};
