// Pure stanza parsers on recorded stanzas (shapes as Prosody 0.12 / biboumi / other clients send them).
import { describe, expect, it } from 'vitest';
import { parseCommand, submitCommand } from '../../protocols/xmpp/adhoc';
import { parseBookmarks } from '../../protocols/xmpp/bookmarks';
import { unwrapCarbon } from '../../protocols/xmpp/carbons';
import { chatState } from '../../protocols/xmpp/chatStates';
import { formValue, parseDiscoInfo, parseRegisterFields, registerSet } from '../../protocols/xmpp/disco';
import { buildMamQuery, parseMamFin, parseMamResult } from '../../protocols/xmpp/mam';
import { parseMessage, type MessageContext } from '../../protocols/xmpp/message';
import { parseMucPresence } from '../../protocols/xmpp/muc';
import { aggregate, buildPresence, parsePresence } from '../../protocols/xmpp/presence';
import { isTrustedPush, parseRosterQuery } from '../../protocols/xmpp/roster';
import { delayStamp, originId, trustedStanzaId } from '../../protocols/xmpp/stanzaId';
import { parseSlot } from '../../protocols/xmpp/upload';
import { parseXml } from '../../protocols/xmpp/xml';

const me = 'juliet@capulet.example';
const ctx = (over: Partial<MessageContext> = {}): MessageContext => ({ ownBare: me, now: 1_000, roomNick: () => undefined, ...over });

