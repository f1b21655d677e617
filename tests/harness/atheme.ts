/**
 * atheme-services linked to the harness's InspIRCd: NickServ (REGISTER / IDENTIFY) and SaslServ
 * (SASL PLAIN). Runs as the `irc` user in a temp dir; accounts are registered over a raw IRC
 * connection (NickServ REGISTER), like a user would.
 */
import { chownSync, mkdirSync, writeFileSync } from 'node:fs';
import { connect } from 'node:net';
import { join } from 'node:path';
import { userInfo } from 'node:os';
import { execFileSync } from 'node:child_process';
import { LOOPBACK, sleep, startProcess, tempDir, type Running } from './util';

export interface AthemeServices {
  serverName: string;
  process: Running;
  /** resolves once NickServ is visible on the network */
  waitLinked(timeoutMs?: number): Promise<void>;
  /** registers accounts with NickServ over a raw client connection to host:port */
  register(host: string, port: number, accounts: { name: string; password: string }[]): Promise<void>;
  stop(): Promise<void>;
}

export interface AthemeOptions {
  uplinkName: string;
  uplinkPort: number;
  serverName: string;
  sendPassword: string;
  receivePassword: string;
}

function ircIds(): { uid: number; gid: number } {
  return {
    uid: Number(execFileSync('id', ['-u', 'irc']).toString().trim()),
    gid: Number(execFileSync('id', ['-g', 'irc']).toString().trim()),
  };
}

export async function startAtheme(o: AthemeOptions): Promise<AthemeServices> {
  const dir = tempDir('atheme');
  mkdirSync(join(dir.path, 'etc'));
  const m = (x: string) => `loadmodule "modules/${x}";`;
  const conf = `
${m('protocol/inspircd')}
${m('backend/opensex')}
${m('crypto/pbkdf2v2')}
${m('nickserv/main')}
${m('nickserv/help')}
${m('nickserv/identify')}
${m('nickserv/register')}
${m('nickserv/info')}
${m('nickserv/ghost')}
${m('saslserv/main')}
${m('saslserv/plain')}
serverinfo {
  name = "${o.serverName}";
  desc = "Confab test services";
  numeric = "00A";
  recontime = 2;
  netname = "ConfabTest";
  hidehostsuffix = "users.confab.test";
  adminname = "confab";
  adminemail = "confab@localhost";
  registeremail = "confab@localhost";
  loglevel = { error; info; network; };
  maxlogins = 50;
  maxusers = 50;
  maxnicks = 5;
  maxchans = 50;
  mdlimit = 30;
  emaillimit = 100;
  emailtime = 300;
  auth = none;
  casemapping = rfc1459;
};
uplink "${o.uplinkName}" {
  host = "${LOOPBACK}";
  send_password = "${o.sendPassword}";
  receive_password = "${o.receivePassword}";
  port = ${o.uplinkPort};
};
nickserv { nick = "NickServ"; user = "NickServ"; host = "${o.serverName}"; real = "Nickname Services"; spam; maxnicks = 5; expire = 30; };
saslserv { nick = "SaslServ"; user = "SaslServ"; host = "${o.serverName}"; real = "SASL Authentication Agent"; };
general {
  helpchan = "#help";
  helpurl = "http://localhost/";
  permissive_mode;
  join_chans;
  leave_chans;
  uflags = { hidemail; };
  cflags = { guard; verbose; };
  flood_msgs = 1000;
  flood_time = 10;
  ratelimit_uses = 1000;
  ratelimit_period = 1;
  kline_time = 7;
  commit_interval = 5;
  default_clone_allowed = 1000;
  default_clone_warn = 1000;
  uplink_sendq_limit = 1048576;
  language = "en";
  exempts { };
};
logfile "${join(dir.path, 'atheme.log')}" { error; info; network; };
`;
  const confFile = join(dir.path, 'etc', 'atheme.conf');
  writeFileSync(confFile, conf);
  const ids = userInfo().uid === 0 ? ircIds() : undefined;
  if (ids) {
    chownSync(dir.path, ids.uid, ids.gid);
    chownSync(join(dir.path, 'etc'), ids.uid, ids.gid);
  }
  const proc = startProcess('atheme-services', ['-n', '-c', confFile, '-D', dir.path, '-l', join(dir.path, 'atheme.log'), '-p', join(dir.path, 'atheme.pid')],
    ids ? { uid: ids.uid, gid: ids.gid, cwd: dir.path } : { cwd: dir.path });
  return {
    serverName: o.serverName,
    process: proc,
    async waitLinked(timeoutMs = 30_000) {
      const deadline = Date.now() + timeoutMs;
      while (!/synch|burst|Finished|connection to uplink/i.test(proc.output())) {
        if (proc.child.exitCode !== null) throw new Error(`atheme exited: ${proc.output().slice(-2000)}`);
        if (Date.now() > deadline) throw new Error(`atheme did not link: ${proc.output().slice(-2000)}`);
        await sleep(100);
      }
    },
    async register(h, p, accounts) {
      for (const a of accounts) await registerAccount(h, p, a.name, a.password);
    },
    async stop() {
      await proc.stop();
      dir.remove();
    },
  };
}

/** A raw IRC session: connects as `nick`, waits for NickServ, registers, quits. */
export async function registerAccount(host: string, port: number, nick: string, password: string, timeoutMs = 20_000): Promise<void> {
  await new Promise<void>((resolve, reject) => {
    const sock = connect({ host, port });
    let buf = '';
    let done = false;
    let whoisTries = 0;
    const finish = (err?: Error) => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      try { sock.write('QUIT :done\r\n'); } catch { /* closed */ }
      sock.end();
      setTimeout(() => sock.destroy(), 200);
      if (err) reject(err); else resolve();
    };
    const timer = setTimeout(() => finish(new Error(`registering ${nick} timed out; last lines: ${buf.slice(-500)}`)), timeoutMs);
    const send = (l: string) => sock.write(l + '\r\n');
    sock.on('error', (e) => finish(e));
    sock.on('connect', () => { send(`NICK ${nick}`); send(`USER ${nick} 0 * :${nick}`); });
    sock.on('data', (d) => {
      buf += d.toString('utf8');
      let i: number;
      while ((i = buf.indexOf('\n')) >= 0) {
        const line = buf.slice(0, i).replace(/\r$/, '');
        buf = buf.slice(i + 1);
        const parts = line.split(' ');
        if (parts[0] === 'PING') { send(`PONG ${parts[1] ?? ''}`); continue; }
        const cmd = parts[1];
        if (cmd === '001') send('WHOIS NickServ');
        else if (cmd === '401') {
          // services not linked yet
          if (++whoisTries > 100) finish(new Error('NickServ never appeared'));
          else setTimeout(() => send('WHOIS NickServ'), 200);
        } else if (cmd === '311' && parts[3] === 'NickServ') {
          send(`PRIVMSG NickServ :REGISTER ${password} ${nick.replace(/[^a-z0-9]/gi, '')}@confab.test`);
        } else if (cmd === 'NOTICE' && /NickServ!/.test(parts[0] ?? '')) {
          if (/registered|is now registered/i.test(line) && !/not registered/i.test(line)) finish();
          else if (/already registered|invalid|cannot|too many|error/i.test(line)) finish(new Error(`NickServ refused ${nick}: ${line}`));
        } else if (cmd === '433') finish(new Error(`nick ${nick} in use`));
      }
    });
  });
}
