/** XEP-0184 message delivery receipts (pure). */
import { NS } from './ns';
import { xml, type XmlElement } from './xml';

export const requestElement = () => xml('request', { xmlns: NS.receipts });
export const wantsReceipt = (msg: XmlElement) => !!msg.getChild('request', NS.receipts);
/** id of the message a <received/> confirms */
export const receivedId = (msg: XmlElement): string | undefined => msg.getChild('received', NS.receipts)?.attrs.id || undefined;

export function receiptFor(to: string, id: string): XmlElement {
  // no <store/> hint: receipts would otherwise fill the archive pages (XEP-0313) of both sides
  return xml('message', { to, id: `rcpt-${id}` }, xml('received', { xmlns: NS.receipts, id }));
}
