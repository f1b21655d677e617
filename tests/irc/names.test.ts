/** Nick / channel rules, case mapping, formatting, config validation and the send queue. Pure. */
import { describe, expect, it } from 'vitest';
import { caseFold, validateChannel, validateNick } from '../../protocols/irc/names';
import { sanitizeForDisplay, stripFormatting } from '../../protocols/irc/format';
import { validateConfig } from '../../protocols/irc/config';
import { SendQueue } from '../../protocols/irc/sendQueue';
import { ircProtocol } from '../../protocols/irc/index';
import { silentLogger } from '../../core/util/logger';

describe('nick rules', () => {
  it.each(['alice', 'Bob_', '[away]', '`tick', 'a-1', '^caret', '{x}|y'])('accepts %j', (n) => expect(validateNick(n).ok).toBe(true));
  it.each(['', '1abc', '-dash', 'has space', 'no,comma', 'émile', 'a'.repeat(31), '#chan', 'a!b', 'a@b'])('refuses %j', (n) => expect(validateNick(n).ok).toBe(false));
  it('honours NICKLEN from ISUPPORT', () => {
    expect(validateNick('abcdefghij', { caseMapping: 'rfc1459', chanTypes: '#', nickLen: 9, channelLen: 50 }).ok).toBe(false);
  });
});

describe('channel rules', () => {
  it.each(['#chan', '&local', '#a.b-c', '#ünïcode'])('accepts %j', (c) => expect(validateChannel(c).ok).toBe(true));
  it.each(['chan', '#', '#a b', '#a,b', '#a\x07b', '#a:b', '+modeless'])('refuses %j', (c) => expect(validateChannel(c).ok).toBe(false));
  it('accepts + channels where CHANTYPES says so', () => {
    expect(validateChannel('+modeless', { caseMapping: 'ascii', chanTypes: '#&+', nickLen: 30, channelLen: 50 }).ok).toBe(true);
  });
});

describe('case mapping', () => {
  it('rfc1459 folds []\\^ to {}|~', () => expect(caseFold('Nick[]\\^')).toBe('nick{}|~'));
  it('strict-rfc1459 leaves ^ alone', () => expect(caseFold('A^', 'strict-rfc1459')).toBe('a^'));
  it('ascii folds only letters', () => expect(caseFold('AB[]', 'ascii')).toBe('ab[]'));
});

describe('formatting', () => {
  it('strips bold, colours (with fg,bg), hex colours, reset, italics, underline, reverse, monospace, strike', () => {
    expect(stripFormatting('\x02b\x02 \x0312,04c\x03 \x04ff0000h\x04 \x0fr \x1di\x1d \x1fu\x1f \x16v\x16 \x11m\x11 \x1es\x1e')).toBe('b c h r i u v m s');
  });
  it('keeps digits after a bare colour reset apart from the code only when they belong to it', () => {
    expect(stripFormatting('\x0399 bottles')).toBe(' bottles');
    expect(stripFormatting('\x03,5x')).toBe(',5x');
  });
  it('display text loses other control characters', () => expect(sanitizeForDisplay('a\x00b\x07c\td')).toBe('abc\td'));
});

describe('account validation (before any network)', () => {
  it('names the bad fields', () => {
    const e = validateConfig({ server: 'ex ample.org', port: 70000, nick: '1bad', pinSha256: 'abc', proxyType: 'socks5' });
    expect(Object.keys(e).sort()).toEqual(['nick', 'pinSha256', 'port', 'proxyHost', 'proxyPort', 'server'].sort());
  });
  it('accepts a minimal account', () => expect(validateConfig({ server: 'irc.example.org', nick: 'alice' })).toEqual({}));
  it('create() refuses an invalid account with a config error', () => {
    expect(() => ircProtocol.create({ server: 'irc.example.org', nick: '' }, { log: silentLogger, now: Date.now })).toThrow(expect.objectContaining({ kind: 'config', fatal: true }));
  });
  it('validateAddress knows rooms from people', () => {
    expect(ircProtocol.validateAddress('#Chan', 'room')).toEqual({ ok: true, normalized: '#chan' });
    expect(ircProtocol.validateAddress('#Chan', 'direct').ok).toBe(false);
    expect(ircProtocol.validateAddress('Bob[m]', 'direct')).toEqual({ ok: true, normalized: 'bob{m}' });
  });
});

describe('send queue', () => {
  it('sends a burst at once, then one line per interval', () => {
    let t = 0;
    const written: string[] = [];
    const q = new SendQueue((l) => written.push(l), { burst: 3, intervalMs: 1000 }, () => t);
    for (let i = 0; i < 6; i++) q.push(`line ${i}`);
    expect(written).toEqual(['line 0', 'line 1', 'line 2']);
    expect(q.pending).toBe(3);
    q.clear();
    t += 2000;
    q.push('later');
    expect(written.at(-1)).toBe('later');
  });
});
