/** WHO / WHOX reply parsing (recorded InspIRCd 3 lines) and prefix splitting, pure. */
import { describe, expect, it } from 'vitest';
import { parseLine } from '../../protocols/irc/parse';
import { parseWho, splitPrefix, WHOX_TOKEN } from '../../protocols/irc/peers';

const who = (line: string) => {
  const l = parseLine(line)!;
  return parseWho(l.verb, l.params);
};

describe('WHO replies', () => {
  it('352: user@host, flags, real name without the hop count', () => {
    expect(who(':irc.test 352 me #c ~bob host.example irc.test Bob H@ :0 Bob Builder')).toEqual({ nick: 'Bob', flags: 'H@', userHost: '~bob@host.example', realName: 'Bob Builder' });
  });
  it('354 with our token: account ("0" = none) and real name', () => {
    expect(who(`:irc.test 354 me ${WHOX_TOKEN} #c ~bob host.example Bob G bobacct :Bob Builder`)).toEqual({ nick: 'Bob', flags: 'G', userHost: '~bob@host.example', realName: 'Bob Builder', account: 'bobacct' });
    expect(who(`:irc.test 354 me ${WHOX_TOKEN} #c ~al h Al H 0 :Al`)).toMatchObject({ account: '' });
  });
  it('354 with another token, and replies missing fields, are ignored', () => {
    expect(who(':irc.test 354 me 999 #c ~bob host Bob H bobacct :Bob')).toBeNull();
    expect(who(':irc.test 352 me #c ~bob')).toBeNull();
    expect(who(`:irc.test 354 me ${WHOX_TOKEN} #c`)).toBeNull();
  });
});

describe('prefixes', () => {
  it('splits nick!user@host; a server name has no user@host', () => {
    expect(splitPrefix('bob!~b@host')).toEqual({ nick: 'bob', userHost: '~b@host' });
    expect(splitPrefix('irc.test')).toEqual({ nick: 'irc.test' });
    expect(splitPrefix(undefined)).toEqual({ nick: '' });
  });
});
