/**
 * The xmpp.js client, composed from @xmpp/client-core with our own transport/TLS (transport.ts).
 * Order of the stream-feature middleware (it matters: each handles one feature of <features/>):
 *   1. requireTls  — refuse an unencrypted stream without STARTTLS (unless loopback plaintext is allowed)
 *   2. starttls    — ours, with the account's CA / pin
 *   3. SASL        — SCRAM-SHA-1, PLAIN only over TLS
 *   4. stream management (XEP-0198) — resume when a previous session id exists, else enable after bind
 *   5. resource binding
 * No @xmpp/reconnect: the engine owns the reconnect policy (adapter.connect() is called again).
 */
import { Client } from '@xmpp/client-core';
import iqCalleeFactory from '@xmpp/iq/callee.js';
import iqCallerFactory from '@xmpp/iq/caller.js';
import middlewareFactory from '@xmpp/middleware';
import resourceBinding from '@xmpp/resource-binding';
import sasl from '@xmpp/sasl';
import plain from '@xmpp/sasl-plain';
import streamFeaturesFactory from '@xmpp/stream-features';
import streamManagementFactory from '@xmpp/stream-management';
import SASLFactory from 'saslmechanisms';
import { AdapterError } from '../../core/protocol/types';
import { makeTransport, requireTls, starttlsFeature, type TransportConfig, type XmppSocket } from './transport';
import { IqRequester } from './iq';
import { normalizeJid } from './jid';
import { ScramSha1 } from './scram';
import { ackHandledOnFailedResume } from './smHandled';
import type { IqCallee, IqCaller, Middleware, StreamManagement, XmlElement } from './xml-types';

export interface XmppClientOptions extends TransportConfig {
  /** localpart (username) */
  username: string;
  password: string;
  resource?: string;
  /** input bytes allowed without a complete stanza (default MAX_INCOMING_STANZA_BYTES) */
  maxIncomingStanzaBytes?: number;
}

export interface XmppClient {
  entity: Client;
  middleware: Middleware;
  iqCaller: IqCaller;
  iqCallee: IqCallee;
  /** our IQ requests (see iq.ts); iqCaller is used by xmpp.js's resource binding only */
  iq: IqRequester;
  sm: StreamManagement;
  /** current socket (tests: drop it to simulate a lost network) */
  socket(): XmppSocket | null;
  send(el: XmlElement): Promise<void>;
}

