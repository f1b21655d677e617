/**
 * Our own transport for irc-framework (irc-framework's TLS takes no `ca` and no pin):
 * TCP directly or through a SOCKS5 / HTTP CONNECT proxy, then TLS verified against a CA PEM
 * (or the system roots) or an explicit SHA-256 certificate pin. Verification is never turned off.
 * Incoming lines are capped in size and decoded as UTF-8 with replacement characters, then handed
 * to irc-framework in slices (see lineSlicer.ts); the socket is paused while too many wait.
 */
import { createHash, X509Certificate } from 'node:crypto';
import { EventEmitter } from 'node:events';
import { connect as netConnect, type Socket } from 'node:net';
import { connect as tlsConnect, type ConnectionOptions, type PeerCertificate, type TLSSocket } from 'node:tls';
import { SocksClient } from 'socks';
import { AdapterError } from '../../core/protocol/types';
import { lineScheduler, type LineQueue } from './lineSlicer';

export interface ProxyConfig {
  type: 'socks5' | 'http';
  host: string;
  port: number;
  user?: string;
  password?: string;
}

export interface TransportConfig {
  host: string;
  port: number;
  tls: boolean;
  /** PEM of the CA(s) to trust instead of the system roots */
  caPem?: string;
  /** SHA-256 of the server certificate (hex, colons/case ignored); trusts exactly this certificate */
  pinSha256?: string;
  /** TLS server name (default: host when it is a name) */
  servername?: string;
  proxy?: ProxyConfig;
  timeoutMs?: number;
}

/** Longest line we accept from a server before discarding it (IRCv3: 8191 tag bytes + 512). */
export const MAX_INCOMING_LINE = 16 * 1024;

/** lines waiting to be handed on at which the socket stops reading (memory stays bounded; the
 *  server's TCP window fills and it slows down), and the number at which it reads again */
export const PAUSE_AT_LINES = 4000;
const RESUME_AT_LINES = 1000;

export function normalizePin(pin: string): string {
  return pin.replace(/[^0-9a-f]/gi, '').toLowerCase();
}

function certSha256(cert: PeerCertificate): string {
  return createHash('sha256').update(cert.raw).digest('hex');
}

function derToPem(der: Buffer): string {
  const b64 = der.toString('base64').match(/.{1,64}/g)?.join('\n') ?? '';
  return `-----BEGIN CERTIFICATE-----\n${b64}\n-----END CERTIFICATE-----\n`;
}

const isIp = (h: string) => /^[\d.]+$/.test(h) || h.includes(':');

function abortable<T>(p: Promise<T>, signal: AbortSignal | undefined, onAbort: () => void): Promise<T> {
  if (!signal) return p;
  if (signal.aborted) { onAbort(); return Promise.reject(new AdapterError({ kind: 'network', fatal: false, message: 'connection attempt cancelled' })); }
  return new Promise<T>((resolve, reject) => {
    const abort = () => { onAbort(); reject(new AdapterError({ kind: 'network', fatal: false, message: 'connection attempt cancelled' })); };
    signal.addEventListener('abort', abort, { once: true });
    p.then((v) => { signal.removeEventListener('abort', abort); resolve(v); }, (e) => { signal.removeEventListener('abort', abort); reject(e); });
  });
}

function networkError(err: unknown, what: string): AdapterError {
  if (err instanceof AdapterError) return err;
  const e = err as NodeJS.ErrnoException;
  return new AdapterError({ kind: 'network', fatal: false, message: `${what}: ${e?.message ?? String(err)}`, ...(e?.code ? { code: e.code } : {}) }, { cause: err });
}

