/** A TCP forwarder between a client and a server that a test can freeze or cut: a network drop on demand. */
import { createServer, connect, type Socket } from 'node:net';
import { LOOPBACK } from '../harness/util';

export interface CutProxy {
  port: number;
  /** stop relaying (both ways) without closing: messages vanish like on a dead link */
  freeze(): void;
  /** drop every connection now */
  cutAll(): void;
  /** what clients wrote (raw bytes as text), for tests that check the wire */
  clientBytes(): string;
  stop(): Promise<void>;
}

export async function startCutProxy(target: { host: string; port: number }): Promise<CutProxy> {
  const pairs = new Set<[Socket, Socket]>();
  let frozen = false;
  let fromClients = '';
  const srv = createServer((client) => {
    const upstream = connect(target.port, target.host);
    const pair: [Socket, Socket] = [client, upstream];
    pairs.add(pair);
    client.on('data', (d) => { fromClients += d.toString('utf8'); if (!frozen) upstream.write(d); });
    upstream.on('data', (d) => { if (!frozen) client.write(d); });
    const close = () => { pairs.delete(pair); client.destroy(); upstream.destroy(); };
    client.on('close', close); upstream.on('close', close);
    client.on('error', close); upstream.on('error', close);
  });
  await new Promise<void>((r) => srv.listen(0, LOOPBACK, r));
  const addr = srv.address();
  return {
    port: typeof addr === 'object' && addr ? addr.port : 0,
    freeze() { frozen = true; },
    clientBytes: () => fromClients,
    cutAll() { frozen = false; for (const [a, b] of [...pairs]) { a.destroy(); b.destroy(); } pairs.clear(); },
    stop: () => new Promise<void>((r) => { for (const [a, b] of pairs) { a.destroy(); b.destroy(); } srv.close(() => r()); }),
  };
}
