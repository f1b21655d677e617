/** Accounts, contacts, conversations, unread, settings, gaps and the message rules (ids, dedup, outbox, edits). */
import { afterAll, describe, expect, it } from 'vitest';
import { UsageError } from '../../core/history/index';
import { SEQ } from '../../core/history/store';
import { msg, newStore } from './helpers';

const cleanups: Array<() => void> = [];
afterAll(() => cleanups.forEach((f) => f()));

function setup() {
  const s = newStore('store');
  cleanups.push(s.remove);
  const store = s.store;
  const xmpp = store.addAccount({ protocol: 'xmpp', label: 'Work', config: { jid: 'me@example.org' }, secrets: { password: 'pw1' } });
  const irc = store.addAccount({ protocol: 'irc', label: 'libera', config: { nick: 'me' } });
  const dm = store.ensureConversation(xmpp.id, 'direct', 'bob@example.org');
  const room = store.ensureConversation(irc.id, 'room', '#confab', 'Confab');
  return { store, dir: s.dir, xmpp, irc, dm, room };
}

describe('accounts, contacts, conversations, settings, gaps', () => {
  it('accounts keep config apart from secrets', () => {
    const { store, xmpp } = setup();
    expect(store.getAccount(xmpp.id)).toMatchObject({ protocol: 'xmpp', label: 'Work', config: { jid: 'me@example.org' }, enabled: true });
    expect(JSON.stringify(store.listAccounts())).not.toContain('pw1');
    expect(store.accountSecrets(xmpp.id)).toEqual({ password: 'pw1' });
    store.updateAccount(xmpp.id, { secrets: { password: 'pw2' }, enabled: false });
    expect(store.accountSecrets(xmpp.id)).toEqual({ password: 'pw2' });
    expect(store.getAccount(xmpp.id)!.enabled).toBe(false);
  });

  it('removing an account with history needs deleteHistory', () => {
    const { store, irc, room } = setup();
    store.insertMessage(msg(irc.id, room.id, 'hi'));
    expect(() => store.removeAccount(irc.id)).toThrow(UsageError);
    store.removeAccount(irc.id, { deleteHistory: true });
    expect(store.getAccount(irc.id)).toBeNull();
    expect(store.getConversation(room.id)).toBeNull();
    expect(store.search('hi').hits).toEqual([]);
  });

  it('contacts link into one person across networks; direct conversations know their contact', () => {
    const { store, xmpp, irc, dm } = setup();
    const bobX = store.upsertContact({ accountId: xmpp.id, address: 'bob@example.org', name: 'Bob', groups: ['Friends'] });
    const bobI = store.upsertContact({ accountId: irc.id, address: 'bobby' });
    expect(store.getConversation(dm.id)!.contactId).toBe(bobX.id);
    const meta = store.linkContacts('Bob Builder', [bobX.id, bobI.id]);
    expect(meta.contactIds.sort()).toEqual([bobX.id, bobI.id].sort());
    expect(store.getContact(bobI.id)!.metacontactId).toBe(meta.id);
    store.upsertContact({ accountId: xmpp.id, address: 'bob@example.org', name: 'Robert' });
    expect(store.findContact(xmpp.id, 'bob@example.org')).toMatchObject({ name: 'Robert', groups: ['Friends'] });
    store.unlinkContact(bobI.id);
    store.unlinkContact(bobX.id);
    expect(store.listMetacontacts()).toEqual([]);
  });

  it('conversations are unique per account/kind/address; unread counts follow the read marker forward only', () => {
    const { store, xmpp, dm } = setup();
    expect(store.ensureConversation(xmpp.id, 'direct', 'bob@example.org').id).toBe(dm.id);
    const r = store.insertMessages([msg(xmpp.id, dm.id, 'one'), msg(xmpp.id, dm.id, 'two'), msg(xmpp.id, dm.id, 'mine', { direction: 'out', sender: 'me@example.org', state: 'sent' }), msg(xmpp.id, dm.id, 'three')]);
    expect(store.unreadCount(dm.id)).toBe(3);
    store.markRead(dm.id, r[1]!.id);
    expect(store.unreadCount(dm.id)).toBe(1);
    store.markRead(dm.id, r[0]!.id); // never backwards
    expect(store.unreadCount(dm.id)).toBe(1);
    const list = store.listConversations();
    expect(list.find((c) => c.id === dm.id)).toMatchObject({ unread: 1, lastMessage: { body: 'three' } });
    // most recent activity first (an empty conversation counts from its creation)
    const fresh = store.ensureConversation(xmpp.id, 'direct', 'new@example.org');
    store.insertMessage(msg(xmpp.id, fresh.id, 'now', { serverTime: Date.now() + 1000 }));
    expect(store.listConversations(xmpp.id)[0]!.id).toBe(fresh.id);
  });

  it('settings are JSON values; gaps are recorded and resolved', () => {
    const { store, xmpp, dm } = setup();
    store.setSetting('ui.theme', { dark: true, size: 3 });
    expect(store.getSetting('ui.theme')).toEqual({ dark: true, size: 3 });
    store.deleteSetting('ui.theme');
    expect(store.getSetting('ui.theme')).toBeUndefined();
    const g = store.recordGap({ accountId: xmpp.id, conversationId: dm.id, fromTime: 1000, toTime: 2000, reason: 'MAM unavailable' });
    expect(store.listGaps({ conversationId: dm.id })).toEqual([g]);
    store.resolveGap(g.id);
    expect(store.listGaps()).toEqual([]);
  });
});