/** A plain TCP stream to host:port, directly or through the configured proxy. */
export async function openTcp(cfg: TransportConfig, signal?: AbortSignal): Promise<Socket> {
  const timeout = cfg.timeoutMs ?? 20_000;
  if (cfg.proxy?.type === 'socks5') {
    const p = cfg.proxy;
    try {
      const info = await SocksClient.createConnection({
        proxy: { host: p.host, port: p.port, type: 5, ...(p.user ? { userId: p.user, password: p.password ?? '' } : {}) },
        command: 'connect',
        destination: { host: cfg.host, port: cfg.port },
        timeout,
      });
      if (signal?.aborted) { info.socket.destroy(); throw new AdapterError({ kind: 'network', fatal: false, message: 'connection attempt cancelled' }); }
      return info.socket;
    } catch (err) {
      throw networkError(err, `SOCKS5 proxy ${p.host}:${p.port}`);
    }
  }
  const target = cfg.proxy ? { host: cfg.proxy.host, port: cfg.proxy.port } : { host: cfg.host, port: cfg.port };
  const sock = netConnect(target);
  sock.setTimeout(timeout);
  await abortable(new Promise<void>((resolve, reject) => {
    sock.once('connect', () => resolve());
    sock.once('error', (e) => reject(networkError(e, `connecting to ${target.host}:${target.port}`)));
    sock.once('timeout', () => reject(new AdapterError({ kind: 'network', fatal: false, message: `connecting to ${target.host}:${target.port} timed out` })));
  }), signal, () => sock.destroy());
  if (cfg.proxy?.type === 'http') {
    await abortable(httpConnect(sock, cfg), signal, () => sock.destroy());
  }
  sock.setTimeout(0);
  sock.removeAllListeners('timeout');
  sock.removeAllListeners('error');
  return sock;
}

/** HTTP CONNECT tunnel (RFC 9110 §9.3.6) over an open socket to the proxy. */
function httpConnect(sock: Socket, cfg: TransportConfig): Promise<void> {
  const p = cfg.proxy!;
  const hostPort = `${cfg.host.includes(':') ? `[${cfg.host}]` : cfg.host}:${cfg.port}`;
  const auth = p.user ? `Proxy-Authorization: Basic ${Buffer.from(`${p.user}:${p.password ?? ''}`).toString('base64')}\r\n` : '';
  return new Promise((resolve, reject) => {
    let buf = Buffer.alloc(0);
    const onData = (d: Buffer) => {
      buf = Buffer.concat([buf, d]);
      const end = buf.indexOf('\r\n\r\n');
      if (end < 0) {
        if (buf.length > 16384) { cleanup(); reject(new AdapterError({ kind: 'network', fatal: false, message: 'HTTP proxy sent an oversized reply' })); }
        return;
      }
      cleanup();
      const status = /^HTTP\/1\.[01] (\d{3})/.exec(buf.subarray(0, end).toString('latin1'));
      const code = status ? Number(status[1]) : 0;
      if (code >= 200 && code < 300) {
        const rest = buf.subarray(end + 4);
        if (rest.length) sock.unshift(rest);
        resolve();
      } else {
        const fatal = code === 407 || code === 403;
        reject(new AdapterError({ kind: code === 407 ? 'auth' : 'network', fatal, message: `HTTP proxy refused the tunnel (${code || 'no status'})`, code: String(code) }));
      }
    };
    const onErr = (e: Error) => { cleanup(); reject(networkError(e, 'HTTP proxy')); };
    const onClose = () => { cleanup(); reject(new AdapterError({ kind: 'network', fatal: false, message: 'HTTP proxy closed the connection' })); };
    const cleanup = () => { sock.off('data', onData); sock.off('error', onErr); sock.off('close', onClose); };
    sock.on('data', onData);
    sock.on('error', onErr);
    sock.on('close', onClose);
    sock.write(`CONNECT ${hostPort} HTTP/1.1\r\nHost: ${hostPort}\r\n${auth}\r\n`);
  });
}

function tlsError(err: unknown): AdapterError {
  if (err instanceof AdapterError) return err;
  const e = err as NodeJS.ErrnoException;
  const code = e?.code ?? '';
  const certProblem = /CERT|SELF_SIGNED|UNABLE_TO|ERR_TLS|HOSTNAME|ALTNAME|VERIFY/i.test(code);
  if (certProblem) return new AdapterError({ kind: 'tls', fatal: true, message: `TLS certificate not trusted: ${e.message}`, code }, { cause: err });
  return networkError(err, 'TLS');
}

