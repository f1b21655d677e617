/**
 * Raw TCP IRC fixtures on 127.0.0.1:
 * - a hostile server that registers the client and then sends broken input;
 * - a small spec-following CHATHISTORY server (IRCv3 chathistory with batch, labeled-response,
 *   message-tags, server-time): no Debian IRC server offers CHATHISTORY, so this stands in for one.
 */
import { createServer, type Socket } from 'node:net';
import { LOOPBACK } from '../harness/util';

export interface Fixture {
  port: number;
  /** lines the clients sent */
  received: string[];
  stop(): Promise<void>;
}

function lineServer(onClient: (sock: Socket, send: (l: string | Buffer) => void, onLine: (fn: (l: string) => void) => void) => void): Promise<Fixture & { sockets: Set<Socket> }> {
  const received: string[] = [];
  const sockets = new Set<Socket>();
  const srv = createServer((sock) => {
    sockets.add(sock);
    sock.on('close', () => sockets.delete(sock));
    sock.on('error', () => {});
    const handlers: ((l: string) => void)[] = [];
    let buf = '';
    sock.on('data', (d) => {
      buf += d.toString('utf8');
      let i: number;
      while ((i = buf.indexOf('\n')) >= 0) {
        const line = buf.slice(0, i).replace(/\r$/, '');
        buf = buf.slice(i + 1);
        received.push(line);
        for (const h of handlers) h(line);
      }
    });
    onClient(sock, (l) => { if (!sock.destroyed) sock.write(typeof l === 'string' ? l + '\r\n' : l); }, (fn) => handlers.push(fn));
  });
  return new Promise((resolve) => srv.listen(0, LOOPBACK, () => {
    const a = srv.address();
    resolve({
      port: typeof a === 'object' && a ? a.port : 0, received, sockets,
      stop: () => new Promise<void>((r) => { for (const s of sockets) s.destroy(); srv.close(() => r()); }),
    });
  }));
}

const NAME = 'fixture.confab.test';

function register(send: (l: string) => void, nick: string, isupport = 'CHANTYPES=# CASEMAPPING=ascii NICKLEN=30') {
  send(`:${NAME} 001 ${nick} :Welcome ${nick}!u@fixture.host`);
  send(`:${NAME} 005 ${nick} ${isupport} :are supported`);
  send(`:${NAME} 376 ${nick} :End of MOTD`);
}

/** The hostile peer: after registration, broken input, then one good PRIVMSG "still alive". */
export async function startHostileServer(): Promise<Fixture> {
  return lineServer((_sock, send, onLine) => {
    let nick = 'me';
    let done = false;
    onLine((l) => {
      const [verb, arg] = l.split(' ');
      if (verb === 'NICK' && arg) nick = arg;
      if (verb === 'PING') send(`:${NAME} PONG ${NAME} :${l.split(' ')[1] ?? ''}`);
      if (verb === 'USER' && !done) {
        done = true;
        register(send, nick);
        const raw = (s: string) => send(Buffer.concat([Buffer.from(s, 'latin1'), Buffer.from('\r\n')]));
        // invalid UTF-8
        raw(`:evil!e@h PRIVMSG ${nick} :bad \xff\xfe bytes`);
        // a 1 MB line
        send(Buffer.from(`:evil!e@h PRIVMSG ${nick} :${'A'.repeat(1024 * 1024)}\r\n`));
        // numerics and commands with missing parameters
        for (const v of ['001', '005', '353', '366', '332', '333', '433', '302', '352', '396', '730', '731', '303', '904', '464', '475', '401', '404',
          'KICK', 'MODE', 'JOIN', 'NICK', 'PART', 'TOPIC', 'INVITE', 'BATCH', 'PRIVMSG', 'NOTICE', 'TAGMSG', 'AWAY', 'CHGHOST', 'QUIT', 'CAP', 'ACCOUNT', 'FAIL', '354', '734', 'SETNAME']) {
          send(`:${NAME} ${v}`);
          send(`:x!y@z ${v}`);
        }
        send(`:x!y@z PRIVMSG ${nick}`);
        send(`:${NAME} 354 ${nick} 152 #c`);
        send(`:${NAME} 354 ${nick} 152 #c u h n`);
        send(':x!y@z JOIN #c acct');
        send(':x!y@z CHGHOST onlyuser');
        send('@+typing :x!y@z TAGMSG');
        send(`:${NAME} BATCH -never-opened`);
        send(`@batch=unknown :x!y@z PRIVMSG ${nick} :in an unknown batch`);
        send(`:x!y@z MODE #nochan +o`);
        send(`:x!y@z KICK #nochan ${nick}`);
        // unknown commands and numerics
        send(`:${NAME} FROBNICATE a b :c d`);
        send(`:${NAME} 999 ${nick} what`);
        send('');
        send('\r');
        send(':');
        send('@');
        send('@a=b');
        // CTCP flood
        for (let i = 0; i < 200; i++) send(`:flood${i % 5}!f@h PRIVMSG ${nick} :\x01VERSION\x01`);
        // NUL bytes
        raw(`:evil!e@h PRIVMSG ${nick} :nul\x00byte`);
        // and then a friendly message
        send(`:friend!f@h PRIVMSG ${nick} :still alive`);
      }
    });
  });
}

export interface HistoryMessage { msgid: string; time: string; from: string; text: string }

