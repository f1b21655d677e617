// People (metacontacts), pure: grouping identities into persons, merge suggestions, reply routing.
import type { IdentityDTO, MergeSuggestionDTO, PersonDTO, PresenceDTO } from '../../contract/index';
import { bestPresence } from './presence';

export interface PersonSource {
  id: string;
  name: string;
  identities: IdentityDTO[];
  vip: boolean;
  /** preferred identity order for replies: "accountId address" keys */
  order?: string[];
}

export const identityKey = (i: { accountId: string; address: string }) => `${i.accountId} ${i.address}`;

export function toPerson(src: PersonSource): PersonDTO {
  const best = bestPresence(src.identities.map((i) => i.presence)) as PresenceDTO;
  const groups = [...new Set(src.identities.flatMap((i) => i.groups))].sort();
  return { id: src.id, name: src.name, identities: orderIdentities(src.identities, src.order), presence: best, groups, vip: src.vip };
}

export function orderIdentities(ids: IdentityDTO[], order?: string[]): IdentityDTO[] {
  if (!order?.length) return ids;
  const pos = (i: IdentityDTO) => {
    const p = order.indexOf(identityKey(i));
    return p < 0 ? order.length : p;
  };
  return [...ids].sort((a, b) => pos(a) - pos(b));
}

/** where a reply to a person goes: the first identity (in preferred order) that is online, else the first */
export function routeReply(p: { identities: IdentityDTO[] }, accountOnline: (accountId: string) => boolean): IdentityDTO | undefined {
  const usable = p.identities.filter((i) => accountOnline(i.accountId));
  return usable.find((i) => i.presence.show !== 'offline') ?? usable[0] ?? p.identities[0];
}

const localPart = (address: string) => {
  const at = address.indexOf('@');
  return (at > 0 ? address.slice(0, at) : address).toLowerCase();
};
const norm = (s: string) => s.trim().toLowerCase().replace(/[\s._-]+/g, '');

/** persons that probably are the same human: same name, same nick, or same address local part */
export function suggestMerges(people: readonly PersonDTO[], dismissed: ReadonlySet<string> = new Set()): MergeSuggestionDTO[] {
  const out: MergeSuggestionDTO[] = [];
  const seen = new Set<string>();
  const tryAdd = (ids: string[], reason: MergeSuggestionDTO['reason']) => {
    const uniq = [...new Set(ids)].sort();
    if (uniq.length < 2) return;
    const key = uniq.join('|');
    if (seen.has(key) || dismissed.has(key)) return;
    seen.add(key);
    out.push({ personIds: uniq, reason });
  };
  const group = (keyOf: (p: PersonDTO) => string[], reason: MergeSuggestionDTO['reason']) => {
    const by = new Map<string, string[]>();
    for (const p of people) for (const k of new Set(keyOf(p).filter((k) => k.length >= 2))) by.set(k, [...(by.get(k) ?? []), p.id]);
    for (const ids of by.values()) if (ids.length > 1) tryAdd(ids, reason);
  };
  group((p) => [norm(p.name)], 'same-name');
  // an IRC nick equal to another identity's name or local part
  group((p) => p.identities.filter((i) => !i.address.includes('@')).map((i) => norm(i.address)).concat(p.identities.filter((i) => i.address.includes('@')).map((i) => norm(localPart(i.address)))), 'same-nick');
  group((p) => p.identities.filter((i) => i.address.includes('@')).map((i) => localPart(i.address)), 'same-local-part');
  // an IRC services account (what the server vouches for) equal to another identity's nick, local part or account
  group((p) => p.identities.flatMap((i) => [i.account ? `@${norm(i.account)}` : '', `@${norm(i.address.includes('@') ? localPart(i.address) : i.address)}`]).filter((k) => k.length > 1), 'same-account');
  // only suggest across different accounts: two roster entries of one account are two people
  return out.filter((s) => {
    const accounts = s.personIds.map((id) => new Set(people.find((p) => p.id === id)?.identities.map((i) => i.accountId)));
    const all = new Set(accounts.flatMap((a) => [...a]));
    return all.size > 1;
  });
}
