/**
 * The web host's HTTP + WebSocket server. Loopback only; a random token (sent by the page as a
 * WebSocket sub-protocol, so it never lands in a URL the server logs); Host and Origin checked on
 * every request (DNS rebinding, cross-site WebSockets); frames bounded and parsed defensively.
 * It knows nothing of the commands: `bridge` validates and forwards them.
 */
import { createServer, type IncomingMessage, type Server } from 'node:http';
import { randomBytes, timingSafeEqual } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import type { Duplex } from 'node:stream';
import { WebSocketServer, type WebSocket } from 'ws';
import { MAX_FRAME_BYTES, RequestFrameSchema, type AnyEvent, type RequestFrame } from '../contract/index';
import { securityHeaders, serveStatic } from './static';

export const LOOPBACK = '127.0.0.1';
export const WS_PATH = '/ws';
export const PROTOCOL = 'confab.v1';
export interface Handler {
  /** validates and runs one command; resolves with the reply object sent back as is */
  call(cmd: string, input: unknown): Promise<unknown>;
}

export interface WebServer {
  url: string;
  port: number;
  token: string;
  /** sends a batch of engine events to every connected page */
  broadcast(events: AnyEvent[]): void;
  clients(): number;
  close(): Promise<void>;
}

/** the contract's request frame, or null for anything else (bad JSON, wrong shape) */
export function parseRequestFrame(data: string): RequestFrame | null {
  let v: unknown;
  try {
    v = JSON.parse(data);
  } catch {
    return null;
  }
  const r = RequestFrameSchema.safeParse(v);
  return r.success ? (r.data as RequestFrame) : null;
}

function sameToken(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

export async function startWebServer(opts: { port: number; staticDir: string; handler: Handler; token?: string }): Promise<WebServer> {
  const token = opts.token ?? randomBytes(24).toString('hex');
  let port = opts.port;
  const allowedHosts = () => new Set([`${LOOPBACK}:${port}`, `localhost:${port}`]);
  const allowedOrigins = () => new Set([`http://${LOOPBACK}:${port}`, `http://localhost:${port}`]);

  const server: Server = createServer((req, res) => {
    const headers = securityHeaders(port);
    if (!allowedHosts().has(req.headers.host ?? '')) {
      res.writeHead(421, headers).end('wrong host');
      return;
    }
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      res.writeHead(405, { ...headers, Allow: 'GET, HEAD' }).end();
      return;
    }
    serveStatic(opts.staticDir, req.url ?? '/', res, headers);
  });

  const wss = new WebSocketServer({
    noServer: true,
    maxPayload: MAX_FRAME_BYTES,
    perMessageDeflate: false,
    handleProtocols: (protocols) => (protocols.has(PROTOCOL) ? PROTOCOL : false),
  });

  const refuse = (socket: Duplex, code: number, text: string) => {
    socket.end(`HTTP/1.1 ${code} ${text}\r\nConnection: close\r\nContent-Length: 0\r\n\r\n`);
  };

  server.on('upgrade', (req: IncomingMessage, socket: Duplex, head: Buffer) => {
    const path = (req.url ?? '').split('?')[0];
    if (path !== WS_PATH) return refuse(socket, 404, 'Not Found');
    if (!allowedHosts().has(req.headers.host ?? '')) return refuse(socket, 421, 'Misdirected Request');
    if (!allowedOrigins().has(req.headers.origin ?? '')) return refuse(socket, 403, 'Forbidden');
    const offered = String(req.headers['sec-websocket-protocol'] ?? '').split(',').map((s) => s.trim());
    const given = offered.find((p) => p.startsWith('token.'))?.slice('token.'.length) ?? '';
    if (!offered.includes(PROTOCOL) || !sameToken(given, token)) return refuse(socket, 401, 'Unauthorized');
    wss.handleUpgrade(req, socket, head, (ws) => wss.emit('connection', ws, req));
  });

  wss.on('connection', (ws: WebSocket) => {
    ws.on('message', (data, isBinary) => {
      if (isBinary) {
        ws.close(1003, 'text frames only');
        return;
      }
      const frame = parseRequestFrame(data.toString());
      if (!frame) {
        ws.close(1007, 'malformed frame');
        return;
      }
      opts.handler
        .call(frame.cmd, frame.input)
        .catch((e: unknown) => ({ ok: false, error: { code: 'internal', message: e instanceof Error ? e.message : String(e) } }))
        .then((reply) => {
          if (ws.readyState === ws.OPEN) ws.send(JSON.stringify({ t: 'res', id: frame.id, reply }));
        });
    });
    ws.on('error', () => ws.terminate());
  });

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.port, LOOPBACK, () => resolve());
  });
  port = (server.address() as AddressInfo).port;

  return {
    url: `http://${LOOPBACK}:${port}/#token=${token}`,
    port,
    token,
    broadcast(events) {
      const text = JSON.stringify({ t: 'evt', events });
      for (const c of wss.clients) if (c.readyState === c.OPEN) c.send(text);
    },
    clients: () => wss.clients.size,
    async close() {
      for (const c of wss.clients) c.terminate();
      wss.close();
      server.closeAllConnections();
      await new Promise<void>((r) => server.close(() => r()));
    },
  };
}