/** A CHATHISTORY server (BEFORE / AFTER / LATEST, msgid= and timestamp= references), with `count` stored messages in `channel`. */
export async function startHistoryServer(channel: string, count: number): Promise<Fixture & { messages: HistoryMessage[] }> {
  const base = Date.parse('2026-01-01T10:00:00.000Z');
  const messages: HistoryMessage[] = Array.from({ length: count }, (_, i) => ({
    msgid: `m${i + 1}`, time: new Date(base + i * 60_000).toISOString(), from: i % 2 ? 'bob' : 'carol', text: `history line ${i + 1}`,
  }));
  const LIMIT = 50;
  const f = await lineServer((_sock, send, onLine) => {
    let nick = 'me';
    let batchN = 0;
    let negotiating = false;
    let userSeen = false;
    const registerNow = () => register(send, nick, `CHANTYPES=# CASEMAPPING=ascii CHATHISTORY=${LIMIT} MSGREFTYPES=msgid,timestamp`);
    onLine((line) => {
      const tagMatch = /^@(\S+) /.exec(line);
      const tags = Object.fromEntries((tagMatch?.[1] ?? '').split(';').filter(Boolean).map((t) => t.split('=') as [string, string]));
      const rest = tagMatch ? line.slice(tagMatch[0].length) : line;
      const [verb = '', ...params] = rest.split(' ');
      const label = tags.label;
      const lbl = label ? `@label=${label} ` : '';
      switch (verb.toUpperCase()) {
        case 'CAP':
          // registration waits for CAP END, as on a real server
          if (params[0] === 'LS') { negotiating = true; send(`:${NAME} CAP * LS :batch labeled-response message-tags server-time draft/chathistory`); }
          else if (params[0] === 'REQ') send(`:${NAME} CAP * ACK :${rest.split(' :')[1] ?? params.slice(1).join(' ')}`);
          else if (params[0] === 'END') { negotiating = false; if (userSeen) registerNow(); }
          break;
        case 'NICK': nick = params[0] ?? nick; break;
        case 'USER': userSeen = true; if (!negotiating) registerNow(); break;
        case 'PING': send(`${lbl}:${NAME} PONG ${NAME} :${params[0] ?? ''}`); break;
        case 'JOIN': send(`${lbl}:${nick}!u@fixture.host JOIN ${params[0]}`); send(`:${NAME} 366 ${nick} ${params[0]} :End of /NAMES list.`); break;
        case 'CHATHISTORY': {
          const [sub = '', target = '', ref = '', lim = '0'] = params;
          if (target.toLowerCase() !== channel.toLowerCase()) {
            send(`${lbl}:${NAME} FAIL CHATHISTORY INVALID_TARGET ${sub} ${target} :Messages could not be retrieved`);
            break;
          }
          const n = Math.min(Number(lim) || LIMIT, LIMIT);
          const idx = (r: string): number => {
            if (r.startsWith('msgid=')) return messages.findIndex((m) => m.msgid === r.slice(6));
            if (r.startsWith('timestamp=')) { const t = Date.parse(r.slice(10)); const i = messages.findIndex((m) => Date.parse(m.time) >= t); return i < 0 ? messages.length : i; }
            return -1;
          };
          let page: HistoryMessage[] = [];
          if (sub === 'LATEST') page = messages.slice(Math.max(0, messages.length - n));
          else if (sub === 'BEFORE') { const i = idx(ref); page = i < 0 ? [] : messages.slice(Math.max(0, i - n), i); }
          else if (sub === 'AFTER') { const i = idx(ref); page = i < 0 ? [] : messages.slice(i + (ref.startsWith('msgid=') ? 1 : 0), i + (ref.startsWith('msgid=') ? 1 : 0) + n); }
          else { send(`${lbl}:${NAME} FAIL CHATHISTORY INVALID_PARAMS ${sub} :Unknown subcommand`); break; }
          const id = `h${++batchN}`;
          send(`${lbl}:${NAME} BATCH +${id} chathistory ${target}`);
          for (const m of page) send(`@batch=${id};time=${m.time};msgid=${m.msgid} :${m.from}!u@h PRIVMSG ${target} :${m.text}`);
          send(`:${NAME} BATCH -${id}`);
          break;
        }
        default:
          if (label) send(`@label=${label} :${NAME} ACK`);
      }
    });
  });
  return Object.assign(f, { messages });
}

/** A server that answers registration (after NICK + USER) with the given lines, then closes when told to. */
export async function startScriptedServer(onRegister: (nick: string) => string[], closeAfter = true): Promise<Fixture> {
  return lineServer((sock, send, onLine) => {
    let nick = 'me';
    onLine((l) => {
      const [verb, arg] = l.split(' ');
      if (verb === 'NICK' && arg) nick = arg;
      if (verb === 'USER') {
        for (const line of onRegister(nick)) send(line);
        if (closeAfter) setTimeout(() => sock.end(), 50);
      }
    });
  });
}

/**
 * A server that registers every client (answering PINGs) and, when told, writes a burst of lines
 * to one registered client in ONE socket write (tests of the incoming line slicing).
 */
export async function startBurstServer(): Promise<Fixture & { registered(nick: string): boolean; burst(nick: string, lines: string[]): void }> {
  const clients = new Map<string, Socket>();
  const f = await lineServer((sock, send, onLine) => {
    let nick = 'me';
    sock.on('close', () => { if (clients.get(nick) === sock) clients.delete(nick); });
    onLine((l) => {
      const [verb, arg] = l.split(' ');
      if (verb === 'NICK' && arg) nick = arg;
      if (verb === 'PING') send(`:${NAME} PONG ${NAME} :${arg ?? ''}`);
      if (verb === 'USER') {
        register(send, nick);
        clients.set(nick, sock);
      }
    });
  });
  return Object.assign(f, {
    registered: (nick: string) => clients.has(nick),
    burst(nick: string, lines: string[]) {
      const s = clients.get(nick);
      if (!s || s.destroyed) throw new Error(`${nick} is not connected to the burst server`);
      s.write(Buffer.from(lines.join('\r\n') + '\r\n', 'utf8'));
    },
  });
}
