// The stream parser (protocols/xmpp/parser.ts) in isolation: restricted XML (RFC 6120 §11.1) is one
// 'error' of kind 'protocol', however the bytes are split over reads; allowed XML (predefined
// entities, character references, CDATA, the XML declaration) parses as before. Plus the @xmpp/iq
// race: an error reply while the request is still being sent is not an unhandled rejection.
// (The end-to-end behaviour over a real Prosody: tests/reliability/xmpp-parser.test.ts.)
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { AdapterError } from '../../core/protocol/types';
import { createXmppClient } from '../../protocols/xmpp/xmppStream';
import { StrictParser } from '../../protocols/xmpp/parser';
import { xml } from '../../protocols/xmpp/xml';

const HEAD = `<?xml version='1.0'?><stream:stream xmlns='jabber:client' xmlns:stream='http://etherx.jabber.org/streams' from='example.org' id='s1' version='1.0'>`;

function feed(chunks: string[]): { elements: string[]; errors: AdapterError[] } {
  const p = new StrictParser();
  const elements: string[] = [];
  const errors: AdapterError[] = [];
  p.on('element', (e: { toString(): string }) => elements.push(e.toString()));
  p.on('error', (e: AdapterError) => errors.push(e));
  for (const c of chunks) p.write(c);
  return { elements, errors };
}

/** splits s at the given cut points */
const split = (s: string, cuts: number[]) => {
  const at = [...new Set(cuts.map((c) => c % (s.length + 1)))].sort((a, b) => a - b);
  const out: string[] = [];
  let prev = 0;
  for (const c of at) {
    out.push(s.slice(prev, c));
    prev = c;
  }
  out.push(s.slice(prev));
  return out;
};

const refused: [string, string][] = [
  ['doctype', `<!DOCTYPE x [<!ENTITY a "aaaa">]><message><body>&a;</body></message>`],
  ['undefined entity', `<message><body>&nope;</body></message>`],
  ['entity in attribute', `<message id='&nope;'/>`],
  ['comment', `<message/><!-- hi --><message/>`],
  ['processing instruction', `<?xml-stylesheet href='x'?><message/>`],
  ['illegal character reference', `<message><body>&#0;</body></message>`],
];

const allowed = `<message from='a@example.org' id='1&amp;2'><body>a &lt;b&gt; &amp; &quot;c&quot; &apos; &#65;&#x42; <![CDATA[<!DOCTYPE not markup> &nope;]]></body></message><iq type='result' id='2'/>`;

describe('StrictParser', () => {
  it('parses allowed XML the same, however it is split', () => {
    const whole = feed([HEAD + allowed]);
    expect(whole.errors).toEqual([]);
    expect(whole.elements).toHaveLength(2);
    expect(whole.elements[0]).toContain('&lt;!DOCTYPE not markup&gt; &amp;nope;');
    fc.assert(fc.property(fc.array(fc.nat(), { maxLength: 8 }), (cuts) => {
      const r = feed([HEAD, ...split(allowed, cuts)]);
      expect(r).toEqual(whole);
    }), { numRuns: 300 });
  });

  for (const [name, bytes] of refused) {
    it(`${name}: one protocol error, nothing after it, however it is split`, () => {
      fc.assert(fc.property(fc.array(fc.nat(), { maxLength: 6 }), (cuts) => {
        const r = feed([HEAD, ...split(`${bytes}<message><body>after</body></message>`, cuts)]);
        expect(r.errors).toHaveLength(1);
        expect({ kind: r.errors[0]!.kind, fatal: r.errors[0]!.fatal }).toEqual({ kind: 'protocol', fatal: false });
        expect(r.elements.filter((e) => e.includes('after') || e.includes('aaaa'))).toEqual([]);
      }), { numRuns: 100 });
    });
  }
});

describe('IQ requests of xmpp.js (resource binding)', () => {
  it('an error reply while the request is still being sent rejects the request only, no unhandled rejection', async () => {
    const c = createXmppClient({ host: '127.0.0.1', port: 1, domain: 'example.org', directTls: false, timeoutMs: 5000, username: 'u', password: 'p' });
    let sent: () => void = () => {};
    (c.entity as unknown as { send(el: unknown): Promise<void> }).send = () => new Promise<void>((r) => { sent = r; });
    const unhandled: unknown[] = [];
    const onUnhandled = (e: unknown) => unhandled.push(e);
    process.on('unhandledRejection', onUnhandled);
    try {
      const req = c.iqCaller.request(xml('iq', { type: 'get', id: 'race1' }, xml('ping', { xmlns: 'urn:xmpp:ping' })));
      const handlers = (c.iqCaller as unknown as { handlers: Map<string, { reject(e: Error): void }> }).handlers;
      handlers.get('race1')!.reject(new Error('service-unavailable'));
      await new Promise((r) => setTimeout(r, 50));
      sent();
      await expect(req).rejects.toThrow('service-unavailable');
      await new Promise((r) => setTimeout(r, 50));
      expect(unhandled).toEqual([]);
    } finally {
      process.off('unhandledRejection', onUnhandled);
    }
  });
});
