/**
 * XEP-0359 unique and stable ids and XEP-0203 delayed delivery.
 * A stanza-id is trusted only when its `by` is the entity that archived it: the own bare JID
 * (1:1, archived by our server) or the room's bare JID (group chat). Anything else is forgeable
 * by the sender and is ignored (it must never become a dedup key).
 */
import { bareOf } from './jid';
import { NS } from './ns';
import type { XmlElement } from './xml-types';

export function originId(msg: XmlElement): string | undefined {
  const id = msg.getChild('origin-id', NS.sid)?.attrs.id;
  return id && id.length <= 256 ? id : undefined;
}

/** the stanza-id whose `by` equals `trustedBy` (a normalized bare JID); undefined otherwise */
export function trustedStanzaId(msg: XmlElement, trustedBy: string): string | undefined {
  for (const el of msg.getChildren('stanza-id', NS.sid)) {
    const by = bareOf(el.attrs.by);
    const id = el.attrs.id;
    if (by && by === trustedBy && id && id.length <= 256) return id;
  }
  return undefined;
}

/** XEP-0203 delay stamp in ms, or undefined when absent or unparsable */
export function delayStamp(el: XmlElement): number | undefined {
  const stamp = el.getChild('delay', NS.delay)?.attrs.stamp;
  if (!stamp) return undefined;
  const t = Date.parse(stamp);
  return Number.isFinite(t) ? t : undefined;
}
