/** Our message splitter: byte limit from the real prefix, UTF-8 safe, word boundaries, CTCP ACTION. */
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { packList, splitMessage, textBudget } from '../../protocols/irc/split';
import { joinLine } from '../../protocols/irc/parse';

const prefix = 'alice!~alice@host.example.org';
const relayed = (text: string, target = '#chan', command: 'PRIVMSG' | 'NOTICE' = 'PRIVMSG') =>
  Buffer.byteLength(`${joinLine({ source: prefix, verb: command, params: [target, text] })}\r\n`, 'utf8');

describe('splitMessage', () => {
  it('leaves a short message alone', () => {
    expect(splitMessage('hello', { command: 'PRIVMSG', target: '#chan', prefix })).toEqual(['hello']);
  });

  it('every part, as the server relays it with our prefix, fits 512 bytes', () => {
    const body = 'lorem ipsum dolor sit amet '.repeat(100);
    const parts = splitMessage(body, { command: 'PRIVMSG', target: '#chan', prefix });
    expect(parts.length).toBeGreaterThan(4);
    for (const p of parts) expect(relayed(p)).toBeLessThanOrEqual(512);
    // nearly full lines: the budget is used, not wasted
    for (const p of parts.slice(0, -1)) expect(relayed(p)).toBeGreaterThan(512 - 30);
    expect(parts.join(' ')).toBe(body);
  });

  it('a longer prefix or target leaves less room', () => {
    const short = textBudget({ command: 'PRIVMSG', target: '#a', prefix: 'a!b@c' });
    const long = textBudget({ command: 'PRIVMSG', target: '#a-much-longer-channel', prefix: 'averylongnick!~ident@some.very.long.host.name.example' });
    expect(short - long).toBe(20 + ('averylongnick!~ident@some.very.long.host.name.example'.length - 5));
  });

  it('assumes a worst-case user@host when our prefix is only a nick', () => {
    expect(textBudget({ command: 'PRIVMSG', target: '#a', prefix: 'alice' })).toBeLessThan(textBudget({ command: 'PRIVMSG', target: '#a', prefix: 'alice!u@h' }));
  });

  it('splits at spaces, not inside words', () => {
    const words = Array.from({ length: 200 }, (_, i) => `word${i}`);
    const parts = splitMessage(words.join(' '), { command: 'PRIVMSG', target: 'bob', prefix });
    for (const p of parts) for (const w of p.split(' ')) expect(words).toContain(w);
  });

  it('cuts a word longer than a line at a character boundary', () => {
    const word = 'x'.repeat(2000);
    const parts = splitMessage(word, { command: 'PRIVMSG', target: 'bob', prefix });
    expect(parts.join('')).toBe(word);
    for (const p of parts) expect(relayed(p, 'bob')).toBeLessThanOrEqual(512);
  });

  it('never breaks a multi-byte character or a surrogate pair', () => {
    const body = 'ä€😀'.repeat(300);
    const parts = splitMessage(body, { command: 'PRIVMSG', target: 'bob', prefix });
    expect(parts.join('')).toBe(body);
    for (const p of parts) {
      expect(Buffer.from(p, 'utf8').toString('utf8')).toBe(p);
      expect(p).not.toMatch(/[\uD800-\uDBFF]$|^[\uDC00-\uDFFF]/);
      expect(relayed(p, 'bob')).toBeLessThanOrEqual(512);
    }
  });

  it('keeps combining marks with their base letter', () => {
    const body = 'e\u0301'.repeat(400); // é as e + combining acute
    const parts = splitMessage(body, { command: 'PRIVMSG', target: 'bob', prefix });
    for (const p of parts) expect(p.startsWith('\u0301')).toBe(false);
    expect(parts.join('')).toBe(body);
  });

  it('wraps each part of a /me in its own CTCP ACTION', () => {
    const body = 'dances '.repeat(150).trim();
    const parts = splitMessage(body, { command: 'PRIVMSG', target: '#chan', prefix, action: true });
    expect(parts.length).toBeGreaterThan(1);
    for (const p of parts) {
      expect(p.startsWith('\x01ACTION ') && p.endsWith('\x01')).toBe(true);
      expect(relayed(p)).toBeLessThanOrEqual(512);
    }
    expect(parts.map((p) => p.slice(8, -1)).join(' ')).toBe(body);
  });

  it('a multi-line body becomes one message per line, empty lines dropped', () => {
    expect(splitMessage('one\r\ntwo\n\nthree', { command: 'NOTICE', target: 'bob', prefix })).toEqual(['one', 'two', 'three']);
  });

  it('property: any text round-trips and every part fits', () => {
    fc.assert(fc.property(fc.string({ unit: 'grapheme', maxLength: 1500 }), fc.constantFrom('#c', 'bob', '#a-long-channel-name'), (text, target) => {
      const line = text.replace(/[\r\n]/g, ' ');
      const parts = splitMessage(line, { command: 'PRIVMSG', target, prefix });
      for (const p of parts) expect(relayed(p, target)).toBeLessThanOrEqual(512);
      // content is preserved up to the spaces used as split points
      expect(parts.join('').replace(/ /g, '')).toBe(line.replace(/ /g, ''));
    }), { numRuns: 200 });
  });
});

describe('packList (ISON / MONITOR + lines)', () => {
  it('packs any number of nicks into lines of at most 400 bytes, none lost, in order', () => {
    const nicks = Array.from({ length: 500 }, (_, i) => `nick${i}${'é'.repeat(i % 7)}`);
    for (const [head, sep] of [['ISON', ' '], ['MONITOR +', ',']] as const) {
      const lines = packList(head, nicks, sep);
      expect(lines.every((l) => Buffer.byteLength(l, 'utf8') + 2 <= 400)).toBe(true);
      expect(lines.flatMap((l) => l.slice(head.length + 1).split(sep))).toEqual(nicks);
      expect(lines.length).toBeGreaterThan(1);
    }
    expect(packList('ISON', [], ' ')).toEqual([]);
  });
});