function startTls(raw: Socket, cfg: TransportConfig, opts: { ca?: string[]; pin?: string; partial?: boolean }, onLeaf?: (c: PeerCertificate) => void): Promise<TLSSocket> {
  const servername = cfg.servername ?? (isIp(cfg.host) ? undefined : cfg.host);
  const pin = opts.pin;
  const sock = tlsConnect({
    socket: raw,
    ...(servername ? { servername } : {}),
    ...(opts.ca ? { ca: opts.ca } : {}),
    ...(opts.partial ? { allowPartialTrustChain: true } : {}),
    rejectUnauthorized: true,
    ...(pin ? {
      // the pin names the server: the name check is replaced by the fingerprint check
      checkServerIdentity: (_host: string, cert: PeerCertificate) =>
        certSha256(cert) === pin ? undefined : Object.assign(new Error('server certificate does not match the pinned SHA-256 fingerprint'), { code: 'ERR_TLS_CERT_PIN_MISMATCH' }),
    } : {}),
  } as ConnectionOptions);
  if (onLeaf) sock.prependListener('secure', () => { try { onLeaf(sock.getPeerCertificate(true)); } catch { /* no cert */ } });
  return new Promise((resolve, reject) => {
    sock.once('secureConnect', () => { sock.removeAllListeners('error'); resolve(sock); });
    sock.once('error', (e) => { sock.destroy(); reject(tlsError(e)); });
    raw.once('close', () => reject(new AdapterError({ kind: 'network', fatal: false, message: 'connection closed during the TLS handshake' })));
  });
}

/** Opens the connection described by cfg: TCP (+ proxy) (+ TLS), verified. */
export async function openSocket(cfg: TransportConfig, signal?: AbortSignal): Promise<Socket> {
  const raw = await openTcp(cfg, signal);
  if (!cfg.tls) return raw;
  const ca = cfg.caPem ? [cfg.caPem] : undefined;
  if (!cfg.pinSha256) return abortable(startTls(raw, cfg, { ...(ca ? { ca } : {}) }), signal, () => raw.destroy());
  const pin = normalizePin(cfg.pinSha256);
  // A pinned certificate is usually self-signed or from a private CA: trust exactly that certificate.
  // Learn it on a first handshake (which fails verification unless the chain is trusted anyway),
  // then connect again trusting only that leaf (partial chain) and checking the pin once more.
  let leaf: Buffer | undefined;
  try {
    const s = await abortable(startTls(raw, cfg, { ...(ca ? { ca } : {}), pin }, (c) => { if (c?.raw) leaf = c.raw; }), signal, () => raw.destroy());
    return s;
  } catch (err) {
    if (!leaf) throw err;
    if (createHash('sha256').update(leaf).digest('hex') !== pin) {
      throw new AdapterError({ kind: 'tls', fatal: true, message: 'server certificate does not match the pinned SHA-256 fingerprint', code: 'ERR_TLS_CERT_PIN_MISMATCH' });
    }
  }
  const pem = derToPem(leaf);
  new X509Certificate(pem); // sanity: parses
  const raw2 = await openTcp(cfg, signal);
  return abortable(startTls(raw2, cfg, { ca: [pem], pin, partial: true }), signal, () => raw2.destroy());
}

/**
 * The irc-framework transport interface (connect / writeLine / close / events open, line, close).
 * The socket is opened by `options.confabOpen` (see openSocket), so TLS and proxies stay ours.
 */
export interface ConfabTransportOptions {
  confabOpen: () => Promise<Socket>;
  confabOnError?: (err: AdapterError) => void;
  confabOnOversizedLine?: (bytes: number) => void;
  /** a line whose processing threw (in irc-framework or a handler): reported, never thrown at the socket */
  confabOnBadLine?: (err: unknown) => void;
}

export class ConfabTransport extends EventEmitter implements LineQueue {
  private socket: Socket | null = null;
  private connected = false;
  private buffer: Buffer = Buffer.alloc(0);
  private discarding = false;
  private readonly decoder = new TextDecoder('utf-8', { fatal: false });
  /** decoded lines not yet handed to irc-framework (from `head` on) */
  private lines: string[] = [];
  private head = 0;
  /** the socket is paused because too many lines wait */
  private paused = false;
  /** the socket closed while lines still waited: 'close' follows the last of them */
  private closePending = false;