describe('messages', () => {
  it('ids sort by server time, also for history imported or caught up later', () => {
    const { store, xmpp, dm } = setup();
    const t = Date.UTC(2024, 0, 10);
    const [late] = store.insertMessages([msg(xmpp.id, dm.id, 'late', { serverTime: t + 5000 })]);
    const [early, same1, same2] = store.insertMessages([
      msg(xmpp.id, dm.id, 'early', { serverTime: t }),
      msg(xmpp.id, dm.id, 'same ms a', { serverTime: t + 1000 }),
      msg(xmpp.id, dm.id, 'same ms b', { serverTime: t + 1000 }),
    ]);
    expect(early!.id).toBe(t * SEQ);
    expect(same2!.id).toBe(same1!.id + 1);
    expect(store.latest(dm.id, 10).map((m) => m.body)).toEqual(['early', 'same ms a', 'same ms b', 'late']);
    expect(late!.id).toBeGreaterThan(same2!.id);
  });

  it('dedup by server id within a conversation (MAM catch-up, reconnect)', () => {
    const { store, xmpp, dm } = setup();
    const a = msg(xmpp.id, dm.id, 'hello', { serverId: 'S1' });
    expect(store.insertMessages([a, { ...a, serverTime: a.serverTime + 50 }])).toEqual([
      { id: a.serverTime * SEQ, status: 'inserted' },
      { id: a.serverTime * SEQ, status: 'duplicate' },
    ]);
    // the same server id in another conversation is another message
    const other = store.ensureConversation(xmpp.id, 'direct', 'carol@example.org');
    expect(store.insertMessage({ ...a, conversationId: other.id }).status).toBe('inserted');
  });

  it('dedup by client id only for own messages; a peer reusing an id cannot suppress messages', () => {
    const { store, xmpp, dm } = setup();
    const mine = msg(xmpp.id, dm.id, 'sent by me', { direction: 'out', sender: 'me@example.org', clientId: 'C1' });
    const [sent] = store.insertMessages([mine]);
    expect(store.getMessage(sent!.id)!.state).toBe('queued');
    // the server echo / carbon / MAM copy carries the same client id and a server id
    const echo = store.insertMessage({ ...mine, serverTime: mine.serverTime + 120, serverId: 'S-echo' });
    expect(echo).toEqual({ id: sent!.id, status: 'duplicate' });
    expect(store.getMessage(sent!.id)).toMatchObject({ serverId: 'S-echo', state: 'sent' });
    // a later MAM copy of it by server id only
    expect(store.insertMessage({ ...mine, clientId: null, serverTime: mine.serverTime + 500, serverId: 'S-echo' }).status).toBe('duplicate');
    // an incoming message from a peer with the same "client id" is stored
    const peer = store.insertMessage(msg(xmpp.id, dm.id, 'peer uses C1', { clientId: 'C1' }));
    expect(peer.status).toBe('inserted');
    expect(store.countMessages(dm.id)).toBe(2);
  });

  it('dedup by content (sender + time + text) for sources without ids; different server ids stay apart', () => {
    const { store, xmpp, dm } = setup();
    const line = msg(xmpp.id, dm.id, 'imported line', { source: 'pidgin-log' });
    const [first] = store.insertMessages([line]);
    expect(store.insertMessage({ ...line }).status).toBe('duplicate');
    // the same message arriving later with a server id fills it in
    expect(store.insertMessage({ ...line, serverId: 'S9', source: null })).toEqual({ id: first!.id, status: 'duplicate' });
    expect(store.getMessage(first!.id)!.serverId).toBe('S9');
    // two genuinely different messages with equal text in the same ms (different server ids)
    expect(store.insertMessage({ ...line, serverId: 'S10' }).status).toBe('inserted');
    // same text, other sender
    expect(store.insertMessage({ ...line, sender: 'carol@example.org' }).status).toBe('inserted');
  });

  it('outbox: queued → sent → delivered | failed | unconfirmed; listOutbox returns what to (re)send', () => {
    const { store, xmpp, irc, dm, room } = setup();
    const out = (conv: number, acc: number, body: string, clientId: string) => msg(acc, conv, body, { direction: 'out', sender: 'me', clientId });
    const [a, b, c] = store.insertMessages([out(dm.id, xmpp.id, 'a', 'ca'), out(dm.id, xmpp.id, 'b', 'cb'), out(room.id, irc.id, 'c', 'cc')]);
    expect(store.listOutbox().map((m) => m.body)).toEqual(['a', 'b', 'c']);
    expect(store.listOutbox(irc.id).map((m) => m.body)).toEqual(['c']);
    store.setState(a!.id, 'sent', 'SA');
    store.setState(a!.id, 'delivered');
    store.setState(b!.id, 'unconfirmed');
    store.setState(c!.id, 'failed');
    expect(store.getMessage(a!.id)).toMatchObject({ state: 'delivered', serverId: 'SA' });
    expect(store.listOutbox().map((m) => m.body)).toEqual(['b']);
    expect(store.findByClientId(xmpp.id, 'cb')!.id).toBe(b!.id);
    expect(() => store.setState(a!.id, 'bogus' as never)).toThrow(UsageError);
    const incoming = store.insertMessage(msg(xmpp.id, dm.id, 'in'));
    expect(() => store.setState(incoming.id, 'sent')).toThrow(/no outgoing message/);
  });

  it('edits replace the text in the index; retractions leave nothing searchable', () => {
    const { store, xmpp, dm } = setup();
    const [m] = store.insertMessages([msg(xmpp.id, dm.id, 'meet at the old harbour')]);
    store.editMessage(m!.id, 'meet at the new station');
    expect(store.search('harbour').hits).toEqual([]);
    expect(store.search('station').hits[0]!.message).toMatchObject({ id: m!.id, editedAt: expect.any(Number) });
    store.retractMessage(m!.id);
    expect(store.search('station').hits).toEqual([]);
    expect(store.getMessage(m!.id)).toMatchObject({ body: '', retractedAt: expect.any(Number) });
  });

  it('paging and context: latest, before, after, messagesAround; catch-up markers', () => {
    const { store, xmpp, dm } = setup();
    const t0 = Date.UTC(2024, 1, 1);
    const res = store.insertMessages(Array.from({ length: 30 }, (_, i) => msg(xmpp.id, dm.id, `m${i}`, { serverTime: t0 + i * 1000, serverId: i % 10 === 9 ? undefined : `s${i}` })));
    const ids = res.map((r) => r.id);
    expect(store.latest(dm.id, 5).map((m) => m.body)).toEqual(['m25', 'm26', 'm27', 'm28', 'm29']);
    expect(store.before(dm.id, ids[10]!, 3).map((m) => m.body)).toEqual(['m7', 'm8', 'm9']);
    expect(store.after(dm.id, ids[10]!, 3).map((m) => m.body)).toEqual(['m11', 'm12', 'm13']);
    expect(store.messagesAround(ids[0]!, 2).map((m) => m.body)).toEqual(['m0', 'm1', 'm2']);
    expect(store.messagesAround(ids[15]!, 2).map((m) => m.body)).toEqual(['m13', 'm14', 'm15', 'm16', 'm17']);
    expect(store.lastServerId(xmpp.id, dm.id)).toBe('s28'); // m29 has none
    expect(store.lastMessageTime(xmpp.id, dm.id)).toBe(t0 + 29_000);
    expect(store.lastMessageTime(xmpp.id)).toBe(t0 + 29_000);
  });

  it('verify() finds a full-text index that disagrees with the messages', () => {
    const { store, xmpp, dm } = setup();
    store.insertMessages([msg(xmpp.id, dm.id, 'plain words'), msg(xmpp.id, dm.id, '漢字のテキスト')]);
    expect(store.verify()).toEqual({ ok: true, problems: [] });
    store.connection.prepare('INSERT INTO messages_fts(rowid, body) VALUES (?, ?)').run(12345, 'a stray entry');
    const v = store.verify();
    expect(v.ok).toBe(false);
    expect(v.problems.join()).toMatch(/full-text index/);
  });

  it('a bad batch is refused as a whole', () => {
    const { store, xmpp, irc, dm } = setup();
    expect(() => store.insertMessages([msg(xmpp.id, dm.id, 'ok'), msg(irc.id, dm.id, 'wrong account for this conversation')])).toThrow(UsageError);
    expect(() => store.insertMessages([msg(xmpp.id, dm.id, 'ok', { serverTime: -5 })])).toThrow(UsageError);
    expect(store.countMessages()).toBe(0);
  });
});
