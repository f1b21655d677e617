// Shared helpers for the XMPP suite: adapters on the harness's Prosody and an event recorder.
import { randomUUID } from 'node:crypto';
import type { AdapterEvent, ConfigValues } from '../../core/protocol/types';
import { silentLogger } from '../../core/util/logger';
import { xmppProtocol, type XmppAdapter } from '../../protocols/xmpp/index';
import type { ProsodyServer, XmppTestUser } from '../harness/prosody';

export interface Rec {
  events: AdapterEvent[];
  /** resolves with the first event (already seen or future) matching pred */
  waitFor<T extends AdapterEvent['type']>(type: T, pred?: (e: Extract<AdapterEvent, { type: T }>) => boolean, timeoutMs?: number): Promise<Extract<AdapterEvent, { type: T }>>;
  /** only events after this call */
  next<T extends AdapterEvent['type']>(type: T, pred?: (e: Extract<AdapterEvent, { type: T }>) => boolean, timeoutMs?: number): Promise<Extract<AdapterEvent, { type: T }>>;
  of<T extends AdapterEvent['type']>(type: T): Extract<AdapterEvent, { type: T }>[];
}

export function record(a: XmppAdapter): Rec {
  const events: AdapterEvent[] = [];
  const waiters = new Set<{ from: number; type: string; pred: (e: AdapterEvent) => boolean; resolve: (e: AdapterEvent) => void }>();
  a.subscribe((e) => {
    events.push(e);
    for (const w of [...waiters]) if (e.type === w.type && w.pred(e)) { waiters.delete(w); w.resolve(e); }
  });
  const wait = (from: number) => <T extends AdapterEvent['type']>(type: T, pred: (e: Extract<AdapterEvent, { type: T }>) => boolean = () => true, timeoutMs = 30_000) => {
    const seen = events.slice(from).find((e) => e.type === type && pred(e as Extract<AdapterEvent, { type: T }>));
    if (seen) return Promise.resolve(seen as Extract<AdapterEvent, { type: T }>);
    return new Promise<Extract<AdapterEvent, { type: T }>>((resolve, reject) => {
      const w = { from, type, pred: pred as (e: AdapterEvent) => boolean, resolve: (e: AdapterEvent) => { clearTimeout(t); resolve(e as Extract<AdapterEvent, { type: T }>); } };
      const t = setTimeout(() => { waiters.delete(w); reject(new Error(`no ${type} event within ${timeoutMs} ms; got: ${events.map((e) => (e.type === 'error' || e.type === 'state' ? `${e.type}(${JSON.stringify(e.type === 'error' ? e.error : e.error ?? e.state)})` : e.type)).join(',')}`)); }, timeoutMs);
      waiters.add(w);
    });
  };
  return {
    events,
    waitFor: (type, pred, timeoutMs) => wait(0)(type, pred, timeoutMs),
    next: (type, pred, timeoutMs) => wait(events.length)(type, pred, timeoutMs),
    of: (type) => events.filter((e) => e.type === type) as never,
  };
}

export function accountConfig(srv: ProsodyServer, u: XmppTestUser, extra: ConfigValues = {}): ConfigValues {
  return {
    jid: u.jid, password: u.password, server: srv.host, port: srv.port,
    ...(srv.caPem ? { caPem: srv.caPem } : {}), timeoutMs: 10_000, ...extra,
  };
}

export function adapter(srv: ProsodyServer, u: XmppTestUser, extra: ConfigValues = {}): { a: XmppAdapter; rec: Rec } {
  const a = xmppProtocol.create(accountConfig(srv, u, extra), { log: silentLogger, now: Date.now }) as XmppAdapter;
  // diagnostics for unexpected drops (error texts only, never message bodies)
  a.subscribe((e) => {
    if (e.type === 'state' && e.state === 'offline' && e.error) console.log(`[${u.name}] offline: ${e.error.kind} ${e.error.code ?? ''} ${e.error.message}`);
    if (e.type === 'error') console.log(`[${u.name}] error: ${e.error.kind} ${e.error.code ?? ''} ${e.error.message}`);
  });
  return { a, rec: record(a) };
}

/** connects and remembers the adapter for cleanup */
export async function online(srv: ProsodyServer, u: XmppTestUser, extra: ConfigValues = {}, bag?: XmppAdapter[]): Promise<{ a: XmppAdapter; rec: Rec }> {
  const r = adapter(srv, u, extra);
  bag?.push(r.a);
  await r.a.connect(new AbortController().signal);
  return r;
}

export const cid = () => randomUUID();

export async function closeAll(bag: XmppAdapter[]): Promise<void> {
  await Promise.all(bag.map((a) => a.disconnect().catch(() => {})));
  bag.length = 0;
}