  constructor(private readonly options: ConfabTransportOptions) {
    super();
  }

  isConnected(): boolean {
    return this.connected;
  }

  /** lines received but not yet handed on (tests, diagnostics) */
  get waitingLines(): number {
    return this.lines.length - this.head;
  }

  connect(): void {
    this.options.confabOpen().then((sock) => {
      this.socket = sock;
      this.connected = true;
      sock.on('data', (d: Buffer) => this.onData(d));
      sock.on('error', (e) => this.options.confabOnError?.(networkError(e, 'connection')));
      sock.on('close', () => {
        const was = this.connected;
        this.connected = false;
        this.socket = null;
        if (!was) return;
        if (this.waitingLines) {
          this.closePending = true;
          lineScheduler.wake(this);
        } else this.emit('close', false);
      });
      this.emit('open');
    }, (err: unknown) => {
      this.options.confabOnError?.(err instanceof AdapterError ? err : networkError(err, 'connection'));
      this.connected = false;
      this.emit('close', err);
    });
  }

  private onData(d: Buffer): void {
    this.buffer = this.buffer.length ? Buffer.concat([this.buffer, d]) : d;
    let start = 0;
    const before = this.waitingLines;
    for (;;) {
      const nl = this.buffer.indexOf(0x0a, start);
      if (nl < 0) break;
      const line = this.buffer.subarray(start, nl);
      start = nl + 1;
      if (this.discarding) { this.discarding = false; continue; }
      if (line.length > MAX_INCOMING_LINE) { this.options.confabOnOversizedLine?.(line.length); continue; }
      // NUL is not allowed anywhere in an IRC line: drop it rather than pass it on
      let text = this.decoder.decode(line).replace(/\r$/, '');
      if (text.includes('\0')) text = text.replace(/\0/g, '');
      if (text) this.lines.push(text);
    }
    this.buffer = this.buffer.subarray(start);
    if (this.buffer.length > MAX_INCOMING_LINE) {
      // a line without end in sight: drop what we have and the rest of it when its newline arrives
      if (!this.discarding) this.options.confabOnOversizedLine?.(this.buffer.length);
      this.discarding = true;
      this.buffer = Buffer.alloc(0);
    }
    const waiting = this.waitingLines;
    if (waiting > before) lineScheduler.wake(this);
    if (waiting >= PAUSE_AT_LINES && !this.paused && this.socket) {
      this.paused = true;
      this.socket.pause();
    }
  }

  /** LineQueue: called by the line scheduler with its budget */
  drain(take: () => boolean): boolean {
    while (this.head < this.lines.length && take()) {
      const text = this.lines[this.head++]!;
      try {
        this.emit('line', text);
      } catch (err) {
        this.options.confabOnBadLine?.(err);
      }
    }
    if (this.head >= this.lines.length) {
      this.lines = [];
      this.head = 0;
    } else if (this.head > 1024 && this.head * 2 > this.lines.length) {
      this.lines = this.lines.slice(this.head);
      this.head = 0;
    }
    const waiting = this.waitingLines;
    if (this.paused && waiting <= RESUME_AT_LINES) {
      this.paused = false;
      this.socket?.resume();
    }
    if (!waiting && this.closePending) {
      this.closePending = false;
      this.emit('close', false);
    }
    return waiting > 0;
  }

  writeLine(line: string, cb?: () => void): void {
    if (this.socket && this.connected) this.socket.write(line + '\r\n', cb);
    else if (cb) process.nextTick(cb);
  }

  close(force?: boolean): void {
    if (!this.socket) return;
    if (force) this.socket.destroy();
    else this.socket.end();
  }

  disposeSocket(): void {
    lineScheduler.forget(this);
    this.lines = [];
    this.head = 0;
    this.closePending = false;
    this.paused = false;
    if (this.socket) {
      this.socket.removeAllListeners();
      this.socket.on('error', () => {});
      this.socket.destroy();
      this.socket = null;
    }
    this.connected = false;
  }

  setEncoding(encoding: string): boolean {
    return /^utf-?8$/i.test(encoding);
  }
}
