// RFC 7622 JID validation against the shared conformance vectors (../shared/vectors/xmpp).
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { escapeLocal, parseJid, unescapeLocal } from '../../protocols/xmpp/jid';
import { xmppProtocol } from '../../protocols/xmpp/index';

const dir = join(__dirname, '../../../shared/vectors/xmpp');
const load = (f: string) => JSON.parse(readFileSync(join(dir, f), 'utf8')) as { cases: Record<string, string>[] };

describe('XMPP JIDs (RFC 7622 vectors)', () => {
  const valid = load('jids-valid.json').cases;
  const invalid = load('jids-invalid.json').cases;
  it('has the vectors', () => {
    expect(valid.length).toBe(22);
    expect(invalid.length).toBe(24);
  });
  for (const c of valid) {
    it(`accepts ${JSON.stringify(c.input)}`, () => {
      const r = parseJid(c.input!);
      expect(r.ok ? r.jid : r.error).toEqual({ local: c.local, domain: c.domain, resource: c.resource });
    });
  }
  for (const c of invalid) {
    it(`rejects ${JSON.stringify(c.input)}`, () => {
      expect(parseJid(c.input!).ok).toBe(false);
    });
  }
  for (const c of load('xep0106-escaping.json').cases) {
    it(`XEP-0106 ${JSON.stringify(c.localInput)}`, () => {
      const esc = escapeLocal(c.localInput!);
      expect(`${esc}@${c.domain}`).toBe(c.escaped);
      expect(`${unescapeLocal(esc)}@${c.domain}`).toBe(c.unescaped);
      expect(parseJid(`${esc}@${c.domain}`).ok).toBe(true);
    });
  }
  it('the descriptor refuses an invalid account JID as a config error before any network', async () => {
    const errors = xmppProtocol.validateConfig({ jid: 'foo bar@example.com', password: 'x' });
    expect(errors.jid).toBeTruthy();
    const a = xmppProtocol.create({ jid: 'user@@host', password: 'x' }, { log: { debug() {}, info() {}, warn() {}, error() {} }, now: Date.now });
    await expect(a.connect(new AbortController().signal)).rejects.toMatchObject({ kind: 'config', fatal: true });
    expect(xmppProtocol.validateAddress('Juliet@Example.COM', 'direct')).toEqual({ ok: true, normalized: 'juliet@example.com' });
    expect(xmppProtocol.validateAddress('♚@example.com', 'direct').ok).toBe(false);
  });
});
