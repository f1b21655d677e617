// IQ replies are matched by id AND sender: a forged result from anyone else is ignored.
import { describe, expect, it } from 'vitest';
import { IqRequester } from '../../protocols/xmpp/iq';
import { parseXml, xml, type XmlElement } from '../../protocols/xmpp/xml';
import type { MiddlewareFn } from '../../protocols/xmpp/xml-types';

function setup() {
  const handlers: MiddlewareFn[] = [];
  const sent: XmlElement[] = [];
  const mw = { use: (fn: MiddlewareFn) => { handlers.push(fn); return fn; }, filter: (fn: MiddlewareFn) => fn };
  const iq = new IqRequester(mw, async (el) => { sent.push(el); }, () => ({ full: 'me@x.test/r', bare: 'me@x.test', domain: 'x.test' }));
  /** feeds an incoming stanza; true when the requester consumed it */
  const feed = (s: string) => {
    let passed = false;
    const stanza = parseXml(s);
    void handlers[0]!({ stanza, entity: null, type: stanza.attrs.type ?? '', name: stanza.name, id: stanza.attrs.id ?? '' }, async () => { passed = true; });
    return !passed;
  };
  return { iq, sent, feed };
}

describe('XMPP IQ requests', () => {
  it('accepts the answer only from the entity asked', async () => {
    const { iq, sent, feed } = setup();
    const p = iq.request(xml('iq', { type: 'get', to: 'bob@x.test/phone' }, xml('query', { xmlns: 'jabber:iq:version' })), 5000);
    await Promise.resolve();
    const id = sent[0]!.attrs.id!;
    expect(feed(`<iq type='result' id='${id}' from='eve@x.test/evil'/>`)).toBe(false);
    expect(feed(`<iq type='result' id='${id}'/>`)).toBe(false);
    expect(feed(`<iq type='result' id='${id}' from='bob@x.test/phone'><query xmlns='jabber:iq:version'><name>ok</name></query></iq>`)).toBe(true);
    expect((await p).getChild('query')?.getChildText('name')).toBe('ok');
  });

  it('requests to the own account accept no from, the bare or full own JID or the domain; errors carry the condition', async () => {
    const { iq, sent, feed } = setup();
    const p = iq.request(xml('iq', { type: 'get' }, xml('query', { xmlns: 'jabber:iq:roster' })), 5000);
    await Promise.resolve();
    const id = sent[0]!.attrs.id!;
    expect(feed(`<iq type='result' id='${id}' from='bob@x.test'/>`)).toBe(false);
    expect(feed(`<iq type='error' id='${id}' from='me@x.test'><error type='cancel'><item-not-found xmlns='urn:ietf:params:xml:ns:xmpp-stanzas'/></error></iq>`)).toBe(true);
    await expect(p).rejects.toMatchObject({ kind: 'protocol', code: 'item-not-found' });
  });

  it('times out as a non-fatal network error and fails everything on failAll', async () => {
    const { iq } = setup();
    await expect(iq.request(xml('iq', { type: 'get', to: 'x.test' }), 20)).rejects.toMatchObject({ kind: 'network', code: 'timeout' });
    const p = iq.request(xml('iq', { type: 'get', to: 'x.test' }), 5000);
    iq.failAll();
    await expect(p).rejects.toMatchObject({ kind: 'network', code: 'disconnected' });
  });
});
