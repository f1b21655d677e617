/**
 * XEP-0198 §5: a server that cannot resume our session may still say in `<failed h='N'/>` how
 * many of our stanzas it handled. Prosody does after a restart: at shutdown it closes the sockets of
 * resumable sessions without a stream error and saves their counters, so the next resumption
 * attempt learns exactly what reached it. xmpp.js 0.14 ignores that h and reports the whole queue
 * as failed; here the stanzas the server counted are acknowledged first (the 'ack' event, as if an
 * `<a/>` had arrived), so only the ones it never handled are reported as failed and re-sent.
 */
import type { StreamManagement, XmlElement } from './xml-types';

export const NS_SM = 'urn:xmpp:sm:3';

interface ElementSource {
  on(ev: 'nonza', fn: (el: XmlElement) => void): unknown;
}

/** how many stanzas at the head of the queue `<failed h>` confirms; 0 when there is no h or it makes no sense */
export function handledByFailed(el: XmlElement, sm: Pick<StreamManagement, 'id' | 'outbound' | 'outbound_q'>): number {
  if (!el.is('failed', NS_SM) || !sm.id || el.attrs.h === undefined) return 0;
  const h = Number(el.attrs.h);
  // h counts every stanza of the old stream; outbound is how many of them were already acknowledged
  const n = h - sm.outbound;
  if (!Number.isSafeInteger(h) || n <= 0 || n > sm.outbound_q.length) return 0;
  return n;
}

/** installed once per client, before xmpp.js's own resumption handler sees the `<failed/>` */
export function ackHandledOnFailedResume(entity: ElementSource, sm: StreamManagement): void {
  entity.on('nonza', (el: XmlElement) => {
    const n = handledByFailed(el, sm);
    const emitter = sm as unknown as { emit(ev: 'ack', st: XmlElement): void };
    for (let i = 0; i < n; i++) {
      const item = sm.outbound_q.shift()!;
      sm.outbound++;
      emitter.emit('ack', item.stanza);
    }
  });
}
