/** The line parser and helpers against every case of ../shared/vectors/irc (ircdocs parser-tests). */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { joinLine, maskMatch, parseLine, splitUserhost } from '../../protocols/irc/parse';
import { validHostname } from '../../protocols/irc/names';

const dir = process.env.CONFAB_VECTORS ?? join(import.meta.dirname, '../../../shared/vectors/irc');
const load = <T>(name: string): T[] => (JSON.parse(readFileSync(join(dir, `${name}.json`), 'utf8')) as { tests: T[] }).tests;

interface Atoms { tags?: Record<string, string>; source?: string; verb: string; params?: string[] }

describe('msg-split', () => {
  const cases = load<{ input: string; atoms: Atoms }>('msg-split');
  it.each(cases.map((c) => [c.input, c] as const))('%j', (_i, c) => {
    const m = parseLine(c.input);
    expect(m).not.toBeNull();
    expect(m!.verb).toBe(c.atoms.verb);
    expect(m!.params).toEqual(c.atoms.params ?? []);
    expect(m!.source).toBe(c.atoms.source);
    expect(m!.tags).toEqual(c.atoms.tags ?? {});
  });
});

describe('msg-join', () => {
  const cases = load<{ desc: string; atoms: Atoms; matches: string[] }>('msg-join');
  it.each(cases.map((c) => [c.desc, c] as const))('%s', (_d, c) => {
    expect(c.matches).toContain(joinLine(c.atoms));
  });
});

describe('userhost-split', () => {
  const cases = load<{ source: string; atoms: { nick?: string; user?: string; host?: string } }>('userhost-split');
  it.each(cases.map((c) => [c.source, c] as const))('%j', (_s, c) => {
    expect(splitUserhost(c.source)).toEqual(c.atoms);
  });
});

describe('mask-match', () => {
  const cases = load<{ mask: string; matches: string[]; fails: string[] }>('mask-match');
  it.each(cases.map((c) => [c.mask, c] as const))('%s', (_m, c) => {
    for (const v of c.matches) expect(maskMatch(c.mask, v), v).toBe(true);
    for (const v of c.fails) expect(maskMatch(c.mask, v), v).toBe(false);
  });
});

describe('validate-hostname (server names: a dot is required)', () => {
  const cases = load<{ host: string; valid: boolean }>('validate-hostname');
  it.each(cases.map((c) => [c.host, c] as const))('%j', (_h, c) => {
    expect(validHostname(c.host, { requireDot: true })).toBe(c.valid);
  });
  it('the account form still accepts localhost and IP addresses', () => {
    expect(validHostname('localhost')).toBe(true);
    expect(validHostname('127.0.0.1')).toBe(true);
    expect(validHostname('::1')).toBe(true);
    expect(validHostname('300.1.1.1')).toBe(false);
  });
});
