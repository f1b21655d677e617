// Issue 9, guarantee 1: property-based tests (fast-check) for the pure pieces that hostile input
// reaches first — IRC line parser/serializer, the IRC message splitter, the IRC formatter, the XMPP
// JID parser — and the search query parser all the way into the real encrypted FTS5 store (any
// text typed into the search box yields results or a QueryError, never an SQLite error).
// Runs: CONFAB_SOAK=1 multiplies them.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { join } from 'node:path';
import { parseLine, joinLine } from '../../protocols/irc/parse';
import { splitMessage, textBudget } from '../../protocols/irc/split';
import { sanitizeForDisplay, stripFormatting } from '../../protocols/irc/format';
import { normalizeJid, parseJid, jidToString } from '../../protocols/xmpp/jid';
import { createArchive, parseQuery, QueryError, type HistoryStore } from '../../core/history/index';
import { tempDir } from '../harness/util';
import { times } from './lib';

const RUNS = times(300, 20_000);
const noCtl = (s: string) => !/[\r\n\0]/.test(s);
const wellFormed = (s: string) => Buffer.from(s, 'utf8').toString('utf8') === s;

describe('IRC line parser and serializer', () => {
  it('never throws on any input, and what it parses has a verb', () => {
    fc.assert(
      fc.property(fc.oneof(fc.string({ unit: 'binary', maxLength: 600 }), fc.array(fc.constantFrom('@', ':', ' ', 'a=b;', 'PRIVMSG', '#c', ':x', '\\', '=', ';', '!', '\u0001', '\uFFFD'), { maxLength: 40 }).map((a) => a.join(''))), (s) => {
        const p = parseLine(s);
        if (p) expect(p.verb.length).toBeGreaterThan(0);
      }),
      { numRuns: RUNS },
    );
  });

  it('parse(join(m)) gives m back for every well-formed message', () => {
    const middle = fc.string({ unit: 'grapheme', minLength: 1, maxLength: 20 }).filter((s) => noCtl(s) && !s.includes(' ') && !s.startsWith(':'));
    const trailing = fc.string({ unit: 'grapheme', maxLength: 80 }).filter(noCtl);
    const msg = fc.record({
      tags: fc.dictionary(fc.stringMatching(/^[a-z][a-z0-9-]{0,8}$/), fc.string({ unit: 'grapheme', maxLength: 20 }).filter((s) => !s.includes('\0')), { maxKeys: 3 }),
      source: fc.option(fc.stringMatching(/^[a-zA-Z][a-zA-Z0-9_]{0,8}![a-z]{1,5}@[a-z.]{1,10}$/), { nil: undefined }),
      verb: fc.oneof(fc.stringMatching(/^[A-Z]{1,10}$/), fc.stringMatching(/^[0-9]{3}$/)),
      params: fc.tuple(fc.array(middle, { maxLength: 5 }), fc.option(trailing, { nil: undefined })).map(([m, t]) => (t === undefined ? m : [...m, t])),
    });
    fc.assert(
      fc.property(msg, (m) => {
        const line = joinLine({ tags: m.tags, ...(m.source ? { source: m.source } : {}), verb: m.verb, params: m.params });
        const p = parseLine(line);
        expect(p).not.toBeNull();
        expect(p!.verb).toBe(m.verb);
        expect(p!.params).toEqual(m.params);
        expect(p!.source).toBe(m.source);
        expect(p!.tags).toEqual(m.tags);
      }),
      { numRuns: RUNS },
    );
  });
});

