/**
 * The XMPP transport of our own: TCP (direct or through a proxy), direct TLS or STARTTLS, with a
 * configurable CA and an optional SHA-256 certificate pin. It never continues without TLS unless the
 * account explicitly allows plaintext AND the server is on a loopback address.
 *
 * - Without a pin: the chain must verify against `ca` (PEM, replaces the system roots when given)
 *   and the certificate must name the XMPP domain (RFC 6125).
 * - With a pin: the server certificate's SHA-256 (DER) must equal the pin; the pin alone decides
 *   (this is how a user accepts a self-signed certificate explicitly).
 */
import { createHash } from 'node:crypto';
import { EventEmitter } from 'node:events';
import { connect as netConnect, isIP, type Socket } from 'node:net';
import { connect as tlsConnect, type TLSSocket } from 'node:tls';
import ConnectionTCP from '@xmpp/connection-tcp';
import { AdapterError } from '../../core/protocol/types';
import { StrictParser } from './parser';
import { SlicedInput } from './inputQueue';
import { connectViaProxy, type ProxyConfig } from './proxy';
import { xml } from './xml';
import type { MiddlewareFn, StreamFeatures, XmlElement } from './xml-types';

export interface TransportConfig {
  host: string;
  port: number;
  /** XMPP domain: TLS server name and the name the certificate must carry */
  domain: string;
  directTls: boolean;
  /** PEM bundle to trust instead of the system roots */
  ca?: string;
  /** SHA-256 of the server certificate (hex, colons optional) */
  pinSha256?: string;
  /** only honoured for loopback hosts */
  allowPlaintext?: boolean;
  proxy?: ProxyConfig;
  timeoutMs: number;
}

export const isLoopback = (host: string) => host === 'localhost' || /^127\./.test(host) || host === '::1' || host === '[::1]';
export const normalizePin = (pin: string) => pin.replace(/[:\s]/g, '').toLowerCase();

const tlsErr = (message: string, code: string, cause?: unknown) => new AdapterError({ kind: 'tls', fatal: true, message, code }, { cause });

async function openTcp(t: TransportConfig): Promise<Socket> {
  if (t.proxy) return connectViaProxy(t.proxy, t.host, t.port, t.timeoutMs);
  return new Promise((resolve, reject) => {
    const s = netConnect({ host: t.host, port: t.port });
    const timer = setTimeout(() => { s.destroy(); reject(new AdapterError({ kind: 'network', fatal: false, message: `connecting to ${t.host}:${t.port} timed out`, code: 'timeout' })); }, t.timeoutMs);
    s.once('connect', () => { clearTimeout(timer); s.removeAllListeners('error'); resolve(s); });
    s.once('error', (err: NodeJS.ErrnoException) => {
      clearTimeout(timer);
      reject(new AdapterError({ kind: 'network', fatal: false, message: `cannot reach ${t.host}:${t.port}: ${err.code ?? err.message}`, code: err.code ?? 'network' }, { cause: err }));
    });
  });
}

/** Wraps a connected socket in TLS and verifies the server as the header comment describes. */
export async function wrapTls(sock: Socket, t: TransportConfig): Promise<TLSSocket> {
  const pin = t.pinSha256 ? normalizePin(t.pinSha256) : undefined;
  return new Promise((resolve, reject) => {
    const s = tlsConnect({
      socket: sock,
      servername: isIP(t.domain) ? undefined : t.domain,
      ...(t.ca ? { ca: [t.ca] } : {}),
      minVersion: 'TLSv1.2',
      // with an explicit pin the pin is the trust decision (checked below); otherwise full verification
      rejectUnauthorized: pin === undefined,
    });
    const timer = setTimeout(() => { s.destroy(); reject(new AdapterError({ kind: 'network', fatal: false, message: 'TLS handshake timed out', code: 'timeout' })); }, t.timeoutMs);
    s.once('secureConnect', () => {
      clearTimeout(timer);
      s.removeAllListeners('error');
      const cert = s.getPeerCertificate();
      const fp = cert?.raw ? createHash('sha256').update(cert.raw).digest('hex') : '';
      if (pin !== undefined && fp !== pin) {
        s.destroy();
        reject(tlsErr(`the server certificate (SHA-256 ${fp}) does not match the pinned fingerprint`, 'pin-mismatch'));
        return;
      }
      resolve(s);
    });
    s.once('error', (err: NodeJS.ErrnoException) => {
      clearTimeout(timer);
      s.destroy();
      if (err.code && /CERT|SELF_SIGNED|ALTNAME|UNABLE_TO|VERIFY|ISSUER|^ERR_SSL_/i.test(err.code)) {
        reject(tlsErr(`the server certificate is not trusted (${err.code}): ${err.message}`, err.code, err));
      } else {
        reject(new AdapterError({ kind: 'network', fatal: false, message: `TLS failed: ${err.code ?? err.message}`, code: err.code ?? 'tls-network' }, { cause: err }));
      }
    });
  });
}

