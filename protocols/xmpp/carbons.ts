/**
 * XEP-0280 message carbons. A carbon is accepted ONLY when the wrapping message comes from the
 * own bare JID (RFC 6120: the server stamps it); anything else is a forged carbon (the class of
 * CVE-2017-5589) and is rejected.
 */
import { bareOf } from './jid';
import { NS } from './ns';
import { xml, type XmlElement } from './xml';

export const enableCarbons = () => xml('iq', { type: 'set' }, xml('enable', { xmlns: NS.carbons }));

export type Carbon = { kind: 'sent' | 'received'; inner: XmlElement } | { kind: 'forged'; reason: string } | null;

/** null: not a carbon */
export function unwrapCarbon(msg: XmlElement, ownBare: string): Carbon {
  const wrap = msg.getChild('sent', NS.carbons) ?? msg.getChild('received', NS.carbons);
  if (!wrap) return null;
  const from = msg.attrs.from;
  if (from === undefined || bareOf(from) !== ownBare || from.includes('/')) return { kind: 'forged', reason: `carbon from ${from ?? '(none)'} is not from the own account` };
  const inner = wrap.getChild('forwarded', NS.forward)?.getChild('message');
  if (!inner) return { kind: 'forged', reason: 'carbon without a forwarded message' };
  return { kind: wrap.name === 'sent' ? 'sent' : 'received', inner };
}
