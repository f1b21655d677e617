/**
 * Foundation harness: the office proxies. Two IRC clients reach ngircd through microsocks (SOCKS5)
 * and through tinyproxy (HTTP CONNECT) and exchange a message, TLS included.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startNgircd, type IrcServer } from '../harness/ngircd';
import { startHttpConnect, startSocks5, type ProxyServer } from '../harness/proxies';
import { exchange, uniqueNick, wireClient, type WireClient } from '../irc/wire-clients';

let s: IrcServer;
let socks: ProxyServer;
let http: ProxyServer;
const clients: WireClient[] = [];
beforeAll(async () => {
  [s, socks, http] = await Promise.all([startNgircd(), startSocks5(), startHttpConnect()]);
});
afterAll(async () => {
  for (const c of clients) c.close();
  await Promise.all([s?.stop(), socks?.stop(), http?.stop()]);
});

describe.each([
  ['SOCKS5 (microsocks)', () => ({ type: 'socks5' as const, host: socks.host, port: socks.port })],
  ['HTTP CONNECT (tinyproxy)', () => ({ type: 'http' as const, host: http.host, port: http.port })],
])('through %s', (_name, proxy) => {
  it('two clients exchange a message over plain TCP', async () => {
    const a = await wireClient({ host: s.host, port: s.port, tls: false, proxy: proxy(), nick: uniqueNick('pa') });
    const b = await wireClient({ host: s.host, port: s.port, tls: false, proxy: proxy(), nick: uniqueNick('pb') });
    clients.push(a, b);
    expect((await exchange(a, b, 'hello through the proxy')).message).toBe('hello through the proxy');
  });

  it('TLS through the proxy is verified end to end', async () => {
    if (!s.tlsPort) { console.warn('skipped: no TLS port'); return; }
    const a = await wireClient({ host: s.host, port: s.tlsPort, tls: true, caPem: s.caPem, servername: 'localhost', proxy: proxy(), nick: uniqueNick('pt') });
    const b = await wireClient({ host: s.host, port: s.port, tls: false, nick: uniqueNick('pu') });
    clients.push(a, b);
    expect((await exchange(a, b, 'tls through the proxy')).message).toBe('tls through the proxy');
  });

  it('a proxy that cannot reach the server reports a network error', async () => {
    await expect(wireClient({ host: s.host, port: 1, tls: false, proxy: proxy(), nick: uniqueNick('pe') }, 5000)).rejects.toMatchObject({ kind: 'network' });
  });
});