describe('IRC message splitter', () => {
  const opts = fc.record({
    command: fc.constantFrom('PRIVMSG' as const, 'NOTICE' as const),
    target: fc.stringMatching(/^[#&]?[a-zA-Z][a-zA-Z0-9_-]{0,40}$/),
    prefix: fc.oneof(fc.stringMatching(/^[a-zA-Z][a-zA-Z0-9_]{0,15}$/), fc.stringMatching(/^[a-zA-Z][a-zA-Z0-9_]{0,15}![a-z~]{1,10}@[a-z0-9.-]{1,63}$/)),
    action: fc.boolean(),
  });
  const body = fc.oneof(
    fc.string({ unit: 'grapheme', minLength: 1, maxLength: 3000 }),
    fc.string({ unit: 'binary', minLength: 1, maxLength: 2000 }),
    fc.array(fc.constantFrom('a', ' ', 'é', '漢', '👍🏽', '👨‍👩‍👧', 'e\u0301', '\n', '\u200d', '🇫🇷'), { minLength: 1, maxLength: 1500 }).map((a) => a.join('')),
  );
  it('every part fits the 512-byte line as relayed, is valid UTF-8, holds no line break, and nothing is lost but break spaces', () => {
    fc.assert(
      fc.property(body, opts, (b, o) => {
        const parts = splitMessage(b, o);
        const budget = textBudget(o);
        for (const p of parts) {
          const text = o.action ? p.slice('\u0001ACTION '.length, -1) : p;
          if (o.action) expect(p.startsWith('\u0001ACTION ') && p.endsWith('\u0001')).toBe(true);
          expect(Buffer.byteLength(text, 'utf8')).toBeLessThanOrEqual(budget);
          expect(/[\r\n]/.test(p)).toBe(false);
          // a part never starts or ends in the middle of a surrogate pair
          if (wellFormed(b)) expect(wellFormed(text)).toBe(true);
        }
        const strip = (s: string) => s.replace(/[ \r\n]/g, '');
        const joined = parts.map((p) => (o.action ? p.slice('\u0001ACTION '.length, -1) : p)).join('');
        expect(strip(joined)).toBe(strip(b));
      }),
      { numRuns: RUNS },
    );
  });
});

describe('IRC formatter', () => {
  it('strips formatting idempotently and lets no control character but tab reach the screen', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary', maxLength: 500 }), (s) => {
        const shown = sanitizeForDisplay(s);
        // eslint-disable-next-line no-control-regex -- the point
        expect(/[\x00-\x08\x0a-\x1f\x7f]/.test(shown)).toBe(false);
        expect(sanitizeForDisplay(shown)).toBe(shown);
        expect(stripFormatting(stripFormatting(s))).toBe(stripFormatting(s));
      }),
      { numRuns: RUNS },
    );
  });
});

describe('XMPP JID parser', () => {
  it('never throws; a parsed JID prints to a fixed point (normalize is idempotent)', () => {
    const jidish = fc.oneof(
      fc.string({ unit: 'binary', maxLength: 100 }),
      fc.tuple(fc.string({ unit: 'grapheme', maxLength: 12 }), fc.string({ unit: 'grapheme', maxLength: 12 }), fc.string({ unit: 'grapheme', maxLength: 12 })).map(([l, d, r]) => `${l}@${d}/${r}`),
    );
    fc.assert(
      fc.property(jidish, (s) => {
        const r = parseJid(s);
        if (r.ok) {
          const printed = jidToString(r.jid);
          const again = parseJid(printed);
          expect(again.ok).toBe(true);
          if (again.ok) expect(jidToString(again.jid)).toBe(printed);
          const n = normalizeJid(s);
          if (n !== null) expect(normalizeJid(n)).toBe(n);
        }
      }),
      { numRuns: RUNS },
    );
  });
});

describe('search query parser, down to the encrypted FTS5 store', () => {
  let tmp: ReturnType<typeof tempDir>;
  let store: HistoryStore;
  beforeAll(() => {
    tmp = tempDir('rel-props');
    store = createArchive(join(tmp.path, 'archive'), { passphrase: 'property tests', kdf: { N: 1024 } });
    const acc = store.addAccount({ protocol: 'irc', label: 'p', config: {} });
    const conv = store.ensureConversation(acc.id, 'room', '#p');
    const words = ['alpha', 'beta', 'gamma', 'naïve', '漢字', 'emoji👍', 'x-y', 'AND', 'or', 'NEAR', 'NOT'];
    store.insertMessages(Array.from({ length: 200 }, (_, i) => ({ accountId: acc.id, conversationId: conv.id, sender: `u${i % 5}`, body: `${words[i % words.length]} ${words[(i * 7) % words.length]} message ${i}`, direction: 'in' as const, serverTime: 1_700_000_000_000 + i * 60_000 })));
  });
  afterAll(() => {
    store?.close();
    tmp?.remove();
  });

  const queryish = fc.oneof(
    fc.string({ unit: 'binary', maxLength: 120 }),
    fc
      .array(fc.constantFrom('alpha', 'beta*', '"', '(', ')', 'AND', 'OR', 'NOT', 'NEAR(', '-', '*', ':', 'from:', 'in:#p', 'before:2024', 'after:2023-13', 'on:2024-02-30', '^', '{', '}', '漢', '\\', "'", 'col:x', ' ', '  ', '\u0000', '""'), { maxLength: 20 })
      .map((a) => a.join(' ')),
  );

  it('any text: results or a QueryError with a position — never an SQLite error, never a crash', () => {
    fc.assert(
      fc.property(queryish, (q) => {
        try {
          parseQuery(q);
        } catch (e) {
          expect(e).toBeInstanceOf(QueryError);
        }
        try {
          const r = store.search(q, { limit: 5 });
          expect(Array.isArray(r.hits)).toBe(true);
        } catch (e) {
          if (!(e instanceof QueryError)) throw new Error(`query ${JSON.stringify(q)} failed with ${(e as Error).name}: ${(e as Error).message}`);
        }
      }),
      { numRuns: RUNS },
    );
  });
});
