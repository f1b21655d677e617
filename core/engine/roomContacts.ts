// People seen in joined rooms, in the unified contact list: derived from the live occupant lists
// (never stored as roster contacts), with presence from the room (present, or away where the room
// tells). An occupant whose address is a stored contact of the same account is that contact: it
// is not listed twice, the contact gets the room presence when nothing better is known.
// Bounded: rooms with more than ROOM_LISTED_MAX occupants add no one (a channel of thousands is
// not a list of people you know), and at most ROOM_PEOPLE_MAX room people are listed in all.
import type { IdentityDTO, PersonDTO, PresenceDTO } from '../../contract/index';
import type { AccountRuntime } from './accounts';
import type { EngineContext } from './context';
import { toPerson } from './people';

export const ROOM_LISTED_MAX = 200;
export const ROOM_PEOPLE_MAX = 2000;
const PREFIX = 'r';

interface RoomPerson {
  address: string;
  nick: string;
  /** names of the rooms they are in (shown as their groups) */
  rooms: string[];
  away: boolean;
  account?: string;
  realName?: string;
}

export class RoomContacts {
  constructor(private readonly ctx: EngineContext) {}

  static personId(accountId: string, address: string): string {
    return `${PREFIX}${accountId}:${address}`;
  }

  private self(rt: AccountRuntime): Set<string> {
    const own = new Set<string>();
    if (rt.self) own.add(rt.self.split('/')[0]!.toLowerCase());
    if (rt.nick) own.add(rt.nick.toLowerCase());
    return own;
  }

  /** address → room person, for one account (rooms over the size bound skipped) */
  private collect(rt: AccountRuntime): Map<string, RoomPerson> {
    const out = new Map<string, RoomPerson>();
    if (!rt.online) return out;
    const own = this.self(rt);
    for (const [roomId, r] of rt.rooms) {
      if (r.occupants.size > ROOM_LISTED_MAX) continue;
      const roomName = r.info.name ?? roomId;
      for (const o of r.occupants.values()) {
        // an anonymous room hides real addresses: nobody to list
        if (!o.id || o.nick === r.info.nick || own.has(o.id.toLowerCase())) continue;
        const p = out.get(o.id);
        if (p) {
          if (!p.rooms.includes(roomName)) p.rooms.push(roomName);
          p.away &&= !!o.away;
        } else out.set(o.id, { address: o.id, nick: o.nick, rooms: [roomName], away: !!o.away, ...(o.account !== undefined ? { account: o.account } : {}), ...(o.realName ? { realName: o.realName } : {}) });
      }
    }
    return out;
  }

  private presence(p: RoomPerson): PresenceDTO {
    return { show: p.away ? 'away' : 'available' };
  }

  private toDTO(rt: AccountRuntime, p: RoomPerson): PersonDTO {
    const identity: IdentityDTO = { accountId: rt.id, address: p.address, name: p.nick, groups: [...p.rooms].sort(), presence: this.presence(p), source: 'room', ...(p.account !== undefined ? { account: p.account } : {}), ...(p.realName ? { realName: p.realName } : {}) };
    return toPerson({ id: RoomContacts.personId(rt.id, p.address), name: p.nick, vip: false, identities: [identity] });
  }

  private isStored(rt: AccountRuntime, address: string): boolean {
    return !!this.ctx.store.findContact(rt.account.id, address);
  }

  /** every room person not already a stored contact, bounded */
  list(): PersonDTO[] {
    const out: PersonDTO[] = [];
    for (const rt of this.ctx.runtimes.values()) {
      for (const p of this.collect(rt).values()) {
        if (out.length >= ROOM_PEOPLE_MAX) return out;
        if (!this.isStored(rt, p.address)) out.push(this.toDTO(rt, p));
      }
    }
    return out;
  }

  personById(pid: string): PersonDTO | null {
    if (!pid.startsWith(PREFIX)) return null;
    const sep = pid.indexOf(':');
    const rt = this.ctx.runtimes.get(pid.slice(PREFIX.length, sep));
    if (sep < 0 || !rt) return null;
    const p = this.collect(rt).get(pid.slice(sep + 1));
    return p && !this.isStored(rt, p.address) ? this.toDTO(rt, p) : null;
  }

  /** room presence of a stored contact (used when the roster/MONITOR says nothing) */
  presenceOf(rt: AccountRuntime, address: string): PresenceDTO | null {
    for (const r of rt.rooms.values()) {
      if (r.occupants.size > ROOM_LISTED_MAX) continue;
      for (const o of r.occupants.values()) if (o.id === address) return { show: o.away ? 'away' : 'available' };
    }
    return null;
  }

  /** account id → address → what the hosts were last told (to send only differences) */
  private readonly told = new Map<string, Map<string, string>>();
  /** "account NL room" of rooms over the size bound at the last refresh */
  private readonly big = new Set<string>();

  /** after a change of rooms or occupants (or a lost link): tells the hosts who appeared, changed or left */
  refresh(rt: AccountRuntime, roomId?: string) {
    if (!this.ctx.live) return;
    // a change inside a room too big to be listed changes nobody
    const r = roomId !== undefined ? rt.rooms.get(roomId) : undefined;
    if (r) {
      const key = `${rt.id}\n${roomId}`;
      const big = r.occupants.size > ROOM_LISTED_MAX;
      const wasBig = this.big.has(key);
      if (big) this.big.add(key);
      else this.big.delete(key);
      if (big && wasBig) return;
    }
    const before = this.told.get(rt.id) ?? new Map<string, string>();
    const now = new Map<string, string>();
    const stored = new Set<string>();
    for (const [address, p] of this.collect(rt)) {
      const sig = `${p.nick}\n${p.away}\n${p.rooms.join('\n')}`;
      now.set(address, sig);
      if (before.get(address) === sig) continue;
      if (this.isStored(rt, address)) stored.add(address);
      else this.ctx.emit({ type: 'contacts.changed', payload: this.toDTO(rt, p) });
    }
    for (const address of before.keys()) {
      if (now.has(address)) continue;
      if (this.isStored(rt, address)) stored.add(address);
      else this.ctx.emit({ type: 'contacts.removed', payload: { personId: RoomContacts.personId(rt.id, address) } });
    }
    this.told.set(rt.id, now);
    // stored contacts whose room presence changed
    if (stored.size) this.ctx.views.emitPeopleOf(rt, stored);
  }
}