describe('XMPP stanza parsers', () => {
  it('1:1 message with origin-id, trusted stanza-id, receipt request, chat state and delay', () => {
    const st = parseXml(`<message xmlns='jabber:client' from='romeo@montague.example/orchard' to='${me}' type='chat' id='m1'>
      <body>Art thou not Romeo?</body><request xmlns='urn:xmpp:receipts'/><active xmlns='http://jabber.org/protocol/chatstates'/>
      <origin-id xmlns='urn:xmpp:sid:0' id='de305d54'/><stanza-id xmlns='urn:xmpp:sid:0' id='5f3dbc5e' by='${me}'/>
      <delay xmlns='urn:xmpp:delay' from='capulet.example' stamp='2002-09-10T23:08:25Z'/></message>`);
    const [ev] = parseMessage(st, ctx());
    expect(ev).toEqual({ type: 'message', message: {
      conversation: { kind: 'direct', id: 'romeo@montague.example' }, from: 'romeo@montague.example', body: 'Art thou not Romeo?', kind: 'chat',
      serverTime: Date.parse('2002-09-10T23:08:25Z'), serverTimeTrusted: true, direction: 'in', serverId: '5f3dbc5e', clientId: 'de305d54',
    } });
    expect(originId(st)).toBe('de305d54');
    expect(trustedStanzaId(st, 'romeo@montague.example')).toBeUndefined();
    expect(chatState(st)).toBe('active');
    expect(delayStamp(st)).toBe(Date.parse('2002-09-10T23:08:25Z'));
  });

  it('receipts, typing, /me and message errors', () => {
    const r = parseMessage(parseXml(`<message from='romeo@montague.example/o' to='${me}'><received xmlns='urn:xmpp:receipts' id='abc'/></message>`), ctx());
    expect(r).toEqual([{ type: 'receipt', conversation: { kind: 'direct', id: 'romeo@montague.example' }, clientId: 'abc', status: 'delivered' }]);
    const t = parseMessage(parseXml(`<message from='romeo@montague.example/o' type='chat'><composing xmlns='http://jabber.org/protocol/chatstates'/></message>`), ctx());
    expect(t).toEqual([{ type: 'typing', conversation: { kind: 'direct', id: 'romeo@montague.example' }, from: 'romeo@montague.example', state: 'composing' }]);
    const me1 = parseMessage(parseXml(`<message from='romeo@montague.example/o' type='chat'><body>/me sighs</body></message>`), ctx());
    expect(me1[0]).toMatchObject({ message: { kind: 'action', body: 'sighs' } });
    const err = parseMessage(parseXml(`<message from='romeo@montague.example' type='error' id='x1'><error type='cancel'><item-not-found xmlns='urn:ietf:params:xml:ns:xmpp-stanzas'/><text xmlns='urn:ietf:params:xml:ns:xmpp-stanzas'>gone</text></error></message>`), ctx());
    expect(err[0]).toMatchObject({ type: 'receipt', clientId: 'x1', status: 'failed', error: { code: 'item-not-found', message: 'gone' } });
  });

  it('carbons: accepted only from the own bare JID', () => {
    const wrap = (from: string) => parseXml(`<message from='${from}' to='${me}/balcony'><received xmlns='urn:xmpp:carbons:2'><forwarded xmlns='urn:xmpp:forward:0'><message from='romeo@montague.example/h' to='${me}/garden' type='chat'><body>x</body></message></forwarded></received></message>`);
    expect(unwrapCarbon(wrap(me), me)).toMatchObject({ kind: 'received' });
    expect(unwrapCarbon(wrap('romeo@montague.example'), me)).toMatchObject({ kind: 'forged' });
    expect(unwrapCarbon(wrap(`${me}/evil`), me)).toMatchObject({ kind: 'forged' });
    expect(unwrapCarbon(parseXml(`<message from='${me}'><sent xmlns='urn:xmpp:carbons:2'/></message>`), me)).toMatchObject({ kind: 'forged' });
    expect(unwrapCarbon(parseXml(`<message from='${me}'><body>plain</body></message>`), me)).toBeNull();
    const sent = parseXml(`<message from='${me}/garden' to='romeo@montague.example' type='chat' id='o1'><body>out</body></message>`);
    expect(parseMessage(sent, ctx({ carbon: 'sent' }))[0]).toMatchObject({ message: { direction: 'out', conversation: { id: 'romeo@montague.example' }, clientId: 'o1' } });
  });

  it('group chat: room stanza-id trusted by the room, own echo is out, subject is a topic, invitations', () => {
    const room = 'coven@chat.shakespeare.lit';
    const g = parseXml(`<message from='${room}/thirdwitch' type='groupchat'><body>Harpier cries</body><stanza-id xmlns='urn:xmpp:sid:0' by='${room}' id='r1'/><stanza-id xmlns='urn:xmpp:sid:0' by='${me}' id='fake'/></message>`);
    expect(parseMessage(g, ctx({ roomNick: () => 'thirdwitch' }))[0]).toMatchObject({ message: { serverId: 'r1', direction: 'out', from: `${room}/thirdwitch`, fromName: 'thirdwitch' } });
    expect(parseMessage(g, ctx({ roomNick: () => 'other' }))[0]).toMatchObject({ message: { direction: 'in' } });
    const s = parseXml(`<message from='${room}/secondwitch' type='groupchat'><subject>Fire Burn</subject></message>`);
    expect(parseMessage(s, ctx())).toEqual([{ type: 'topic', roomId: room, topic: 'Fire Burn', by: 'secondwitch' }]);
    const med = parseXml(`<message from='${room}' to='${me}'><x xmlns='http://jabber.org/protocol/muc#user'><invite from='crone1@shakespeare.lit/desktop'><reason>Hey Hecate</reason></invite><password>cauldronburn</password></x></message>`);
    expect(parseMessage(med, ctx())).toEqual([{ type: 'invite', roomId: room, from: 'crone1@shakespeare.lit', reason: 'Hey Hecate', password: 'cauldronburn' }]);
    const dir = parseXml(`<message from='crone1@shakespeare.lit/desktop' to='${me}'><x xmlns='jabber:x:conference' jid='${room}' password='cauldronburn' reason='Hey Hecate'/></message>`);
    expect(parseMessage(dir, ctx())).toEqual([{ type: 'invite', roomId: room, from: 'crone1@shakespeare.lit', reason: 'Hey Hecate', password: 'cauldronburn' }]);
  });

  it('a private message from a room occupant is a conversation with room/nick', () => {
    const pm = parseXml(`<message from='coven@chat.shakespeare.lit/firstwitch' to='${me}/x' type='chat'><body>psst</body></message>`);
    expect(parseMessage(pm, ctx({ roomNick: (r) => (r === 'coven@chat.shakespeare.lit' ? 'me' : undefined) }))[0]).toMatchObject({
      message: { conversation: { kind: 'direct', id: 'coven@chat.shakespeare.lit/firstwitch' }, from: 'coven@chat.shakespeare.lit/firstwitch' },
    });
  });

  it('MUC presence: roles, self, nick change, kick', () => {
    const p = parseMucPresence(parseXml(`<presence from='coven@chat.shakespeare.lit/thirdwitch'><x xmlns='http://jabber.org/protocol/muc#user'><item affiliation='admin' role='moderator' jid='hag66@shakespeare.lit/pda'/><status code='110'/></x></presence>`))!;
    expect(p.occupant).toEqual({ nick: 'thirdwitch', id: 'hag66@shakespeare.lit', role: 'moderator', affiliation: 'admin' });
    expect(p.codes.has('110')).toBe(true);
    const nick = parseMucPresence(parseXml(`<presence from='coven@chat.shakespeare.lit/thirdwitch' type='unavailable'><x xmlns='http://jabber.org/protocol/muc#user'><item affiliation='member' nick='oldhag' role='participant'/><status code='303'/></x></presence>`))!;
    expect(nick).toMatchObject({ unavailable: true, newNick: 'oldhag' });
    const kick = parseMucPresence(parseXml(`<presence from='harfleur@chat.shakespeare.lit/pistol' type='unavailable'><x xmlns='http://jabber.org/protocol/muc#user'><item affiliation='none' role='none'><actor nick='Fluellen'/><reason>Avaunt, you cullion!</reason></item><status code='307'/></x></presence>`))!;
    expect(kick).toMatchObject({ actor: 'Fluellen', reason: 'Avaunt, you cullion!' });
    expect(parseMucPresence(parseXml(`<presence from='romeo@montague.example/x'/>`))).toBeNull();
  });

  it('roster: items, removal, push trust', () => {
    const q = parseXml(`<query xmlns='jabber:iq:roster' ver='v2'><item jid='romeo@example.net' name='Romeo' subscription='both'><group>Friends</group><group>Friends</group></item><item jid='nurse@example.com' subscription='none' ask='subscribe'/><item jid='bad@@x'/><item jid='gone@example.com' subscription='remove'/></query>`);
    const r = parseRosterQuery(q);
    expect(r.items).toEqual([{ id: 'romeo@example.net', name: 'Romeo', groups: ['Friends'], subscription: 'both' }, { id: 'nurse@example.com', groups: [], subscription: 'none', pendingOut: true }]);
    expect(r.removed).toEqual(['gone@example.com']);
    expect(isTrustedPush(parseXml(`<iq type='set'/>`), me)).toBe(true);
    expect(isTrustedPush(parseXml(`<iq type='set' from='${me}'/>`), me)).toBe(true);
    expect(isTrustedPush(parseXml(`<iq type='set' from='romeo@example.net'/>`), me)).toBe(false);
    expect(isTrustedPush(parseXml(`<iq type='set' from='capulet.example'/>`), me)).toBe(false);
  });

  it('presence: show, status, priority, idle; build; aggregate', () => {
    const p = parsePresence(parseXml(`<presence from='romeo@example.net/orchard'><show>xa</show><status>down the rabbit hole</status><priority>-1</priority><idle xmlns='urn:xmpp:idle:1' since='1969-07-21T02:56:15Z'/></presence>`));
    expect(p).toEqual({ kind: 'available', presence: { show: 'xa', status: 'down the rabbit hole', priority: -1, idleSince: Date.parse('1969-07-21T02:56:15Z') } });
    expect(parsePresence(parseXml(`<presence type='subscribe'><status>add me</status></presence>`))).toEqual({ kind: 'subscribe', status: 'add me' });
    expect(buildPresence({ show: 'dnd', status: 'busy', priority: 500 }).toString()).toBe('<presence><show>dnd</show><status>busy</status><priority>127</priority></presence>');
    expect(buildPresence({ show: 'invisible' }).toString()).toBe('<presence/>');
    expect(aggregate([{ show: 'away', priority: 1 }, { show: 'chat', priority: 0 }, { show: 'dnd', priority: 1 }])).toEqual({ show: 'away', priority: 1 });
    expect(aggregate([])).toEqual({ show: 'offline' });
  });

  it('MAM: query, results only from the asked archive, fin with RSM', () => {
    expect(buildMamQuery({ queryId: 'q1', with: 'romeo@example.net', max: 10 }).toString()).toContain('<before/>');
    expect(buildMamQuery({ queryId: 'q1', max: 10, after: '28482' }).toString()).toContain('<after>28482</after>');
    const res = parseXml(`<message to='${me}/x'><result xmlns='urn:xmpp:mam:2' queryid='q1' id='28482-98726-73623'><forwarded xmlns='urn:xmpp:forward:0'><delay xmlns='urn:xmpp:delay' stamp='2010-07-10T23:08:25Z'/><message to='${me}' from='witch@shakespeare.lit' type='chat'><body>Hail to thee</body></message></forwarded></result></message>`);
    expect(parseMamResult(res, 'q1', me)).toMatchObject({ id: '28482-98726-73623', stamp: Date.parse('2010-07-10T23:08:25Z') });
    expect(parseMamResult(res, 'other', me)).toBeNull();
    res.attrs.from = 'witch@shakespeare.lit';
    expect(parseMamResult(res, 'q1', me)).toBe('forged');
    const fin = parseXml(`<iq type='result'><fin xmlns='urn:xmpp:mam:2' complete='true'><set xmlns='http://jabber.org/protocol/rsm'><first index='0'>a1</first><last>a9</last></set></fin></iq>`);
    expect(parseMamFin(fin)).toEqual({ complete: true, first: 'a1', last: 'a9' });
  });

  it('disco, XEP-0077 registration forms, upload slots, bookmarks, ad-hoc forms', () => {
    const info = parseDiscoInfo(parseXml(`<query xmlns='http://jabber.org/protocol/disco#info'><identity category='gateway' type='irc' name='IRC'/><feature var='jabber:iq:register'/><x xmlns='jabber:x:data' type='result'><field var='FORM_TYPE' type='hidden'><value>urn:xmpp:http:upload:0</value></field><field var='max-file-size'><value>5242880</value></field></x></query>`));
    expect(info.identities).toEqual([{ category: 'gateway', type: 'irc', name: 'IRC' }]);
    expect(formValue(info.forms, 'urn:xmpp:http:upload:0', 'max-file-size')).toBe('5242880');
    const reg = parseRegisterFields(parseXml(`<query xmlns='jabber:iq:register'><instructions>Enter your ICQ number</instructions><username/><password/></query>`));
    expect(reg).toEqual({ registered: false, instructions: 'Enter your ICQ number', fields: ['username', 'password'] });
    expect(registerSet('icq.example', { username: '123', password: 'pw' }).toString()).toContain('<username>123</username><password>pw</password>');
    const slot = parseSlot(parseXml(`<slot xmlns='urn:xmpp:http:upload:0'><put url='https://up.example/a/b.jpg'><header name='Authorization'>Basic x</header><header name='X-Evil'>y</header><header name='Cookie'>a&#10;b</header></put><get url='https://dl.example/a/b.jpg'/></slot>`));
    expect(slot).toEqual({ put: 'https://up.example/a/b.jpg', get: 'https://dl.example/a/b.jpg', headers: { authorization: 'Basic x' } });
    expect(parseSlot(parseXml(`<slot xmlns='urn:xmpp:http:upload:0'><put url='file:///etc/passwd'/><get url='https://x'/></slot>`))).toBeNull();
    const bm = parseBookmarks(parseXml(`<pubsub xmlns='http://jabber.org/protocol/pubsub'><items node='urn:xmpp:bookmarks:1'><item id='theplay@conference.shakespeare.lit'><conference xmlns='urn:xmpp:bookmarks:1' name='The Play' autojoin='true'><nick>JC</nick></conference></item><item id='not a jid@@'/></items></pubsub>`));
    expect(bm).toEqual([{ room: 'theplay@conference.shakespeare.lit', name: 'The Play', nick: 'JC', autojoin: true }]);
    const step = parseCommand(parseXml(`<command xmlns='http://jabber.org/protocol/commands' sessionid='s1' status='executing'><x xmlns='jabber:x:data' type='form'><field var='ports' type='text-multi'><value>6667</value></field><field var='verify_cert' type='boolean'><value>true</value></field></x></command>`));
    expect(step.fields.map((f) => [f.var, f.values])).toEqual([['ports', ['6667']], ['verify_cert', ['true']]]);
    expect(submitCommand('gw', 'configure', step, { ports: ['7000', '7001'] }).toString()).toContain('<field var="ports"><value>7000</value><value>7001</value></field><field var="verify_cert"><value>true</value></field>');
  });
});
