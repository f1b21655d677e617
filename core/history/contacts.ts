/** Contacts per account, and metacontacts: one person across networks (linkContacts). */
import type { Conn } from './conn';
import { UsageError } from './errors';
import { nonEmpty, toContact, type ContactRow } from './rows';
import type { Contact, ContactInput, Metacontact } from './types';

export class Contacts {
  constructor(private readonly c: Conn) {}

  upsert(input: ContactInput): Contact {
    nonEmpty(input.address, 'address');
    const cur = this.find(input.accountId, input.address);
    if (cur) {
      this.c.run(
        'UPDATE contacts SET name = ?, groups = ? WHERE id = ?',
        input.name !== undefined ? input.name : cur.name,
        JSON.stringify(input.groups ?? cur.groups),
        cur.id,
      );
      return this.get(cur.id)!;
    }
    const r = this.c.run('INSERT INTO contacts(account_id, address, name, groups) VALUES (?, ?, ?, ?)', input.accountId, input.address, input.name ?? null, JSON.stringify(input.groups ?? []));
    const id = Number(r.lastInsertRowid);
    // a direct conversation that already exists gets its contact
    this.c.run("UPDATE conversations SET contact_id = ? WHERE account_id = ? AND kind = 'direct' AND address = ?", id, input.accountId, input.address);
    return this.get(id)!;
  }

  /** many at once, in one transaction (a roster of thousands is one commit, not thousands) */
  upsertMany(inputs: readonly ContactInput[]): Contact[] {
    return this.c.tx(() => inputs.map((i) => this.upsert(i)));
  }

  remove(id: number): void {
    this.c.run('DELETE FROM contacts WHERE id = ?', id);
  }

  get(id: number): Contact | null {
    const r = this.c.get<ContactRow>('SELECT * FROM contacts WHERE id = ?', id);
    return r ? toContact(r) : null;
  }

  find(accountId: number, address: string): Contact | null {
    const r = this.c.get<ContactRow>('SELECT * FROM contacts WHERE account_id = ? AND address = ?', accountId, address);
    return r ? toContact(r) : null;
  }

  list(accountId?: number): Contact[] {
    const rows =
      accountId === undefined
        ? this.c.all<ContactRow>('SELECT * FROM contacts ORDER BY id')
        : this.c.all<ContactRow>('SELECT * FROM contacts WHERE account_id = ? ORDER BY id', accountId);
    return rows.map(toContact);
  }

  /** joins the contacts (and every person they already belong to) into one metacontact named name */
  link(name: string, contactIds: number[]): Metacontact {
    nonEmpty(name, 'name');
    if (contactIds.length === 0) throw new UsageError('linkContacts needs at least one contact');
    return this.c.tx(() => {
      const existing = new Set<number>();
      for (const cid of contactIds) {
        const c = this.get(cid);
        if (!c) throw new UsageError(`no contact ${cid}`);
        if (c.metacontactId !== null) existing.add(c.metacontactId);
      }
      let metaId: number;
      const [firstMeta] = [...existing];
      if (firstMeta !== undefined) {
        metaId = firstMeta;
        this.c.run('UPDATE metacontacts SET name = ? WHERE id = ?', name, metaId);
        for (const other of existing) {
          if (other === metaId) continue;
          this.c.run('UPDATE contacts SET metacontact_id = ? WHERE metacontact_id = ?', metaId, other);
          this.c.run('DELETE FROM metacontacts WHERE id = ?', other);
        }
      } else {
        metaId = Number(this.c.run('INSERT INTO metacontacts(name) VALUES (?)', name).lastInsertRowid);
      }
      for (const cid of contactIds) this.c.run('UPDATE contacts SET metacontact_id = ? WHERE id = ?', metaId, cid);
      return this.listMeta().find((m) => m.id === metaId)!;
    });
  }

  /** takes a contact out of its person; a person left without contacts is removed */
  unlink(contactId: number): void {
    this.c.tx(() => {
      const c = this.get(contactId);
      if (!c || c.metacontactId === null) return;
      this.c.run('UPDATE contacts SET metacontact_id = NULL WHERE id = ?', contactId);
      const left = this.c.get<{ n: number }>('SELECT count(*) AS n FROM contacts WHERE metacontact_id = ?', c.metacontactId)!;
      if (left.n === 0) this.c.run('DELETE FROM metacontacts WHERE id = ?', c.metacontactId);
    });
  }

  listMeta(): Metacontact[] {
    const metas = this.c.all<{ id: number; name: string }>('SELECT id, name FROM metacontacts ORDER BY id');
    const links = this.c.all<{ id: number; metacontact_id: number }>('SELECT id, metacontact_id FROM contacts WHERE metacontact_id IS NOT NULL ORDER BY id');
    return metas.map((m) => ({ id: m.id, name: m.name, contactIds: links.filter((l) => l.metacontact_id === m.id).map((l) => l.id) }));
  }
}
