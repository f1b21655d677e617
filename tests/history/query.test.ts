/** The query language parser: pure, no database; plus fast-check properties against a real FTS5 table. */
import Database from 'better-sqlite3-multiple-ciphers';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { QueryError } from '../../core/history/errors';
import { compileFts } from '../../core/history/fts';
import { parseQuery, printText, type TextNode } from '../../core/history/query';
import { cjkSplit } from '../../core/history/text';

const text = (q: string) => parseQuery(q).text;
const term = (t: string, extra: Partial<Extract<TextNode, { type: 'term' }>> = {}): TextNode => ({ type: 'term', text: t, phrase: false, prefix: false, ...extra });

describe('query language', () => {
  it('words are ANDed, phrases and prefixes are kept', () => {
    expect(text('hello world')).toEqual({ type: 'and', children: [term('hello'), term('world')] });
    expect(text('"see you soon"')).toEqual(term('see you soon', { phrase: true }));
    expect(text('confer*')).toEqual(term('confer', { prefix: true }));
    expect(text('"new rel"*')).toEqual(term('new rel', { phrase: true, prefix: true }));
  });

  it('AND / OR / NOT and groups, with OR binding loosest', () => {
    expect(text('a OR b c')).toEqual({ type: 'or', children: [term('a'), { type: 'and', children: [term('b'), term('c')] }] });
    expect(text('a AND b')).toEqual({ type: 'and', children: [term('a'), term('b')] });
    expect(text('a NOT b')).toEqual({ type: 'and', children: [term('a'), { type: 'not', child: term('b') }] });
    expect(text('a -b')).toEqual({ type: 'and', children: [term('a'), { type: 'not', child: term('b') }] });
    expect(text('(a OR b) c')).toEqual({ type: 'and', children: [{ type: 'or', children: [term('a'), term('b')] }, term('c')] });
    // lower-case operators are words
    expect(text('this or that')).toEqual({ type: 'and', children: [term('this'), term('or'), term('that')] });
  });

  it('filters: from in with account and dates (after inclusive, before exclusive, local time)', () => {
    const q = parseQuery('from:alice in:"team chat" with:bob account:work after:2024-05-01 before:2024-06 deploy');
    expect(q.from).toEqual(['alice']);
    expect(q.in).toEqual(['team chat']);
    expect(q.with).toEqual(['bob']);
    expect(q.account).toEqual(['work']);
    expect(q.time).toEqual({ from: new Date(2024, 4, 1).getTime(), to: new Date(2024, 5, 1).getTime() });
    expect(q.text).toEqual(term('deploy'));
    expect(parseQuery('on:2024-02-29 x').time).toEqual({ from: new Date(2024, 1, 29).getTime(), to: new Date(2024, 2, 1).getTime() });
    expect(parseQuery('from:alice from:bob').from).toEqual(['alice', 'bob']);
    expect(parseQuery('from:alice').text).toBeNull();
    // control characters are spaces (found by the property below: NUL cut the FTS5 expression short)
    expect(text('a\u0000b')).toEqual({ type: 'and', children: [term('a'), term('b')] });
    // unknown prefixes are text
    expect(text('re:meeting')).toEqual(term('re:meeting'));
  });

  it.each([
    ['', /type something/],
    ['   ', /type something/],
    ['"unclosed', /quote/],
    ['(a OR b', /not closed/],
    ['a)', /not opened/],
    ['a AND', /right/],
    ['OR b', /left/],
    ['NOT a', /besides NOT/],
    ['-a -b', /besides NOT/],
    ['a OR NOT b', /NOT/],
    ['a*b', /only at the end/],
    ['*', /needs a word/],
    ['from:', /needs a value/],
    ['on:2024-13-01', /month/],
    ['on:2023-02-29', /not a valid day/],
    ['before:yesterday', /date like/],
    ['(from:alice x)', /inside parentheses/],
    ['from:alice a OR b', /combined with OR/],
    ['()', /empty parentheses/],
    ['"..."', /no letters or digits/],
  ])('malformed %j → QueryError %s', (q, re) => {
    let err: unknown;
    try {
      parseQuery(q);
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(QueryError);
    expect((err as Error).message).toMatch(re);
  });

  it('compiles to FTS5 with every term quoted and CJK split into characters', () => {
    expect(compileFts(text('a OR "b c"')!)).toBe('("a") OR ("b c")');
    expect(compileFts(text('a b -c')!)).toBe('(("a") AND ("b")) NOT ("c")');
    expect(compileFts(text('conf* AND "x""y"')!)).toBe('(("conf" *) AND ("x""y"))');
    expect(compileFts(text('東京')!)).toBe('"東 京"');
    expect(cjkSplit('東京tower')).toBe(' 東  京 tower');
  });
});

// ---- properties --------------------------------------------------------------------------------

const wordArb = fc.stringMatching(/^[a-zA-Zéü0-9東京]{1,8}$/).filter((w) => !['AND', 'OR', 'NOT'].includes(w));
const nodeArb: fc.Arbitrary<TextNode> = fc.letrec<{ node: TextNode; pos: TextNode }>((tie) => ({
  pos: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    fc.record({ type: fc.constant('term' as const), text: wordArb, phrase: fc.constant(false), prefix: fc.boolean() }),
    fc.record({ type: fc.constant('term' as const), text: fc.array(wordArb, { minLength: 1, maxLength: 3 }).map((a) => a.join(' ')), phrase: fc.constant(true), prefix: fc.boolean() }),
    fc.record({ type: fc.constant('or' as const), children: fc.array(tie('pos'), { minLength: 2, maxLength: 3 }) }),
    fc.tuple(tie('pos'), fc.array(fc.oneof(tie('pos'), tie('pos').map((c) => ({ type: 'not' as const, child: c }))), { minLength: 1, maxLength: 3 })).map(
      ([first, rest]) => ({ type: 'and' as const, children: [first, ...rest] }),
    ),
  ),
  node: tie('pos'),
})).node;

