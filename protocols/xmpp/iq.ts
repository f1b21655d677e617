/**
 * IQ requests of our own (instead of @xmpp/iq's caller): the pending promise always has a handler
 * (xmpp.js's caller leaves its deferred unobserved until the write callback, so a fast error reply
 * became an unhandled rejection), and a reply is accepted only from the entity that was asked —
 * a forged result with a guessed id from anyone else is ignored.
 */
import { randomUUID } from 'node:crypto';
import { AdapterError } from '../../core/protocol/types';
import { bareOf, normalizeJid } from './jid';
import { stanzaErrorText } from './message';
import type { Middleware, XmlElement } from './xml-types';

interface Pending { resolve(el: XmlElement): void; reject(e: AdapterError): void; timer: NodeJS.Timeout; to: string | null }

export class IqRequester {
  private readonly pending = new Map<string, Pending>();

  constructor(
    middleware: Middleware,
    private readonly send: (el: XmlElement) => Promise<void>,
    /** own full JID and domain as bound (replies to requests without `to` come from these or without from) */
    private readonly self: () => { full: string; bare: string; domain: string },
  ) {
    middleware.use((ctx, next) => {
      const st = ctx.stanza;
      if (st.name !== 'iq' || (st.attrs.type !== 'result' && st.attrs.type !== 'error')) return next();
      const p = this.pending.get(st.attrs.id ?? '');
      if (!p || !this.fromOk(st.attrs.from, p.to)) return next();
      this.pending.delete(st.attrs.id!);
      clearTimeout(p.timer);
      if (st.attrs.type === 'result') p.resolve(st);
      else {
        const e = stanzaErrorText(st);
        p.reject(new AdapterError({ kind: 'protocol', fatal: false, message: e.text ?? e.condition, code: e.condition }));
      }
      return undefined;
    });
  }

  private fromOk(from: string | undefined, to: string | null): boolean {
    const s = this.self();
    if (to === null || to === s.bare) return from === undefined || [s.full, s.bare, s.domain].includes(normalizeJid(from) ?? '\0');
    return normalizeJid(from) === to || (from === undefined && bareOf(to) === s.bare);
  }

  request(iq: XmlElement, timeoutMs: number): Promise<XmlElement> {
    const id = randomUUID();
    iq.attrs.id = id;
    const to = iq.attrs.to ? normalizeJid(iq.attrs.to) : null;
    return new Promise<XmlElement>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.pending.delete(id);
        reject(new AdapterError({ kind: 'network', fatal: false, message: 'no answer in time', code: 'timeout' }));
      }, timeoutMs);
      this.pending.set(id, { resolve, reject, timer, to });
      this.send(iq).catch((err: unknown) => {
        this.pending.delete(id);
        clearTimeout(timer);
        reject(err instanceof AdapterError ? err : new AdapterError({ kind: 'network', fatal: false, message: `not sent: ${(err as Error).message}`, code: 'not-sent' }));
      });
    });
  }

  /** fails everything in flight (connection lost) */
  failAll(): void {
    for (const [id, p] of this.pending) {
      clearTimeout(p.timer);
      p.reject(new AdapterError({ kind: 'network', fatal: false, message: 'connection lost', code: 'disconnected' }));
      this.pending.delete(id);
    }
  }
}
