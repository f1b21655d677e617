/**
 * A hostile IRC server on a random 127.0.0.1 port: it registers any client properly (CAP LS/REQ
 * with server-time and message-tags, 001–005, MOTD) and then hands the socket to the scenario named
 * by the client's nick prefix, which writes whatever broken bytes it likes.
 */
import { createServer, type Server, type Socket } from 'node:net';
import { LOOPBACK } from '../harness/util';

export interface HostileConn {
  nick: string;
  socket: Socket;
  /** lines received from the client so far */
  lines: string[];
  write(data: string | Buffer): boolean;
}

export type Scenario = (c: HostileConn) => void | Promise<void>;

export interface HostileIrc {
  port: number;
  /** connections per nick, in order */
  connections: Map<string, number>;
  close(): Promise<void>;
}

export async function startHostileIrc(scenarios: Record<string, Scenario>): Promise<HostileIrc> {
  const sockets = new Set<Socket>();
  const connections = new Map<string, number>();
  const server: Server = createServer((socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    socket.on('error', () => {});
    let buf = '';
    let nick = '';
    let user = false;
    let capOpen = false;
    let started = false;
    const conn: HostileConn = {
      nick: '',
      socket,
      lines: [],
      write: (d) => (socket.writable ? socket.write(d) : false),
    };
    const start = () => {
      if (started || !nick || !user || capOpen) return;
      started = true;
      conn.nick = nick;
      connections.set(nick, (connections.get(nick) ?? 0) + 1);
      const s = ':hostile.test';
      conn.write(
        [
          `${s} 001 ${nick} :Welcome ${nick}`,
          `${s} 002 ${nick} :Your host is hostile.test`,
          `${s} 003 ${nick} :This server was created today`,
          `${s} 004 ${nick} hostile.test 1.0 iow ovb`,
          `${s} 005 ${nick} CHANTYPES=# PREFIX=(ov)@+ NETWORK=Hostile CASEMAPPING=rfc1459 :are supported`,
          `${s} 375 ${nick} :- MOTD -`,
          `${s} 376 ${nick} :End of MOTD`,
        ].join('\r\n') + '\r\n',
      );
      const key = Object.keys(scenarios).find((k) => nick.startsWith(k));
      if (key) void Promise.resolve(scenarios[key]!(conn)).catch(() => socket.destroy());
    };
    socket.setEncoding('latin1');
    socket.on('data', (d: string) => {
      buf += d;
      let i: number;
      while ((i = buf.indexOf('\n')) >= 0) {
        const line = buf.slice(0, i).replace(/\r$/, '');
        buf = buf.slice(i + 1);
        conn.lines.push(line);
        if (conn.lines.length > 100_000) conn.lines.splice(0, 50_000);
        const [cmd = '', ...rest] = line.split(' ');
        switch (cmd.toUpperCase()) {
          case 'CAP': {
            const sub = (rest[0] === '*' ? rest[1] : rest[0])?.toUpperCase();
            const sub2 = rest.find((r) => /^(LS|REQ|END)$/i.test(r))?.toUpperCase() ?? sub;
            if (sub2 === 'LS') {
              capOpen = true;
              conn.write(':hostile.test CAP * LS :server-time message-tags\r\n');
            } else if (sub2 === 'REQ') {
              const caps = line.slice(line.indexOf(':') + 1);
              conn.write(`:hostile.test CAP * ACK :${caps}\r\n`);
            } else if (sub2 === 'END') {
              capOpen = false;
              start();
            }
            break;
          }
          case 'NICK':
            nick = (rest[0] ?? '').replace(/^:/, '');
            start();
            break;
          case 'USER':
            user = true;
            start();
            break;
          case 'PING':
            conn.write(`:hostile.test PONG hostile.test ${rest.join(' ')}\r\n`);
            break;
          default:
            break;
        }
      }
    });
  });
  await new Promise<void>((resolve) => server.listen(0, LOOPBACK, () => resolve()));
  const port = (server.address() as { port: number }).port;
  return {
    port,
    connections,
    async close() {
      for (const s of sockets) s.destroy();
      await new Promise<void>((r) => server.close(() => r()));
    },
  };
}