/** the parser flattens nested ANDs/ORs the printer writes without parentheses */
function normalize(n: TextNode): TextNode {
  if (n.type === 'term') return n.phrase && !n.text.includes(' ') && !n.prefix ? n : n;
  if (n.type === 'not') return { type: 'not', child: normalize(n.child) };
  const kids = n.children.map(normalize).flatMap((c) => (c.type === n.type ? (c as { children: TextNode[] }).children : [c]));
  return { type: n.type, children: kids } as TextNode;
}

describe('query language properties', () => {
  it('parse(print(tree)) gives the tree back', () => {
    fc.assert(
      fc.property(nodeArb, (n) => {
        expect(normalize(parseQuery(printText(n)).text!)).toEqual(normalize(n));
      }),
      { numRuns: 300 },
    );
  });

  it('any input either parses or throws QueryError, and what parses never makes FTS5 fail', () => {
    const db = new Database(':memory:');
    db.exec("CREATE VIRTUAL TABLE t USING fts5(body, tokenize = 'unicode61 remove_diacritics 2')");
    db.prepare('INSERT INTO t(body) VALUES (?)').run('hello café world 東 京 tower "quoted" and or not');
    const run = db.prepare('SELECT count(*) AS n FROM t WHERE t MATCH ?');
    const alphabet = fc.constantFrom(...'ab ():"*-\\\'东é_.,ORANDNOTfrom:in:on:2024-01-01'.split(''), ' OR ', ' AND ', ' NOT ', 'from:', 'on:', '"');
    fc.assert(
      fc.property(fc.oneof(fc.string({ unit: alphabet, maxLength: 30 }), fc.string({ maxLength: 30 }), fc.string({ unit: 'binary', maxLength: 20 })), (q) => {
        let parsed;
        try {
          parsed = parseQuery(q);
        } catch (err) {
          expect(err).toBeInstanceOf(QueryError);
          return;
        }
        if (parsed.text) run.get(compileFts(parsed.text));
      }),
      { numRuns: 2000 },
    );
    db.close();
  });
});
