import { describe, expect, it } from 'vitest';
import { accountServer, findUriInArgv, joinValues, parseUri, routeUri, type RoutableAccount } from '../../electron/uri';

describe('xmpp: links (RFC 5122)', () => {
  it('opens a chat', () => {
    expect(parseUri('xmpp:Alice@Example.org')).toEqual({ protocol: 'xmpp', action: 'message', jid: 'alice@example.org' });
    expect(parseUri('xmpp:alice@example.org?message;body=Hello%20there')).toEqual({ protocol: 'xmpp', action: 'message', jid: 'alice@example.org', body: 'Hello there' });
  });
  it('joins a room, with a password', () => {
    expect(parseUri('xmpp:team@conference.example.org?join')).toEqual({ protocol: 'xmpp', action: 'join', room: 'team@conference.example.org' });
    expect(parseUri('xmpp:team@conference.example.org?join;password=s%3Bcret')).toEqual({ protocol: 'xmpp', action: 'join', room: 'team@conference.example.org', password: 's;cret' });
  });
  it('adds a contact', () => {
    expect(parseUri('xmpp:bob@example.org?roster;name=Bob%20B')).toEqual({ protocol: 'xmpp', action: 'subscribe', jid: 'bob@example.org', name: 'Bob B' });
    expect(parseUri('xmpp:bob@example.org?subscribe')).toEqual({ protocol: 'xmpp', action: 'subscribe', jid: 'bob@example.org' });
  });
  it('ignores the authority and unknown query types', () => {
    expect(parseUri('xmpp://me@mine.example/alice@example.org?message')).toEqual({ protocol: 'xmpp', action: 'message', jid: 'alice@example.org' });
    expect(parseUri('xmpp:alice@example.org?remove')).toEqual({ protocol: 'xmpp', action: 'message', jid: 'alice@example.org' });
  });
  it('decodes percent-encoded JIDs', () => {
    expect(parseUri('xmpp:caf%C3%A9@example.org')).toEqual({ protocol: 'xmpp', action: 'message', jid: 'café@example.org' });
  });
  it.each(['xmpp:', 'xmpp:@example.org', 'xmpp:a b@example.org', 'xmpp:alice@', 'xmpp:alice@exa mple.org', 'xmpp:alice@example..org', 'xmpp:%E0%A4%A', 'xmpp:<script>@x', 'xmpp:alice@example.org\n', 'xmpp:alice@example.org/'])(
    'refuses %j',
    (u) => expect(parseUri(u)).toBeNull(),
  );
});

describe('irc: links', () => {
  it('joins a channel written in the fragment, the path or percent-encoded', () => {
    const join = { protocol: 'irc', action: 'join', host: 'irc.libera.chat', port: 6667, tls: false, channel: '#confab' };
    expect(parseUri('irc://irc.libera.chat/#confab')).toEqual(join);
    expect(parseUri('irc://irc.libera.chat/confab')).toEqual(join);
    expect(parseUri('irc://irc.libera.chat/%23confab')).toEqual(join);
    expect(parseUri('irc://IRC.Libera.Chat:6667/%23confab')).toEqual(join);
  });
  it('uses TLS and its port for ircs:', () => {
    expect(parseUri('ircs://irc.libera.chat/#confab')).toMatchObject({ tls: true, port: 6697, channel: '#confab' });
    expect(parseUri('ircs://irc.example.net:7000/&local')).toMatchObject({ tls: true, port: 7000, channel: '&local' });
  });
  it('passes a channel key', () => {
    expect(parseUri('irc://irc.example.net/secret?key=hunter2')).toMatchObject({ action: 'join', channel: '#secret', key: 'hunter2' });
  });
  it('opens a query with a nick and connects to a bare server', () => {
    expect(parseUri('irc://irc.example.net/alice,isnick')).toEqual({ protocol: 'irc', action: 'message', host: 'irc.example.net', port: 6667, tls: false, nick: 'alice' });
    expect(parseUri('irc://irc.example.net')).toEqual({ protocol: 'irc', action: 'connect', host: 'irc.example.net', port: 6667, tls: false });
    expect(parseUri('irc://irc.example.net/')).toEqual({ protocol: 'irc', action: 'connect', host: 'irc.example.net', port: 6667, tls: false });
  });
  it.each(['irc://', 'irc://user:pw@irc.example.net/x', 'irc://irc.example.net:0/x', 'irc://irc.example.net:99999/x', 'irc://irc.example.net/%23a%20b', 'irc://irc.example.net/%23a%07b', 'irc://irc.example.net/#chan,isnick', 'irc://ex_ample/x', 'http://irc.example.net/x'])(
    'refuses %j',
    (u) => expect(parseUri(u)).toBeNull(),
  );
});