export function createXmppClient(o: XmppClientOptions): XmppClient {
  const entity = new Client({ domain: o.domain, service: `xmpp://${o.host}:${o.port}`, timeout: o.timeoutMs });
  entity.transports.push(makeTransport(o));
  const middleware = middlewareFactory({ entity });
  middleware.use(requireTls(o));
  const streamFeatures = streamFeaturesFactory({ middleware });
  const iqCaller = iqCallerFactory({ middleware, entity });
  const iqCallee = iqCalleeFactory({ middleware, entity });
  // @xmpp/iq 0.14 observes a request's reply promise only after `await entity.send()`: an error
  // reply arriving while the send is pending was an unhandled rejection. Mark each reply promise
  // handled as it is registered (the caller still receives the rejection through request()).
  {
    const handlers = (iqCaller as unknown as { handlers: Map<string, { promise: Promise<unknown> }> }).handlers;
    const set = handlers.set.bind(handlers);
    handlers.set = (id, d) => {
      d.promise.catch(() => {});
      return set(id, d);
    };
  }

  starttlsFeature(streamFeatures, o);

  const saslFactory = new SASLFactory();
  // one mechanism class per client, so concurrent logins of several accounts never mix state
  let lastScram: ScramSha1 | null = null;
  const remember = (m: ScramSha1) => { lastScram = m; };
  class AccountScram extends ScramSha1 {
    constructor() {
      super();
      remember(this);
    }
  }
  (saslFactory as unknown as { use(name: string, m: unknown): void }).use('SCRAM-SHA-1', AccountScram);
  plain(saslFactory);
  sasl({ streamFeatures, saslFactory }, async (authenticate: (c: unknown, m: string) => Promise<void>, mechanisms: string[], _fast: unknown, ent: Client) => {
    const mech = mechanisms.includes('SCRAM-SHA-1') ? 'SCRAM-SHA-1' : mechanisms.includes('PLAIN') && ent.isSecure() ? 'PLAIN' : undefined;
    if (!mech) throw new AdapterError({ kind: 'auth', fatal: true, message: `no acceptable SASL mechanism (server offers ${mechanisms.join(', ') || 'none'})`, code: 'no-mechanism' });
    lastScram = null;
    await authenticate({ username: o.username, password: o.password }, mech);
  });
  // RFC 5802 §5.1: the server proves it knows the password in <success/>; refuse it if it does not
  entity.on('nonza', (el: XmlElement) => {
    if (!el.is('success', 'urn:ietf:params:xml:ns:xmpp-sasl') || !lastScram) return;
    const scram: ScramSha1 = lastScram;
    lastScram = null;
    if (!scram.verifyServerFinal(Buffer.from(el.text(), 'base64').toString('utf8'))) {
      entity.emit('error', new AdapterError({ kind: 'auth', fatal: true, message: 'the server could not prove that it knows the password (SCRAM server signature)', code: 'server-signature' }));
      (entity.socket as XmppSocket | null)?.destroy();
    }
  });

  const sm = streamManagementFactory({ streamFeatures, entity, middleware });
  // what the server handled of a session it could not resume is acknowledged, not re-sent
  ackHandledOnFailedResume(entity as unknown as Parameters<typeof ackHandledOnFailedResume>[0], sm);
  resourceBinding({ streamFeatures, iqCaller }, o.resource);

  iqCallee.get('urn:xmpp:ping', 'ping', () => ({}));

  guardInput(entity, o.maxIncomingStanzaBytes ?? MAX_INCOMING_STANZA_BYTES);
  // xmpp.js follows <see-other-host/> by reconnecting on its own: that would be a second reconnect
  // policy (and a redirect we did not configure). Report it as an error instead.
  (entity as unknown as { _onSeeOtherHost(err: unknown): void })._onSeeOtherHost = (err: unknown) => { entity.emit('error', err); };

  // an entity 'error' without listener would throw: the adapter adds its own, this one keeps it safe
  entity.on('error', () => {});

  const iq = new IqRequester(middleware, (el) => entity.send(el), () => {
    const full = entity.jid?.toString() ?? '';
    const bare = entity.jid?.bare().toString() ?? '';
    return { full, bare, domain: o.domain };
  });

  return {
    entity,
    middleware,
    iqCaller,
    iqCallee,
    iq,
    sm,
    socket: () => (entity.socket as XmppSocket | null) ?? null,
    send: (el) => entity.send(el),
  };
}

/**
 * no single stanza may grow beyond this many bytes of input; the stream is closed instead. Large
 * enough for a roster of 50,000 contacts at login (about 5 MiB), small enough to bound memory.
 */
export const MAX_INCOMING_STANZA_BYTES = 16 * 1024 * 1024;

/**
 * The stanza guard, in front of every middleware: a stanza whose `from` is not a valid JID is
 * dropped (xmpp.js would throw while parsing it), a handler that throws cannot escape into the
 * socket's data callback, and a peer cannot make us buffer an endless element.
 */
function guardInput(entity: Client, maxBytes: number): void {
  const e = entity as unknown as { _onElement(el: XmlElement): void; _onData(d: Buffer | string): void; parser: unknown; isStanza(el: XmlElement): boolean; emit(ev: string, ...a: unknown[]): boolean; disconnect(): Promise<unknown> };
  const onElement = Client.prototype._onElement;
  let pending = 0;
  e._onElement = function (el: XmlElement) {
    pending = 0;
    try {
      if (e.isStanza(el)) {
        for (const a of ['from', 'to'] as const) {
          const v = el.attrs[a];
          if (v !== undefined && normalizeJid(v) === null) {
            e.emit('bad-stanza', `a ${el.name} with an invalid '${a}' address was dropped`);
            return;
          }
        }
      }
      onElement.call(entity, el);
    } catch (err) {
      e.emit('error', err);
    }
  };
  const onData = (Client.prototype as unknown as { _onData(d: Buffer | string): void })._onData;
  // input arrives as text pieces (transport.ts / inputQueue.ts), counted here in UTF-8 bytes
  e._onData = function (d: Buffer | string) {
    // the parser was dropped (an XML error closes the stream): pieces still queued go nowhere
    if (!e.parser) return;
    pending += typeof d === 'string' ? Buffer.byteLength(d) : d.length;
    if (pending > maxBytes) {
      e.emit('error', new AdapterError({ kind: 'protocol', fatal: false, message: `the server sent more than ${maxBytes} bytes in one stanza; connection closed`, code: 'stanza-too-large' }));
      pending = 0;
      (entity.socket as XmppSocket | null)?.destroy();
      return;
    }
    try {
      onData.call(entity, d);
    } catch (err) {
      e.emit('error', err);
    }
  };
}
