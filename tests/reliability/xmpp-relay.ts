/**
 * A hostile middle for XMPP: a direct-TLS endpoint on a random 127.0.0.1 port, with a certificate
 * from the SAME per-run test CA as the harness's Prosody (so the account trusts it exactly as it
 * trusts Prosody), that relays every byte to Prosody's direct-TLS port. The real server does the
 * real login (SCRAM, bind, roster, …); the test then injects whatever bytes it likes into the
 * client's stream ("the server" says it), or cuts the connection in the middle of a stanza.
 */
import { connect as tlsConnect, createServer, type TLSSocket } from 'node:tls';
import type { ProsodyServer } from '../harness/prosody';
import { LOOPBACK } from '../harness/util';

export interface XmppRelay {
  port: number;
  /** client sockets accepted so far */
  accepted(): number;
  /**
   * bytes from "the server" to every connected client; `stanzas`: how many top-level stanzas they
   * hold, subtracted from the client's stream-management acks (XEP-0198 `<a h=…/>`) on the way up,
   * so the real server never sees more stanzas acknowledged than it sent
   */
  inject(data: string | Buffer, stanzas?: number): void;
  /** closes every client connection (optionally after writing a partial stanza) */
  cut(partial?: string): void;
  close(): Promise<void>;
}

export async function startXmppRelay(server: ProsodyServer): Promise<XmppRelay> {
  if (!server.ca || !server.tlsPort) throw new Error('the XMPP relay needs the harness Prosody (its CA and direct TLS port)');
  const cert = server.ca.issue(server.domain, [server.domain]);
  const clients = new Set<TLSSocket>();
  const injected = new Map<TLSSocket, number>();
  let accepted = 0;
  const srv = createServer({ cert: cert.certPem, key: cert.keyPem }, (down) => {
    accepted++;
    clients.add(down);
    const up = tlsConnect({ host: LOOPBACK, port: server.tlsPort!, ca: server.caPem, servername: server.domain });
    up.on('data', (d: Buffer) => down.writable && down.write(d));
    down.on('data', (d: Buffer) => {
      const extra = injected.get(down) ?? 0;
      let text = d.toString('utf8');
      if (extra && text.includes('urn:xmpp:sm:3')) {
        text = text.replace(/(<a\b[^>]*?\bh=)(['"])(\d+)\2/g, (_m, pre: string, q: string, n: string) => `${pre}${q}${Math.max(0, Number(n) - extra)}${q}`);
        d = Buffer.from(text, 'utf8');
      }
      if (up.writable) up.write(d);
    });
    const end = () => {
      clients.delete(down);
      up.destroy();
      down.destroy();
    };
    up.on('close', end);
    down.on('close', end);
    up.on('error', end);
    down.on('error', end);
  });
  await new Promise<void>((r) => srv.listen(0, LOOPBACK, () => r()));
  const port = (srv.address() as { port: number }).port;
  return {
    port,
    accepted: () => accepted,
    inject(data, stanzas = 1) {
      for (const c of clients) {
        if (!c.writable) continue;
        injected.set(c, (injected.get(c) ?? 0) + stanzas);
        c.write(data);
      }
    },
    cut(partial) {
      for (const c of [...clients]) {
        if (partial && c.writable) c.write(partial);
        c.destroy();
      }
    },
    async close() {
      for (const c of clients) c.destroy();
      await new Promise<void>((r) => srv.close(() => r()));
    },
  };
}

/** `count` valid server roster pushes (one item each), in 256 KB writes */
export async function pushRoster(relay: XmppRelay, self: string, count: number): Promise<void> {
  let pushes = '';
  let n = 0;
  for (let i = 0; i < count; i++) {
    n++;
    pushes += `<iq xmlns='jabber:client' type='set' id='p${i}' to='${self}'><query xmlns='jabber:iq:roster'><item jid='c${i}@big.example' name='Contact ${i}' subscription='both'><group>G${i % 50}</group></item></query></iq>`;
    if (pushes.length > 256 * 1024) {
      relay.inject(pushes, n);
      pushes = '';
      n = 0;
      await new Promise((res) => setTimeout(res, 2));
    }
  }
  relay.inject(pushes, n);
}