describe('links on the command line', () => {
  it('finds the link a second instance was started with', () => {
    expect(findUriInArgv(['/usr/bin/confab', '--no-sandbox', 'xmpp:alice@example.org'])).toBe('xmpp:alice@example.org');
    expect(findUriInArgv(['confab.exe', 'IRCS://irc.example.net/#x'])).toBe('IRCS://irc.example.net/#x');
    expect(findUriInArgv(['confab', '--flag', 'file:///x'])).toBeNull();
  });
});

describe('routing a link to an account', () => {
  const accounts: RoutableAccount[] = [
    { id: 'x1', protocol: 'xmpp', server: 'work.example', online: false },
    { id: 'x2', protocol: 'xmpp', server: 'example.org', online: true },
    { id: 'i1', protocol: 'irc', server: 'irc.libera.chat', online: true },
    { id: 'i2', protocol: 'irc', server: 'irc.example.net', online: false },
  ];
  it('IRC goes only to an account on the same server', () => {
    expect(routeUri(parseUri('ircs://irc.libera.chat/#confab')!, accounts)).toMatchObject({ kind: 'account', accountId: 'i1' });
    expect(routeUri(parseUri('irc://irc.example.net/x')!, accounts)).toMatchObject({ kind: 'account', accountId: 'i2' });
    expect(routeUri(parseUri('irc://irc.oftc.net/#debian')!, accounts)).toMatchObject({ kind: 'needs-account', intent: { host: 'irc.oftc.net', channel: '#debian' } });
  });
  it('XMPP prefers an online account, then one on the same domain', () => {
    expect(routeUri(parseUri('xmpp:carol@elsewhere.example')!, accounts)).toMatchObject({ kind: 'account', accountId: 'x2' });
    expect(routeUri(parseUri('xmpp:dave@work.example')!, [accounts[0]!, { ...accounts[1]!, online: false }])).toMatchObject({ kind: 'account', accountId: 'x1' });
    expect(routeUri(parseUri('xmpp:room@conference.work.example?join')!, [accounts[0]!, { ...accounts[1]!, online: false }])).toMatchObject({ kind: 'account', accountId: 'x1' });
  });
  it('asks for an account when there is none of that protocol', () => {
    expect(routeUri(parseUri('xmpp:alice@example.org')!, accounts.filter((a) => a.protocol === 'irc'))).toMatchObject({ kind: 'needs-account' });
  });
});

describe('join form values and account servers', () => {
  const xmppFields = [
    { key: 'room', type: 'text' as const },
    { key: 'nick', type: 'text' as const },
    { key: 'password', type: 'password' as const },
    { key: 'bookmark', type: 'boolean' as const, default: false },
  ];
  const ircFields = [
    { key: 'channel', type: 'text' as const },
    { key: 'key', type: 'password' as const },
  ];
  it('fills the protocol join form from a link', () => {
    expect(joinValues(xmppFields, parseUri('xmpp:team@conference.example.org?join;password=pw')!)).toEqual({ room: 'team@conference.example.org', password: 'pw', bookmark: false });
    expect(joinValues(ircFields, parseUri('ircs://irc.libera.chat/#confab')!)).toEqual({ channel: '#confab' });
    expect(joinValues(ircFields, parseUri('irc://irc.example.net/secret?key=k1')!)).toEqual({ channel: '#secret', key: 'k1' });
    expect(joinValues(xmppFields, parseUri('xmpp:alice@example.org')!)).toBeNull();
  });
  it('reads the server of an account', () => {
    expect(accountServer({ jid: 'Me@Example.org/desk', server: '127.0.0.1' }, 'xmpp')).toBe('example.org');
    expect(accountServer({ server: 'IRC.Libera.Chat', nick: 'me' }, 'irc')).toBe('irc.libera.chat');
    expect(accountServer({}, 'irc')).toBe('');
  });
});
