/**
 * Per-account proxies: SOCKS5 (via the `socks` library, remote DNS) and HTTP CONNECT.
 * Both hand back a connected plain TCP socket to the XMPP server; TLS runs inside it end to end.
 */
import { connect as netConnect, type Socket } from 'node:net';
import { SocksClient } from 'socks';
import { AdapterError } from '../../core/protocol/types';

export interface ProxyConfig {
  type: 'socks5' | 'http';
  host: string;
  port: number;
  user?: string;
  password?: string;
}

const netErr = (message: string, cause?: unknown) => new AdapterError({ kind: 'network', fatal: false, message, code: 'proxy' }, { cause });

export async function connectViaProxy(proxy: ProxyConfig, host: string, port: number, timeoutMs: number): Promise<Socket> {
  if (proxy.type === 'socks5') {
    try {
      const { socket } = await SocksClient.createConnection({
        proxy: { host: proxy.host, port: proxy.port, type: 5, ...(proxy.user ? { userId: proxy.user, password: proxy.password ?? '' } : {}) },
        command: 'connect',
        destination: { host, port },
        timeout: timeoutMs,
      });
      return socket;
    } catch (err) {
      const msg = (err as Error).message ?? String(err);
      if (/auth/i.test(msg)) throw new AdapterError({ kind: 'auth', fatal: true, message: `SOCKS5 proxy refused the credentials: ${msg}`, code: 'proxy-auth' }, { cause: err });
      throw netErr(`SOCKS5 proxy ${proxy.host}:${proxy.port}: ${msg}`, err);
    }
  }
  return httpConnect(proxy, host, port, timeoutMs);
}

function httpConnect(proxy: ProxyConfig, host: string, port: number, timeoutMs: number): Promise<Socket> {
  return new Promise((resolve, reject) => {
    const sock = netConnect({ host: proxy.host, port: proxy.port });
    let buf = Buffer.alloc(0);
    const timer = setTimeout(() => fail(netErr(`HTTP proxy ${proxy.host}:${proxy.port}: timeout`)), timeoutMs);
    const fail = (e: AdapterError) => {
      clearTimeout(timer);
      sock.removeAllListeners('data');
      sock.destroy();
      reject(e);
    };
    sock.once('error', (err) => fail(netErr(`HTTP proxy ${proxy.host}:${proxy.port}: ${err.message}`, err)));
    sock.once('connect', () => {
      const target = `${host.includes(':') ? `[${host}]` : host}:${port}`;
      const auth = proxy.user ? `Proxy-Authorization: Basic ${Buffer.from(`${proxy.user}:${proxy.password ?? ''}`).toString('base64')}\r\n` : '';
      sock.write(`CONNECT ${target} HTTP/1.1\r\nHost: ${target}\r\n${auth}\r\n`);
    });
    const onData = (d: Buffer) => {
      buf = Buffer.concat([buf, d]);
      const end = buf.indexOf('\r\n\r\n');
      if (end === -1) {
        if (buf.length > 16_384) fail(netErr('HTTP proxy sent an oversized response'));
        return;
      }
      const status = /^HTTP\/1\.[01] (\d{3})/.exec(buf.subarray(0, end).toString('latin1'));
      if (!status || status[1] !== '200') {
        const code = status?.[1] ?? '?';
        if (code === '407') return fail(new AdapterError({ kind: 'auth', fatal: true, message: 'HTTP proxy requires (other) credentials', code: 'proxy-auth' }));
        return fail(netErr(`HTTP proxy refused CONNECT (status ${code})`));
      }
      clearTimeout(timer);
      sock.removeListener('data', onData);
      sock.removeAllListeners('error');
      const rest = buf.subarray(end + 4);
      if (rest.length) sock.unshift(rest);
      resolve(sock);
    };
    sock.on('data', onData);
  });
}
