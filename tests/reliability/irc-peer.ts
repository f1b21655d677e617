/**
 * The other person on a real IRC server, over a bare socket, for server-restart tests: it
 * reconnects when asked, records every PRIVMSG and JOIN it sees, and `sync()` (PING → PONG) tells
 * when the server has processed every line sent before it — "the server accepted these".
 */
import { connect as tcpConnect, type Socket } from 'node:net';
import { LOOPBACK } from '../harness/util';
import { sleep, until } from './lib';

export interface IrcPeer {
  readonly nick: string;
  /** every PRIVMSG seen on any connection, in order */
  received: { from: string; target: string; body: string }[];
  /** every JOIN seen, and everyone listed in NAMES when we joined: who is in which channel (lower-case) */
  joins: { nick: string; channel: string; via: 'join' | 'names' }[];
  connected(): boolean;
  /** (re)connects, retrying until the server takes the registration */
  connect(timeoutMs?: number): Promise<void>;
  join(channel: string): Promise<void>;
  privmsg(target: string, body: string): void;
  /** resolves once the server answered a PING sent after every earlier line */
  sync(timeoutMs?: number): Promise<void>;
  close(): void;
}

export function ircPeer(port: number, nick: string): IrcPeer {
  let socket: Socket | null = null;
  let registered = false;
  const pongs = new Set<string>();
  const names = new Set<string>();
  let seq = 0;
  const peer: IrcPeer = {
    nick,
    received: [],
    joins: [],
    connected: () => registered && !!socket && !socket.destroyed,
    async connect(timeoutMs = 30_000) {
      const end = Date.now() + timeoutMs;
      for (;;) {
        if (await attempt()) return;
        if (Date.now() > end) throw new Error(`${nick} could not register on port ${port}`);
        await sleep(100);
      }
    },
    async join(channel) {
      names.delete(channel.toLowerCase());
      write(`JOIN ${channel}`);
      await until(() => names.has(channel.toLowerCase()), `${nick} joined ${channel}`);
    },
    privmsg: (target, body) => write(`PRIVMSG ${target} :${body}`),
    async sync(timeoutMs = 15_000) {
      const token = `sync${++seq}`;
      write(`PING ${token}`);
      await until(() => pongs.has(token), `${nick}: PONG ${token}`, timeoutMs);
    },
    close() {
      registered = false;
      try { socket?.end('QUIT :bye\r\n'); } catch { /* closed */ }
      const s = socket;
      setTimeout(() => s?.destroy(), 200);
      socket = null;
    },
  };

  function write(line: string) {
    if (!socket || socket.destroyed) throw new Error(`${nick} is not connected`);
    socket.write(line + '\r\n');
  }

  function attempt(): Promise<boolean> {
    registered = false;
    return new Promise((resolve) => {
      const s = tcpConnect({ host: LOOPBACK, port });
      socket = s;
      s.setNoDelay(true);
      s.setEncoding('utf8');
      let buf = '';
      let settled = false;
      const settle = (ok: boolean) => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        if (!ok) s.destroy();
        resolve(ok);
      };
      const timer = setTimeout(() => settle(false), 10_000);
      s.on('error', () => settle(false));
      s.on('close', () => { registered = false; settle(false); });
      s.on('data', (d: string) => {
        buf += d;
        let i: number;
        while ((i = buf.indexOf('\n')) >= 0) {
          const line = buf.slice(0, i).replace(/\r$/, '');
          buf = buf.slice(i + 1);
          const m = /^(?:@\S+ )?(?::(\S+) )?(\S+)(?: (.*))?$/.exec(line);
          if (!m) continue;
          const [, prefix = '', cmd = '', rest = ''] = m;
          const from = prefix.split('!')[0] ?? '';
          const params = rest.startsWith(':') ? [rest.slice(1)] : rest.split(' :')[0]!.split(' ').concat(rest.includes(' :') ? [rest.slice(rest.indexOf(' :') + 2)] : []);
          if (cmd === 'PING') s.write(`PONG :${params[params.length - 1] ?? ''}\r\n`);
          else if (cmd === 'PONG') pongs.add(params[params.length - 1] ?? '');
          else if (cmd === '001') { registered = true; settle(true); }
          else if (cmd === '433') s.write(`NICK ${nick}_\r\n`); // our previous connection still holds the nick
          else if (cmd === 'JOIN') peer.joins.push({ nick: from, channel: (params[0] ?? '').toLowerCase(), via: 'join' });
          else if (cmd === '353') {
            // RPL_NAMREPLY: me = #channel :@op +voice nick — who was there before us
            const channel = (params[params.length - 2] ?? '').toLowerCase();
            for (const n of (params[params.length - 1] ?? '').split(' ').filter(Boolean)) peer.joins.push({ nick: n.replace(/^[~&@%+]+/, ''), channel, via: 'names' });
          }
          else if (cmd === '366') names.add((params[1] ?? '').toLowerCase());
          else if (cmd === 'PRIVMSG') peer.received.push({ from, target: params[0] ?? '', body: params[1] ?? '' });
        }
      });
      s.write(`NICK ${nick}\r\nUSER ${nick.slice(0, 9)} 0 * :restart peer\r\n`);
    });
  }

  return peer;
}