/**
 * The socket object xmpp.js talks to: an EventEmitter in front of the current net/TLS socket.
 * Received text reaches xmpp.js ('data', as strings) in bounded pieces (inputQueue.ts).
 */
export class XmppSocket extends EventEmitter {
  secure = false;
  sock: Socket | TLSSocket | null = null;
  /** received text not yet handed to xmpp.js's parser */
  readonly input = new SlicedInput({
    data: (text) => this.emit('data', text),
    close: () => this.emit('close'),
    pause: () => this.sock?.pause(),
    resume: () => this.sock?.resume(),
  });

  constructor(private readonly t: TransportConfig) {
    super();
  }

  private attach(s: Socket) {
    this.sock = s;
    this.input.reset();
    s.on('data', (d: Buffer) => this.input.push(d));
    s.on('error', (e: Error) => this.emit('error', new AdapterError({ kind: 'network', fatal: false, message: `connection error: ${(e as NodeJS.ErrnoException).code ?? e.message}`, code: 'socket' }, { cause: e })));
    s.on('close', () => {
      if (this.sock === s) {
        this.sock = null;
        this.input.closed();
      }
    });
  }

  connect(): void {
    void (async () => {
      let s: Socket = await openTcp(this.t);
      if (this.t.directTls) {
        s = await wrapTls(s, this.t);
        this.secure = true;
      }
      this.attach(s);
      this.emit('connect');
    })().catch((err: unknown) => this.emit('error', err));
  }

  /** STARTTLS: replaces the plain socket by TLS over it; listeners of xmpp.js stay on this object. */
  async startTls(): Promise<void> {
    const plain = this.sock;
    if (!plain) throw new AdapterError({ kind: 'network', fatal: false, message: 'connection closed before TLS', code: 'socket' });
    plain.removeAllListeners('data');
    plain.removeAllListeners('close');
    plain.removeAllListeners('error');
    plain.on('error', () => {});
    this.sock = null;
    const s = await wrapTls(plain, this.t);
    this.secure = true;
    this.attach(s);
  }

  write(data: string, cb?: (err?: Error | null) => void): void {
    if (!this.sock) {
      cb?.(new AdapterError({ kind: 'network', fatal: false, message: 'not connected', code: 'socket' }));
      return;
    }
    this.sock.write(data, cb);
  }

  end(): void {
    if (this.sock) this.sock.end();
    else if (!this.input.waiting) this.emit('close'); // else the close follows the waiting input
  }

  /** drops the connection without closing the stream (tests: a lost network); input still waiting is dropped too */
  destroy(): void {
    this.input.discard();
    this.sock?.destroy();
  }
}

/** Builds the xmpp.js Transport class bound to one account's transport config. */
export function makeTransport(t: TransportConfig) {
  class ConfabTransport extends (ConnectionTCP as unknown as new (...a: unknown[]) => object) {
    socketParameters(): Record<string, unknown> {
      return { host: t.host, port: t.port };
    }
  }
  (ConfabTransport.prototype as unknown as { NS: string }).NS = 'jabber:client';
  // restricted XML (RFC 6120 §11.1): DOCTYPE, comments, unknown entities close the stream (parser.ts)
  (ConfabTransport.prototype as unknown as { Parser: unknown }).Parser = StrictParser;
  (ConfabTransport.prototype as unknown as { Socket: unknown }).Socket = class extends XmppSocket {
    constructor() {
      super(t);
    }
  };
  return ConfabTransport;
}

const NS_TLS = 'urn:ietf:params:xml:ns:xmpp-tls';

/** STARTTLS stream feature of our own (uses the account's CA/pin; fails closed). */
export function starttlsFeature(streamFeatures: StreamFeatures, t: TransportConfig): void {
  streamFeatures.use('starttls', NS_TLS, async ({ entity }, next) => {
    const e = entity as { socket: XmppSocket | null; isSecure(): boolean; sendReceive(el: XmlElement, timeout?: number): Promise<XmlElement>; restart(): Promise<void> };
    if (e.isSecure()) return next();
    const answer = await e.sendReceive(xml('starttls', { xmlns: NS_TLS }), t.timeoutMs);
    if (!answer.is('proceed', NS_TLS)) throw tlsErr('the server refused STARTTLS', 'starttls-failure');
    if (!e.socket) throw new AdapterError({ kind: 'network', fatal: false, message: 'connection closed during STARTTLS', code: 'socket' });
    await e.socket.startTls();
    await e.restart();
  });
}

/** Refuses to go on when the server's features come over an unencrypted stream without STARTTLS. */
export function requireTls(t: TransportConfig): MiddlewareFn {
  return (ctx, next) => {
    const { stanza } = ctx;
    const e = ctx.entity as { isSecure(): boolean };
    if (!stanza.is('features', 'http://etherx.jabber.org/streams') || e.isSecure()) return next();
    if (stanza.getChild('starttls', NS_TLS)) return next();
    if (t.allowPlaintext && isLoopback(t.host) && !t.proxy) return next();
    throw tlsErr('the server does not offer TLS; refusing to send credentials in clear text', 'no-tls');
  };
}
